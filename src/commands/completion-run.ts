// The body of `completion` (its flags and help: completion.ts).
import type {RunOf} from '../cli/command-io.js';
import {renderCompletionScript, renderKubectlCompleteScript, SHELLS} from '../cli/completion-scripts.js';
import type Completion from './completion.js';

export const runCompletionCommand: RunOf<typeof Completion> = async ({args}, io) => {
  io.print(args.shell === 'kubectl' ? renderKubectlCompleteScript() : renderCompletionScript(args.shell as (typeof SHELLS)[number]));
};
