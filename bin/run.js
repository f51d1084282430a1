#!/usr/bin/env node
// Entry point of `kubectl-configsync` (and so of `kubectl configsync`).
import module from 'node:module';

// Compiled code is cached between runs: a kubectl plugin is started often and briefly.
module.enableCompileCache?.();

const {execute} = await import('@oclif/core');
await execute({dir: import.meta.url});
