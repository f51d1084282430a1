import {Args, Flags} from '@oclif/core';
import {BaseCommand} from '../cli/base-command.js';
import {compareFlags, kubeFlags, outputFlags, outputFormatFlag, restartFlags, writeFlags} from '../cli/flags.js';
import {exitCodesHelp} from '../core/errors.js';
import {runSyncCommand} from './sync-run.js';

export default class Sync extends BaseCommand {
  static override summary = 'Copy differing ConfigMap and Secret keys to a target, safely.';

  static override description = `Compares SOURCE and TARGET exactly like diff (same locations, kinds, selectors and ignore rules; ignored keys are never synced), then writes the chosen keys to the target.

On a terminal you pick objects and keys, review exactly what will be written, and confirm. In scripts, choose with --keys or --all and confirm with --yes; without a terminal and without --yes nothing is written.

Every update is conditional on the resourceVersion that was read: if the target changed meanwhile, that object is not written. Before writing, the targets are saved to a backup in the per-user state directory; kubectl configsync undo restores them. Written objects carry annotations under configsync.kubectl.dev/ (source, synced-at, checksum, run-id).

A plan saved with "diff -o json" or "sync --dry-run=client -o json" can be applied later with --plan: exactly what it lists is written, and objects whose source or target changed since are refused.

${exitCodesHelp([0, 2, 3, 4, 5, 130], {
  0: 'written (or nothing to write)',
  2: 'usage error: bad flag, location, name, kubeconfig or plan',
  3: 'cluster or API error: unreachable, forbidden, conflict, stale plan',
})}
  (sync: 3 when nothing could be written because objects failed or were refused, 4 when some were written and some failed)`;

  static override examples = [
    {description: 'Pick objects and keys interactively', command: 'kubectl configsync sync staging prod'},
    {description: 'CI: two keys, no prompt', command: "kubectl configsync sync alpha/staging beta/prod --keys LOG_LEVEL,'FEATURE_*' --yes"},
    {description: 'Save a plan for review', command: 'kubectl configsync sync staging prod --all --dry-run=client -o json > plan.json'},
    {description: 'Apply it later; objects changed since are refused', command: 'kubectl configsync sync --plan plan.json --yes'},
    {
      description: 'Everything that differs, removing target-only keys',
      command: 'kubectl configsync sync staging prod --all --prune --yes',
    },
  ];

  static override variadic = true;

  static override usage = ['sync SOURCE TARGET [NAME...] [flags]', 'sync --plan FILE [flags]'];

  static override args = {
    source: Args.string({description: 'where the desired configuration lives'}),
    target: Args.string({description: 'where it is written'}),
    name: Args.string({description: 'objects to sync: NAME, configmap/NAME or secret/NAME (any number; default: all)'}),
  };

  static override flags = {
    ...kubeFlags,
    ...compareFlags,
    ...writeFlags,
    keys: Flags.string({
      description: 'keys to sync: comma-separated globs, OBJECT:KEY scopes one (repeatable)',
      multiple: true,
      multipleNonGreedy: true,
      exclusive: ['all', 'plan'],
    }),
    all: Flags.boolean({description: 'sync every different and missing key', exclusive: ['keys', 'plan']}),
    prune: Flags.boolean({description: 'remove keys that exist only in the target'}),
    recreate: Flags.boolean({
      description: 'delete and recreate immutable targets (and Secrets whose type differs); restored if the create fails',
    }),
    plan: Flags.string({description: 'apply a saved plan (diff -o json or sync --dry-run=client -o json)'}),
    output: outputFormatFlag('output format of the result (of the plan with --dry-run=client)'),
    restart: Flags.boolean({
      description:
        'after the writes succeed, restart the target workloads that read the keys that changed (as the restart command; the restart flags apply); with --dry-run=client, list the workloads that would restart',
    }),
    ...restartFlags,
    ...outputFlags,
  };

  async run(): Promise<void> {
    await this.runWith(Sync, runSyncCommand);
  }
}
