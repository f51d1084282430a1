// Explicit command discovery: oclif loads this one module instead of scanning a
// directory, which is what lets the CLI ship as a bundle.
import Completion from './commands/completion.js';
import Diff from './commands/diff.js';
import Restart from './commands/restart.js';
import Sync from './commands/sync.js';
import Undo from './commands/undo.js';

export const COMMANDS = {
  completion: Completion,
  diff: Diff,
  restart: Restart,
  sync: Sync,
  undo: Undo,
};
