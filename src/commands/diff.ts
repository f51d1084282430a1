import {Args, Flags} from '@oclif/core';
import {BaseCommand} from '../cli/base-command.js';
import {compareFlags, compareLocations} from '../cli/compare.js';
import {kubeFlags, outputFlags} from '../cli/flags.js';
import {hasDifferences} from '../core/diff.js';
import {EXIT_CODES_HELP, ExitCode} from '../core/errors.js';
import {renderDocument} from '../ui/output.js';
import {renderDiffReport} from '../ui/render-diff.js';

export default class Diff extends BaseCommand {
  static override summary = 'Show key-level drift of ConfigMaps and Secrets between two namespaces or clusters.';

  static override description = `Each location is CONTEXT, NAMESPACE or CONTEXT/NAMESPACE. An exact context name wins; otherwise the word is split at the last "/" into context and namespace; otherwise it is a namespace in the current context.

Secret values are never printed unless --show-secrets: a short salted fingerprint shows whether two values are equal.

${EXIT_CODES_HELP}`;

  static override examples = [
    {description: 'Two namespaces in the current context', command: 'kubectl configsync diff staging prod'},
    {description: 'Across clusters', command: 'kubectl configsync diff alpha/staging beta/prod'},
    {description: 'Secrets too, as JSON for CI', command: 'kubectl configsync diff staging prod --kind configmaps,secrets -o json'},
    {description: 'Ignore keys that differ by design', command: "kubectl configsync diff staging prod --ignore-key DB_HOST --ignore-key '*.endpoint'"},
  ];

  static override strict = false;

  static override usage = 'diff SOURCE TARGET [NAME...] [flags]';

  static override args = {
    source: Args.string({description: 'where the desired configuration lives', required: true}),
    target: Args.string({description: 'where it should be the same', required: true}),
  };

  static override flags = {
    ...kubeFlags,
    ...compareFlags,
    output: Flags.option({char: 'o', options: ['table', 'json', 'yaml'] as const, default: 'table', description: 'output format'})(),
    'context-lines': Flags.integer({char: 'C', description: 'lines of context in value diffs', default: 3, min: 0}),
    'hide-identical': Flags.boolean({description: 'do not list identical objects'}),
    quiet: Flags.boolean({char: 'q', description: 'print only the summary'}),
    ...outputFlags,
  };

  async run(): Promise<void> {
    const {args, argv, flags} = await this.parse(Diff);
    const names = (argv as string[]).slice(2);
    const kube = await this.loadKubeconfig(flags);
    const {report} = await compareLocations(kube, {source: args.source, target: args.target}, names, flags, (t) => this.note(t));
    if (flags.output === 'table') {
      this.print(renderDiffReport(report, this.themeFor(flags['no-color']), {context: flags['context-lines'], hideIdentical: flags['hide-identical'], quiet: flags.quiet}));
    } else {
      this.print(renderDocument(report, flags.output));
    }
    this.setExitCode(hasDifferences(report) ? ExitCode.differences : ExitCode.ok);
  }
}
