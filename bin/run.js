#!/usr/bin/env node
// Entry point of `kubectl-configsync` (and so of `kubectl configsync`).
import module from 'node:module';
import {fileURLToPath} from 'node:url';

// Compiled code is cached between runs: a kubectl plugin is started often and briefly.
module.enableCompileCache?.();

const {main, npmEntry} = await import('../dist/main.js');
await main(process.argv.slice(2), npmEntry(fileURLToPath(new URL('../dist', import.meta.url))));
