#!/usr/bin/env node
// Entry point of `kubectl-configsync` (and so of `kubectl configsync`).
import module from 'node:module';
import {fileURLToPath} from 'node:url';

// The Kubernetes client needs Node 22+; say so in one line instead of a stack trace.
if (Number(process.versions.node.split('.')[0]) < 22) {
  process.stderr.write(`error: kubectl-configsync needs Node.js 22 or newer; this is Node.js ${process.version}\n`);
  process.exit(2);
}

// Compiled code is cached between runs: a kubectl plugin is started often and briefly.
module.enableCompileCache?.();

const {main, npmEntry} = await import('../dist/main.js');
await main(process.argv.slice(2), npmEntry(fileURLToPath(new URL('../dist', import.meta.url))));
