import {Args} from '@oclif/core';
import {BaseCommand} from '../../cli/base-command.js';
import {statusTargetFlags, kubeFlags, outputFlags, outputFormatFlag} from '../../cli/flags.js';
import {exitCodesHelp} from '../../core/errors.js';
import {runFanoutStatusCommand} from './status-run.js';

export default class FanoutStatus extends BaseCommand {
  static override summary = 'Audit the copies of a fanned-out ConfigMap or Secret.';

  static override description = `Finds the copies by their origin labels (one LIST per context) in the source's context and every --to-context. Each copy is in one state:

  in sync         the copy holds the source's current data
  stale           the source changed since the copy was written
  edited locally  the copy's data no longer matches what was written
  orphaned        the source is gone
  missing         an expected target (namespace flags, --to-context) has none

Without target flags it only audits the copies it finds. Exit 1 when any copy is not in sync (or missing).

${exitCodesHelp([0, 1, 2, 3, 4, 130], {
  0: 'every copy in sync',
  1: 'a copy is not in sync, or missing',
  2: 'usage error: bad flag, object, namespace selector or kubeconfig',
  4: 'a context could not be read (the others were audited)',
})}`;

  static override examples = [
    {description: 'Copies in the current cluster', command: 'kubectl configsync fanout status configmap/ca-bundle -n platform'},
    {
      description: 'And in other clusters, as JSON',
      command: 'kubectl configsync fanout status secret/registry -n platform --to-context beta,gamma -o json',
    },
  ];

  static override usage = 'fanout status configmap/NAME|secret/NAME -n SOURCE_NAMESPACE [--to-context C1,C2]';

  static override args = {
    object: Args.string({description: 'the source: configmap/NAME or secret/NAME', required: true}),
  };

  static override flags = {
    ...kubeFlags,
    ...statusTargetFlags,
    output: outputFormatFlag(),
    ...outputFlags,
  };

  async run(): Promise<void> {
    await this.runWith(FanoutStatus, runFanoutStatusCommand);
  }
}
