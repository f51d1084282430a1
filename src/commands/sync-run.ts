// The body of `sync` (its flags and help: sync.ts).
import type {RunOf} from '../cli/command-io.js';
import {rolloutOptionsFrom} from '../actions/restart/rollout.js';
import {interruptedSync, reportSync, runSync, type SyncIo} from '../actions/sync/sync-action.js';
import {renderDocument} from '../ui/output.js';
import {canPrompt, promptConfirm} from '../ui/prompts.js';
import {renderRestartReport} from '../ui/render-restart.js';
import {renderSyncPlan, renderSyncResult} from '../ui/render-sync.js';
import {isTableOutput, tableWidth} from '../ui/width.js';
import type Sync from './sync.js';

export const runSyncCommand: RunOf<typeof Sync> = async ({args, argv, flags}, command) => {
  const note = (text: string) => command.note(text);
  // Checked before anything is written, so a bad --timeout cannot stop halfway.
  const restart = flags.restart
    ? {...rolloutOptionsFrom(flags, note), skipVolumeOnly: flags['skip-volume-only'], maxParallel: flags['max-parallel']}
    : undefined;
  const io: SyncIo = {
    note,
    theme: command.themeFor(flags['no-color'], process.stderr),
    canPrompt: canPrompt(),
    confirm: promptConfirm,
    loadKubeconfig: () => command.loadKubeconfig(flags),
  };
  const outcome = await runSync(
    {
      source: args.source,
      target: args.target,
      names: (argv as string[]).slice(2),
      compare: flags,
      keys: flags.keys,
      all: flags.all,
      prune: flags.prune,
      recreate: flags.recreate,
      planFile: flags.plan,
      dryRun: flags['dry-run'],
      fieldManager: flags['field-manager'],
      yes: flags.yes,
      forceOwned: flags['force-owned'],
      restart,
    },
    io,
  );
  const theme = command.themeFor(flags['no-color']);
  const document = outcome.dryRun === 'client' ? outcome.plan : outcome.result;
  if (isTableOutput(flags.output)) {
    const width = tableWidth(flags.output);
    const table =
      outcome.dryRun === 'client' ? renderSyncPlan(outcome.plan, theme, {width}) : renderSyncResult(outcome.result, theme, width);
    command.print(table + (outcome.restart ? renderRestartReport(outcome.restart, theme, {width}) : ''));
  } else {
    command.print(renderDocument(outcome.restart ? {...document, restart: outcome.restart} : document, flags.output));
  }
  if (outcome.dryRun === 'client') {
    for (const r of outcome.refused) note(`error: ${r.reason}`);
    return command.setExitCode(outcome.exitCode);
  }
  command.setExitCode(await reportSync(outcome, io, io.canPrompt && !flags.yes));
  if (outcome.signal) throw interruptedSync(outcome.result, outcome.signal);
};
