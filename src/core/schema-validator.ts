import type {Options, ValidateFunction} from 'ajv';

type AjvClass = new (options?: Options) => {compile(schema: object): ValidateFunction};

/**
 * Compiles a JSON Schema with ajv, loaded only when a file is validated so other runs start
 * without it. ajv is CommonJS reached through a dynamic import: under vitest its class is a
 * named export, in the esbuild bundle it sits under `default`; both are handled here, once.
 */
export async function compileSchema(schema: object, draft: '07' | '2020', options: Options = {}): Promise<ValidateFunction> {
  const module = (draft === '2020' ? await import('ajv/dist/2020.js') : await import('ajv')) as unknown as Record<string, unknown> & {
    default?: Record<string, unknown>;
  };
  const name = draft === '2020' ? 'Ajv2020' : 'Ajv';
  const Ajv = (module[name] ?? module.default?.[name]) as AjvClass | undefined;
  if (!Ajv) throw new Error(`internal: ${name} did not load`);
  return new Ajv(options).compile(schema);
}
