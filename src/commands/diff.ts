import {Args, Flags} from '@oclif/core';
import {BaseCommand} from '../cli/base-command.js';
import {compareFlags, kubeFlags, outputFlags, outputFormatFlag} from '../cli/flags.js';
import {exitCodesHelp} from '../core/errors.js';
import {HIDE_IDENTICAL_KEYS_ABOVE} from '../ui/render-diff.js';
import {runDiffCommand} from './diff-run.js';

export default class Diff extends BaseCommand {
  static override summary = 'Show key-level drift of ConfigMaps and Secrets between locations.';

  static override description = `Each location is CONTEXT, NAMESPACE or CONTEXT/NAMESPACE. An exact context name wins; otherwise the word is split at the last "/" into context and namespace; otherwise it is a namespace in the current context.

With three or more locations, diff prints a matrix: numbered location columns (a legend maps numbers to locations), one row per object and per key that disagrees where the object exists, and a group letter in each cell (same letter, same value; "-" absent). --baseline shows every other value as the change a sync from that location would make. Words after the first two are locations while they name a context, a CONTEXT/NAMESPACE or an existing namespace; the rest are object names (write configmap/NAME or secret/NAME when a name is also a namespace).

Secret values are never printed unless --show-secrets: a short salted fingerprint shows whether two values are equal (random salt per run; set KUBECTL_CONFIGSYNC_SALT to compare fingerprints across runs).

Ignore rules (--ignore-key, --ignore-object, or .configsync.yaml found upward from the working directory) report expected differences separately; they never make the exit code 1.

${exitCodesHelp([0, 1, 2, 3, 4, 130], {
  0: 'the locations hold the same',
  2: 'usage error: bad flag, location, name or kubeconfig',
  4: 'a location could not be read (the others were compared)',
})}`;

  static override examples = [
    {description: 'Two namespaces in the current context', command: 'kubectl configsync diff staging prod'},
    {description: 'Across clusters', command: 'kubectl configsync diff alpha/staging beta/prod'},
    {description: 'Secrets too, as JSON for CI', command: 'kubectl configsync diff staging prod --kind configmaps,secrets -o json'},
    {
      description: 'Ignore keys that differ by design',
      command: "kubectl configsync diff staging prod --ignore-key DB_HOST --ignore-key '*.endpoint'",
    },
    {
      description: 'One object, two EKS clusters',
      command:
        'kubectl configsync diff arn:aws:eks:eu-west-1:123456789012:cluster/prod/web arn:aws:eks:us-east-1:123456789012:cluster/prod/web configmap/app',
    },
    {description: 'A fleet matrix', command: 'kubectl configsync diff dev staging eu/prod us/prod'},
    {
      description: 'Who owns each object, and who last changed each differing key',
      command: 'kubectl configsync diff staging prod --owners --blame',
    },
  ];

  static override variadic = true;

  static override usage = ['diff SOURCE TARGET [NAME...] [flags]', 'diff LOCATION LOCATION LOCATION... [NAME...] [flags]'];

  static override args = {
    source: Args.string({description: 'where the desired configuration lives', required: true}),
    target: Args.string({description: 'where it should be the same', required: true}),
    name: Args.string({description: 'objects to compare: NAME, configmap/NAME or secret/NAME (any number; default: all)'}),
  };

  static override flags = {
    ...kubeFlags,
    ...compareFlags,
    output: outputFormatFlag('output format (table fits the terminal; wide does not cut values)', ['table', 'wide', 'json', 'yaml']),
    'context-lines': Flags.integer({char: 'C', description: 'lines of context in value diffs', default: 3, min: 0}),
    'hide-identical': Flags.boolean({description: 'do not list identical objects'}),
    'hide-identical-keys': Flags.boolean({
      description: `list only the keys that differ (default for objects with more than ${HIDE_IDENTICAL_KEYS_ABOVE} keys; --no-hide-identical-keys lists all)`,
      allowNo: true,
    }),
    quiet: Flags.boolean({char: 'q', description: 'print only the summary'}),
    baseline: Flags.string({
      description: 'with three or more locations: also compare every other location with this one (path-level and line diffs)',
    }),
    'full-values': Flags.boolean({description: 'print values in full instead of cut to fit the terminal'}),
    owners: Flags.boolean({description: 'name who else owns each object on each side (Argo CD, Flux, Helm, secret operators, sync tools)'}),
    blame: Flags.boolean({description: 'name the field manager and time that last set each differing key on each side (managedFields)'}),
    ...outputFlags,
  };

  async run(): Promise<void> {
    await this.runWith(Diff, runDiffCommand);
  }
}
