// The body of `fanout status` (its flags and help: status.ts).
import type {RunOf} from '../../cli/command-io.js';
import {runFanoutStatus} from '../../actions/fanout/fanout-status.js';
import {parseSourceArg} from '../../actions/fanout/fanout-targets.js';
import {fanoutStatusDocument} from '../../core/contracts/fanout-documents.js';
import {renderDocument} from '../../ui/output.js';
import {renderFanoutStatus} from '../../ui/render-fanout.js';
import {isTableOutput, tableWidth} from '../../ui/width.js';
import type FanoutStatus from './status.js';

export const runFanoutStatusCommand: RunOf<typeof FanoutStatus> = async ({args, flags}, io) => {
  const {kind, name} = parseSourceArg(args.object);
  const kube = await io.loadKubeconfig(flags);
  const {status, errors, exitCode} = await runFanoutStatus(kube, {
    kind,
    name,
    context: flags.context,
    namespace: flags.namespace,
    targets: flags,
  });
  if (isTableOutput(flags.output)) io.print(renderFanoutStatus(status, io.themeFor(flags['no-color']), errors, tableWidth(flags.output)));
  else io.print(renderDocument(fanoutStatusDocument(status, errors), flags.output));
  for (const error of errors) io.note(`error: context ${error.context}: ${error.message}`);
  io.setExitCode(exitCode);
};
