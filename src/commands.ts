// Explicit command discovery: oclif loads this one module instead of scanning a
// directory, which is what lets the CLI ship as a bundle.
import Diff from './commands/diff.js';
import Restart from './commands/restart.js';

export const COMMANDS = {
  diff: Diff,
  restart: Restart,
};
