// Each command's body by id, for main.ts to start without oclif once the manifest has read the
// command line (src/cli/direct-parse.ts). Loaded one at a time: a command loads only its own code.
import type {CommandIO, CommandInput} from './cli/command-io.js';

export type DirectRun = (input: CommandInput<never, never>, io: CommandIO) => Promise<void>;

/** The manifest's reading of flags and arguments has the types the command's flags declare (checked against oclif in tests). */
const direct = <Run>(run: Run) => run as unknown as DirectRun;

export const COMMAND_RUNS: Record<string, () => Promise<DirectRun>> = {
  completion: async () => direct((await import('./commands/completion-run.js')).runCompletionCommand),
  'controller:manifests': async () => direct((await import('./commands/controller/manifests-run.js')).runManifestsCommand),
  'controller:run': async () => direct((await import('./commands/controller/start-run.js')).runControllerCommand),
  diff: async () => direct((await import('./commands/diff-run.js')).runDiffCommand),
  fanout: async () => direct((await import('./commands/fanout-run.js')).runFanoutCommand),
  'fanout:status': async () => direct((await import('./commands/fanout/status-run.js')).runFanoutStatusCommand),
  restart: async () => direct((await import('./commands/restart-run.js')).runRestartCommand),
  sync: async () => direct((await import('./commands/sync-run.js')).runSyncCommand),
  undo: async () => direct((await import('./commands/undo-run.js')).runUndoCommand),
  version: async () => direct((await import('./commands/version-run.js')).runVersionCommand),
};
