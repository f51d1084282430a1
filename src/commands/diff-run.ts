// The body of `diff` (its flags and help: diff.ts).
import type {RunOf} from '../cli/command-io.js';
import {compareFleet, compareLocations, splitLocationWords} from '../actions/diff/compare.js';
import {withOwnership} from '../core/blame.js';
import {hasDifferences} from '../core/diff.js';
import {ExitCode, UsageError} from '../core/errors.js';
import {fleetHasDifferences} from '../core/fleet.js';
import {renderDocument} from '../ui/output.js';
import {renderDiffReport} from '../ui/render-diff.js';
import {outputWidth} from '../ui/width.js';
import {renderFleetReport} from '../ui/render-fleet.js';
import type Diff from './diff.js';

export const runDiffCommand: RunOf<typeof Diff> = async ({argv, flags}, io) => {
  const kube = await io.loadKubeconfig(flags);
  const defaultContext = flags.context ? kube.resolveContext(flags.context) : undefined;
  const {locations, names} = await splitLocationWords(kube, argv as string[], defaultContext);
  const note = (text: string) => io.note(text);
  const theme = io.themeFor(flags['no-color']);
  if (locations.length >= 3) {
    const {report, unread} = await compareFleet(kube, locations, names, flags, note);
    const options = {
      hideIdentical: flags['hide-identical'],
      quiet: flags.quiet,
      fullValues: flags['full-values'],
      context: flags['context-lines'],
      width: outputWidth({wide: flags.output === 'wide'}),
    };
    io.print(
      flags.output === 'table' || flags.output === 'wide'
        ? renderFleetReport(report, theme, options)
        : renderDocument(report, flags.output),
    );
    for (const {location, error} of unread)
      io.note(`error: ${location.context}/${location.namespace} left out of the comparison: ${error.message}`);
    io.setExitCode(unread.length > 0 ? ExitCode.partial : fleetHasDifferences(report) ? ExitCode.differences : ExitCode.ok);
    return;
  }
  if ((flags.owners || flags.blame) && locations.length >= 3) {
    throw new UsageError(`--${flags.owners ? 'owners' : 'blame'} applies to two locations`);
  }
  if (flags.baseline !== undefined) {
    throw new UsageError('--baseline applies to three or more locations; two locations are already compared source → target');
  }
  const comparison = await compareLocations(kube, {source: locations[0], target: locations[1]}, names, flags, note);
  const report = withOwnership(comparison.report, comparison.source.objects, comparison.target.objects, {
    owners: flags.owners,
    blame: flags.blame,
  });
  if (flags.output === 'table' || flags.output === 'wide') {
    io.print(
      renderDiffReport(report, theme, {
        context: flags['context-lines'],
        hideIdentical: flags['hide-identical'],
        quiet: flags.quiet,
        owners: flags.owners,
        blame: flags.blame,
        width: outputWidth({wide: flags.output === 'wide'}),
        fullValues: flags['full-values'],
        hideIdenticalKeys: flags['hide-identical-keys'],
      }),
    );
  } else {
    io.print(renderDocument(report, flags.output));
  }
  io.setExitCode(hasDifferences(report) ? ExitCode.differences : ExitCode.ok);
};
