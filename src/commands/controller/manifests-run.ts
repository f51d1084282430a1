// The body of `controller manifests` (its flags and help: manifests.ts).
import type {RunOf} from '../../cli/command-io.js';
import {VERSION} from '../../version.js';
import {UsageError} from '../../core/errors.js';
import {controllerManifests} from '../../controller/manifests.js';
import {renderDocument} from '../../ui/output.js';
import type ControllerManifests from './manifests.js';

export const runManifestsCommand: RunOf<typeof ControllerManifests> = async ({argv, flags}, io) => {
  const runArgs = argv as string[];
  if (runArgs.length === 0 && !flags['from-annotations'])
    throw new UsageError('say what to reconcile: --from-annotations, and/or named sources after -- (e.g. -- configmap/NAME -n NS -A)');
  const scope = narrowedScope(flags['source-namespace'], flags['target-namespaces'], flags['from-annotations'], runArgs);
  const objects = controllerManifests({
    namespace: flags.namespace,
    image: flags.image ?? `kubectl-configsync:${VERSION}`,
    fromAnnotations: flags['from-annotations'],
    runArgs,
    serviceMonitor: flags['service-monitor'],
    name: flags.name,
    replicas: flags.replicas,
    ...(scope ? {scope} : {}),
  });
  io.print(
    flags.output === 'json'
      ? renderDocument({apiVersion: 'v1', kind: 'List', items: objects}, 'json')
      : objects.map((o) => renderDocument(o, 'yaml')).join('---\n'),
  );
};

/** Flags of `controller run` that choose where sources are read and copies go: fixed by the narrowed scope. */
const SCOPE_FLAGS =
  /^(-n|--namespace|-A|--all-namespaces|--to-namespace|--to-context|--namespace-selector|--namespace-regex|--exclude-namespace)(=|$)/;

function narrowedScope(
  sourceNamespace: string | undefined,
  targets: string | undefined,
  fromAnnotations: boolean,
  runArgs: string[],
): {sourceNamespace: string; targetNamespaces: string[]} | undefined {
  if (sourceNamespace === undefined && targets === undefined) return undefined;
  const targetNamespaces = (targets ?? '')
    .split(',')
    .map((t) => t.trim())
    .filter(Boolean);
  if (sourceNamespace === undefined || targetNamespaces.length === 0)
    throw new UsageError('--source-namespace and --target-namespaces go together: where the sources are read and where copies go');
  // Kubed's annotations may send a copy to any namespace and are found in any: that needs cluster-wide access.
  if (fromAnnotations) throw new UsageError('--from-annotations needs cluster-wide RBAC: name the sources after -- to narrow it');
  if (runArgs.length === 0) throw new UsageError('name the sources after -- (e.g. -- secret/tls)');
  const clash = runArgs.find((a) => SCOPE_FLAGS.test(a));
  if (clash)
    throw new UsageError(
      `${clash.split('=')[0]} after --: with --source-namespace and --target-namespaces the manifests set where sources and copies are`,
    );
  return {sourceNamespace, targetNamespaces};
}
