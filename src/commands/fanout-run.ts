// The body of `fanout` (its flags and help: fanout.ts).
import type {RunOf} from '../cli/command-io.js';
import {runFanout} from '../actions/fanout/fanout-action.js';
import {canPrompt, promptConfirm} from '../ui/prompts.js';
import type Fanout from './fanout.js';

export const runFanoutCommand: RunOf<typeof Fanout> = async ({args, flags}, io) => {
  const code = await runFanout(args.object, flags, {
    print: (text) => io.print(text),
    note: (text) => io.note(text),
    theme: (stream) => io.themeFor(flags['no-color'], stream === 'stderr' ? process.stderr : process.stdout),
    canPrompt,
    confirm: (message) => promptConfirm(message),
    loadKubeconfig: () => io.loadKubeconfig(flags),
  });
  io.setExitCode(code);
};
