import {mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {Ajv2020} from 'ajv/dist/2020.js';
import {load} from 'js-yaml';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {ARN_CONTEXT, list} from './diff-support.js';
import {kubeconfigWith} from './kubeconfigs.js';
import {apply, configMap, createNamespaces, eventually, kubectl, repoRoot, runCli, secret, uniqueName} from './support.js';

const schema = JSON.parse(readFileSync(join(repoRoot, 'schema', 'diff-report.schema.json'), 'utf8'));
const validate = new Ajv2020({allErrors: true, strictRequired: false, allowUnionTypes: true}).compile(schema);

const src = uniqueName('diff-src');
const dst = uniqueName('diff-dst');
const same = uniqueName('diff-same');
const far = uniqueName('diff-far');
const cleanups: Array<() => Promise<void>> = [];

const bytes = (...values: number[]) => Buffer.from(values).toString('base64');

function appConfig(namespace: string, side: 'src' | 'dst'): string {
  const s = side === 'src';
  return configMap(
    namespace,
    'app-config',
    {
      LOG_LEVEL: s ? 'debug' : 'info',
      DB_HOST: s ? 'db.src.internal' : 'db.dst.internal',
      [s ? 'ONLY_SRC' : 'ONLY_DST']: s ? '1' : '2',
      SAME: 'x',
      'app.yaml': `server:\n  port: ${s ? 9090 : 8080}\n  timeoutSeconds: 30\ncache:\n  ttl: 300s\n`,
      'settings.json': `{"features": {"cart": ${s}, "search": "v2"}}`,
      'application.properties': `retry.max=${s ? 5 : 3}\nretry.backoff=200ms\n`,
      'nginx.conf': `worker_processes ${s ? 'auto' : '4'};\nevents { worker_connections 1024; }\nhttp {\n  gzip on;\n}\n`,
    },
    {binaryData: {'logo.bin': s ? bytes(0, 1, 2, 255) : bytes(0, 1, 2, 254), 'same.bin': bytes(9, 9)}},
  );
}

beforeAll(async () => {
  cleanups.push(await createNamespaces('alpha', src, dst, same));
  cleanups.push(await createNamespaces('beta', far));
  await apply(
    'alpha',
    list(
      appConfig(src, 'src'),
      configMap(src, 'common', {TZ: 'UTC'}),
      configMap(src, 'only-src', {A: '1'}),
      configMap(src, 'dev-local', {X: 'src'}),
      secret(src, 'db-credentials', {username: 'app', password: 'pw-source-123'}),
      appConfig(dst, 'dst'),
      configMap(dst, 'common', {TZ: 'UTC'}),
      configMap(dst, 'only-dst', {B: '2'}),
      configMap(dst, 'dev-local', {X: 'dst'}),
      secret(dst, 'db-credentials', {username: 'app', password: 'pw-target-456'}),
      configMap(same, 'common', {TZ: 'UTC'}),
    ),
  );
  await apply('beta', list(configMap(far, 'common', {TZ: 'UTC'}), configMap(far, 'only-far', {C: '3'})));
});

afterAll(async () => {
  for (const cleanup of cleanups) await cleanup();
});

describe('diff between two namespaces of one cluster', () => {
  it('shows every key status, structured values, line diffs and binaryData, and exits 1', async () => {
    // At the 80 columns of a pipe: values cut around their first difference.
    const result = await runCli(['diff', `alpha/${src}`, `alpha/${dst}`], {env: {COLUMNS: undefined}});
    expect(result.stderr).toBe('');
    expect(result.code).toBe(1);
    const out = result.stdout;
    expect(out).toContain(`ConfigMaps: alpha/${src} → alpha/${dst}`);
    // The summary continues on an indented line when 80 columns cannot hold it.
    expect(out.replace(/\n +/g, ' ')).toContain('Summary: total 5 · identical 1 · different 2 · missing in target 1 · missing in source 1');
    expect(out).toMatch(/^configmap\/common {3}identical \(1 key\)$/m);
    expect(out).toMatch(/^configmap\/app-config {3}~ different$/m);
    // The target's value now first, then the value a sync would write.
    expect(out).toMatch(/^ {2}~ LOG_LEVEL +different +info +debug$/m);
    expect(out).toMatch(/^ {2}\+ ONLY_SRC +missing in target +- +1$/m);
    expect(out).toMatch(/^ {2}- ONLY_DST +missing in source +2 +-$/m);
    expect(out).toMatch(/^ {4}SAME +identical +x +x$/m);
    expect(out).toMatch(/^ {2}~ app\.yaml +different +…rt: 8080↵ {2}… +…rt: 9090↵ {2}…$/m);
    // Target now → target after a sync.
    expect(out).toContain('    ~ server.port: 8080 → 9090');
    expect(out).toContain('    ~ features.cart: false → true');
    expect(out).toContain('    ~ retry.max: 3 → 5');
    expect(out).toContain('  -worker_processes 4;\n  +worker_processes auto;\n   events { worker_connections 1024; }');
    // At 80 columns the digest keeps its digits and drops its label.
    expect(out).toMatch(/^ {2}~ logo\.bin \(binary\) +different +4 B [0-9a-f]{10,} +4 B [0-9a-f]{10,}$/m);
    expect(out).toMatch(/^ {4}same\.bin \(binary\) +identical/m);
    expect(out).toMatch(/^configmap\/only-src {3}\+ missing in target$/m);
    // sync never deletes an object the source lacks: it is shown as kept, its keys as they stay.
    expect(out).toMatch(/^configmap\/only-dst {3}missing in source: sync leaves it$/m);
    expect(out).not.toContain('kube-root-ca.crt');
  });

  it('honours -C, NAME arguments and --include-platform', async () => {
    const narrowed = await runCli(['diff', `alpha/${src}`, `alpha/${dst}`, 'app-config', '-C', '0']);
    expect(narrowed.code).toBe(1);
    expect(narrowed.stdout).toContain('Summary: total 1 · identical 0 · different 1');
    expect(narrowed.stdout).toContain('  @@ -1,1 +1,1 @@\n  -worker_processes 4;\n  +worker_processes auto;\n');
    // The controller manager publishes kube-root-ca.crt into each new namespace; wait for it rather than skip.
    const published = (namespace: string) => async () =>
      (await kubectl(['--context', 'alpha', 'get', 'configmaps', '-n', namespace, '-o', 'name'])).includes('kube-root-ca.crt');
    expect(await eventually(published(src)), 'kube-root-ca.crt published in the source namespace').toBe(true);
    expect(await eventually(published(dst)), 'kube-root-ca.crt published in the target namespace').toBe(true);
    const all = await runCli(['diff', `alpha/${src}`, `alpha/${dst}`, '--include-platform', '-q']);
    expect(all.stdout).toContain('Summary: total 6');
  });

  it('exits 0 for identical namespaces; --quiet prints the summary only; --hide-identical hides identical objects', async () => {
    const full = await runCli(['diff', `alpha/${same}`, `beta/${far}`, 'common']);
    expect(full.code).toBe(0);
    expect(full.stdout).toBe(
      `ConfigMaps: alpha/${same} → beta/${far}\nSummary: total 1 · identical 1 · different 0 · missing in target 0 · missing in source 0\n\nconfigmap/common   identical (1 key)\n`,
    );
    const hidden = await runCli(['diff', `alpha/${same}`, `beta/${far}`, 'common', '--hide-identical']);
    expect(hidden.code).toBe(0);
    expect(hidden.stdout).not.toContain('configmap/common');
    const quiet = await runCli(['diff', `alpha/${src}`, `alpha/${dst}`, '--quiet']);
    expect(quiet.code).toBe(1);
    expect(quiet.stdout.trimEnd().split('\n')).toEqual([
      `ConfigMaps: alpha/${src} → alpha/${dst}`,
      'Summary: total 5 · identical 1 · different 2 · missing in target 1 · missing in source 1',
    ]);
  });

  it('never colours piped output, and colours it only when forced (unless --no-color)', async () => {
    const piped = await runCli(['diff', `alpha/${src}`, `alpha/${dst}`, '-q'], {env: {NO_COLOR: undefined, FORCE_COLOR: undefined}});
    expect(piped.stdout).not.toContain('\u001b[');
    const forced = await runCli(['diff', `alpha/${src}`, `alpha/${dst}`, '-q'], {env: {NO_COLOR: undefined, FORCE_COLOR: '1'}});
    expect(forced.stdout).toContain('\u001b[');
    const off = await runCli(['diff', `alpha/${src}`, `alpha/${dst}`, '-q', '--no-color'], {env: {NO_COLOR: undefined, FORCE_COLOR: '1'}});
    expect(off.stdout).not.toContain('\u001b[');
  });

  it('masks Secrets with fingerprints unless --show-secrets', async () => {
    const masked = await runCli(['diff', `alpha/${src}`, `alpha/${dst}`, 'secret/db-credentials', '--kind', 'configmaps,secrets']);
    expect(masked.code).toBe(1);
    expect(masked.stdout).not.toContain('pw-source-123');
    expect(masked.stdout).not.toContain('pw-target-456');
    const fp = /^ {2}username +identical +\*\*\* \(([0-9a-f]{8})\) +\*\*\* \(([0-9a-f]{8})\)$/m.exec(masked.stdout);
    expect(fp?.[1]).toBe(fp?.[2]);
    expect(masked.stdout).toMatch(/^ {2}~ password +different +\*\*\* \([0-9a-f]{8}\) +\*\*\* \([0-9a-f]{8}\)$/m);
    const json = await runCli(['diff', `alpha/${src}`, `alpha/${dst}`, '--kind', 'secrets', '-o', 'json']);
    expect(json.stdout).not.toContain('pw-source-123');
    expect(JSON.parse(json.stdout).secretsShown).toBe(false);
    const shown = await runCli(['diff', `alpha/${src}`, `alpha/${dst}`, '--kind', 'secrets', '--show-secrets']);
    expect(shown.stdout).toMatch(/^ {2}~ password +different +pw-target-456 +pw-source-123$/m);
  });

  it('prints one document for -o json and -o yaml that matches the schema', async () => {
    const json = await runCli(['diff', `alpha/${src}`, `alpha/${dst}`, '--kind', 'configmaps,secrets', '-o', 'json']);
    expect(json.code).toBe(1);
    const report = JSON.parse(json.stdout);
    expect(validate(report), JSON.stringify(validate.errors)).toBe(true);
    expect(report).toMatchObject({
      apiVersion: 'configsync.kubectl.dev/v1alpha1',
      kind: 'DiffReport',
      source: {context: 'alpha', namespace: src},
      target: {context: 'alpha', namespace: dst},
    });
    expect(report.summary).toEqual({
      total: 6,
      identical: 1,
      different: 3,
      missingInTarget: 1,
      missingInSource: 1,
      ignoredObjects: 0,
      ignoredKeys: 0,
    });
    const logo = report.objects.find((o: {name: string}) => o.name === 'app-config').keys.find((k: {key: string}) => k.key === 'logo.bin');
    expect(logo).toMatchObject({section: 'binaryData', status: 'different', source: {size: 4}});
    expect(logo.source.value).toBeUndefined();
    const yaml = await runCli(['diff', `alpha/${src}`, `alpha/${dst}`, '-o', 'yaml']);
    expect(yaml.code).toBe(1);
    const fromYaml = load(yaml.stdout);
    expect(validate(fromYaml), JSON.stringify(validate.errors)).toBe(true);
    expect((fromYaml as {summary: unknown}).summary).toMatchObject({total: 5, different: 2});
  });
});

describe('ignore rules', () => {
  const dir = mkdtempSync(join(tmpdir(), 'configsync-rules-'));
  afterAll(() => rmSync(dir, {recursive: true, force: true}));

  // app-config differs in many keys; narrow to objects whose only difference is ignorable.
  const args = () => ['diff', `alpha/${src}`, `alpha/${dst}`, 'common', 'dev-local'];

  it('counts ignored differences apart and never exits 1 for them (flags)', async () => {
    const plain = await runCli(args(), {cwd: dir});
    expect(plain.code).toBe(1);
    const ignored = await runCli([...args(), '--ignore-object', 'dev-*'], {cwd: dir});
    expect(ignored.code).toBe(0);
    expect(ignored.stdout).toContain(
      'Summary: total 1 · identical 1 · different 0 · missing in target 0 · missing in source 0 · ignored 1 object, 0 keys',
    );
    const keys = await runCli(['diff', `alpha/${src}`, `alpha/${dst}`, 'dev-local', '--ignore-key', 'X', '-o', 'json'], {cwd: dir});
    expect(keys.code).toBe(0);
    expect(JSON.parse(keys.stdout).summary).toMatchObject({identical: 1, ignoredKeys: 1});
  });

  it('reads .configsync.yaml upward from the working directory, or --rules, unless --no-rules', async () => {
    const repo = join(dir, 'repo');
    const deep = join(repo, 'env', 'prod');
    mkdirSync(deep, {recursive: true});
    writeFileSync(join(repo, '.configsync.yaml'), 'ignore:\n  keys: ["dev-local:X"]\n');
    const found = await runCli(args(), {cwd: deep});
    expect(found.code).toBe(0);
    expect(found.stdout).toContain('ignored 0 objects, 1 key');
    expect(found.stdout).toContain('configmap/dev-local   identical (1 key, 1 ignored difference)');
    expect((await runCli([...args(), '--no-rules'], {cwd: deep})).code).toBe(1);
    writeFileSync(join(dir, 'ci.yaml'), 'ignore:\n  objects: ["dev-local"]\n');
    const explicit = await runCli([...args(), '--rules', join(dir, 'ci.yaml')], {cwd: dir});
    expect(explicit.code).toBe(0);
    expect(explicit.stdout).toContain('ignored 1 object, 0 keys');
  });

  it('refuses a rules file its schema does not allow, naming the allowed fields, and reports rules that match nothing', async () => {
    writeFileSync(join(dir, 'typo.yaml'), 'ignore:\n  key: [X]\n');
    const typo = await runCli([...args(), '--rules', join(dir, 'typo.yaml')], {cwd: dir});
    expect(typo.code).toBe(2);
    expect(typo.stderr).toMatch(/^error: rules file .*typo\.yaml: unknown field "ignore\.key" \(allowed in ignore: keys, objects\)\n$/);
    writeFileSync(join(dir, 'list.yaml'), '- ignore:\n    keys: [X]\n');
    const list = await runCli([...args(), '--rules', join(dir, 'list.yaml')], {cwd: dir});
    expect(list.code).toBe(2);
    expect(list.stderr).toMatch(/not a list/);
    writeFileSync(join(dir, 'unused.yaml'), 'ignore:\n  keys: ["dev-local:X", NO_SUCH_KEY]\n');
    const unused = await runCli([...args(), '--rules', join(dir, 'unused.yaml')], {cwd: dir});
    expect(unused.code).toBe(0);
    expect(unused.stderr).toContain(
      // Under the working directory, the file is named from there.
      'warning: rules file unused.yaml: ignore.keys "NO_SUCH_KEY" matched nothing in this run',
    );
    expect(unused.stderr).not.toContain('dev-local:X');
  });
});

describe('locations', () => {
  let arn: {path: string; cleanup: () => void};
  beforeAll(() => {
    arn = kubeconfigWith([
      {name: ARN_CONTEXT, like: 'alpha', namespace: same},
      // A context named like a namespace of the current context: the context wins, with a note.
      {name: src, like: 'beta', namespace: far},
    ]);
  });
  afterAll(() => arn.cleanup());

  it('compares across clusters', async () => {
    const result = await runCli(['diff', `alpha/${same}`, `beta/${far}`]);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(`ConfigMaps: alpha/${same} → beta/${far}`);
    expect(result.stdout).toMatch(/^configmap\/only-far {3}missing in source: sync leaves it$/m);
  });

  it('reads a bare NAMESPACE in the current (or --context) context, and --from/--to overrides', async () => {
    const bare = await runCli(['diff', same, src, '--context', 'alpha', '-q']);
    expect(bare.stdout).toContain(`ConfigMaps: alpha/${same} → alpha/${src}`);
    const overridden = await runCli([
      'diff',
      'x',
      'y',
      '--from-context',
      'alpha',
      '--from-namespace',
      same,
      '--to-context',
      'beta',
      '--to-namespace',
      far,
      '-q',
    ]);
    expect(overridden.stdout).toContain(`ConfigMaps: alpha/${same} → beta/${far}`);
  });

  it('takes an exact ARN-like context name, and ARN/NAMESPACE', async () => {
    const exact = await runCli(['diff', ARN_CONTEXT, `beta/${far}`, '-q'], {env: {KUBECONFIG: arn.path}});
    expect(exact.stderr).toBe('');
    expect(exact.stdout).toContain(`ConfigMaps: ${ARN_CONTEXT}/${same} → beta/${far}`);
    expect(exact.code).toBe(1);
    const split = await runCli(['diff', `${ARN_CONTEXT}/${src}`, `alpha/${dst}`, '-o', 'json'], {env: {KUBECONFIG: arn.path}});
    expect(split.code).toBe(1);
    expect(JSON.parse(split.stdout).source).toEqual({context: ARN_CONTEXT, namespace: src, label: `${ARN_CONTEXT}/${src}`});
  });

  it('says on stderr when a word is both a context and a namespace', async () => {
    const result = await runCli(['diff', src, `alpha/${same}`, '--context', 'alpha', '-q'], {env: {KUBECONFIG: arn.path}});
    expect(result.stderr).toContain(
      `note: "${src}" is both a context and a namespace in context "alpha"; using the context (write alpha/${src} for the namespace)`,
    );
    expect(result.stdout).toContain(`ConfigMaps: ${src}/${far} → alpha/${same}`);
  });

  it('reads with the read-only alpha-viewer user', async () => {
    const result = await runCli(['diff', `alpha-viewer/${src}`, `alpha-viewer/${dst}`, '-q']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('Summary: total 5 · identical 1 · different 2');
  });
});
