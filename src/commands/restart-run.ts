// The body of `restart` (its flags and help: restart.ts).
import type {RunOf} from '../cli/command-io.js';
import {runRestart} from '../actions/restart/restart-action.js';
import {rolloutOptionsFrom} from '../actions/restart/rollout.js';
import {parseLabelSelector} from '../core/namespace-select.js';
import {parseKeyList, parseTargets} from '../core/restart-targets.js';
import {renderDocument} from '../ui/output.js';
import {canPrompt, promptConfirm} from '../ui/prompts.js';
import {renderRestartReport} from '../ui/render-restart.js';
import {isTableOutput, tableWidth} from '../ui/width.js';
import type Restart from './restart.js';

export const runRestartCommand: RunOf<typeof Restart> = async ({argv, flags}, io) => {
  const keys = flags.keys === undefined ? undefined : parseKeyList(flags.keys);
  const targets = parseTargets(argv as string[], keys);
  // A bad -l is the user's typo: say so before any request, not as the server's HTTP 400.
  if (flags.selector !== undefined) parseLabelSelector(flags.selector);
  const rollout = rolloutOptionsFrom(flags, (line) => io.note(line));
  const kube = await io.loadKubeconfig(flags);
  const context = kube.resolveContext(flags.context);
  const {report, exitCode} = await runRestart(
    {
      cluster: kube.cluster(context),
      context,
      namespace: flags['all-namespaces'] ? undefined : (flags.namespace ?? kube.namespaceOf(context)),
      targets,
      selector: flags.selector,
      plan: {skipVolumeOnly: flags['skip-volume-only'], maxParallel: flags['max-parallel']},
      rollout,
      yes: flags.yes,
    },
    {
      note: (text) => io.note(text),
      canPrompt: canPrompt(),
      // Shown before the confirmation: what will be restarted once confirmed, not a dry run.
      preview: (preview) =>
        io.note(
          renderRestartReport(preview, io.themeFor(flags['no-color'], process.stderr), {
            confirming: true,
            width: tableWidth(flags.output, process.stderr),
          }),
        ),
      confirm: (message) => promptConfirm(message),
    },
  );
  io.print(
    isTableOutput(flags.output)
      ? renderRestartReport(report, io.themeFor(flags['no-color']), {width: tableWidth(flags.output)})
      : renderDocument(report, flags.output),
  );
  io.setExitCode(exitCode);
};
