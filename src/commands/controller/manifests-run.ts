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
  const objects = controllerManifests({
    namespace: flags.namespace,
    image: flags.image ?? `kubectl-configsync:${VERSION}`,
    fromAnnotations: flags['from-annotations'],
    runArgs,
    serviceMonitor: flags['service-monitor'],
    name: flags.name,
    replicas: flags.replicas,
  });
  io.print(
    flags.output === 'json'
      ? renderDocument({apiVersion: 'v1', kind: 'List', items: objects}, 'json')
      : objects.map((o) => renderDocument(o, 'yaml')).join('---\n'),
  );
};
