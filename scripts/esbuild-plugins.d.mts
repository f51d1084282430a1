// Types of scripts/esbuild-plugins.mjs for the tests.
import type {Plugin} from 'esbuild';
export const sideEffectFreeClient: Plugin;
export const undiciLeftOut: Plugin;
export const builtinHttpByRequire: Plugin;
export const clientPlugins: Plugin[];
export const UNDICI_LEFT_OUT: string;
