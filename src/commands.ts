// Explicit command discovery: oclif loads this one module instead of scanning a
// directory, which is what lets the CLI ship as a bundle.
import Completion from './commands/completion.js';
import ControllerManifests from './commands/controller/manifests.js';
import ControllerRun from './commands/controller/run.js';
import Diff from './commands/diff.js';
import Fanout from './commands/fanout.js';
import FanoutStatus from './commands/fanout/status.js';
import Restart from './commands/restart.js';
import Sync from './commands/sync.js';
import Undo from './commands/undo.js';
import Version from './commands/version.js';

export {INTEGER_PARSE} from './cli/flags.js';

export const COMMANDS = {
  completion: Completion,
  'controller:manifests': ControllerManifests,
  'controller:run': ControllerRun,
  diff: Diff,
  fanout: Fanout,
  'fanout:status': FanoutStatus,
  restart: Restart,
  sync: Sync,
  undo: Undo,
  version: Version,
};
