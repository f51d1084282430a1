#!/usr/bin/env node
// kubectl (1.26 and later) runs `kubectl_complete-configsync ARGS… WORD` to complete
// `kubectl configsync ARGS… WORD`; the answer is the CLI's own `__complete`.
import module from 'node:module';
import {fileURLToPath} from 'node:url';

module.enableCompileCache?.();

const {main, npmEntry} = await import('../dist/main.js');
await main(['__complete', ...process.argv.slice(2)], npmEntry(fileURLToPath(new URL('../dist', import.meta.url))));
