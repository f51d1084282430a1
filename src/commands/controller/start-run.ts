// The body of `controller run` (its flags and help: run.ts).
import type {RunOf} from '../../cli/command-io.js';
import type ControllerRun from './run.js';

export const runControllerCommand: RunOf<typeof ControllerRun> = async ({argv, flags}, io) => {
  const {runController} = await import('../../controller/run.js');
  const code = await runController(argv as string[], flags, {
    note: (text) => io.note(text),
    loadKubeconfig: (countRequest) => io.loadKubeconfig(flags, countRequest),
  });
  io.setExitCode(code);
};
