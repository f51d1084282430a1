// Manifests and read-backs shared by the restart end-to-end tests.
import {eventually} from './support.js';
import {cliAuditEvents, type AuditEvent, type Cluster} from './audit.js';
import {kubectl, kubectlJson, runCli, type RunResult} from './support.js';

export type Kind = 'Deployment' | 'StatefulSet' | 'DaemonSet';

export interface TemplateSpec {
  containers: unknown[];
  initContainers?: unknown[];
  volumes?: unknown[];
}

/** A workload whose pods can never run here (no kubelet): only its template matters. */
export function workload(
  kind: Kind,
  namespace: string,
  name: string,
  spec: TemplateSpec,
  extra: {replicas?: number; paused?: boolean} = {},
): Record<string, unknown> {
  const template = {metadata: {labels: {app: name}}, spec};
  const base = {apiVersion: 'apps/v1', kind, metadata: {name, namespace}};
  const selector = {matchLabels: {app: name}};
  if (kind === 'DaemonSet') return {...base, spec: {selector, template}};
  if (kind === 'StatefulSet') return {...base, spec: {selector, serviceName: name, replicas: extra.replicas ?? 0, template}};
  return {...base, spec: {selector, replicas: extra.replicas ?? 0, paused: extra.paused, template}};
}

export function container(name: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {name, image: 'registry.invalid/app:1', ...extra};
}

export function list(items: unknown[]): string {
  return JSON.stringify({apiVersion: 'v1', kind: 'List', items});
}

export async function restartedAt(kind: Kind, namespace: string, name: string, context = 'alpha'): Promise<string | undefined> {
  const object = await kubectlJson(['--context', context, '-n', namespace, 'get', kind.toLowerCase(), name]);
  return object.spec.template.metadata?.annotations?.['kubectl.kubernetes.io/restartedAt'];
}

/** ReplicaSets (Deployment) or ControllerRevisions (StatefulSet, DaemonSet) owned by a workload: one more per restart. */
export async function revisions(kind: Kind, namespace: string, name: string, context = 'alpha'): Promise<number> {
  const resource = kind === 'Deployment' ? 'replicasets' : 'controllerrevisions';
  const items: Array<{metadata: {ownerReferences?: Array<{kind: string; name: string}>}}> = (
    await kubectlJson(['--context', context, '-n', namespace, 'get', resource])
  ).items;
  return items.filter((i) => i.metadata.ownerReferences?.some((o) => o.kind === kind && o.name === name)).length;
}

/** Polls until check() returns true (the controllers work asynchronously); returns the last answer. */
export {eventually};

export async function waitForRevisions(kind: Kind, namespace: string, name: string, count: number): Promise<number> {
  let seen = 0;
  await eventually(async () => (seen = await revisions(kind, namespace, name)) >= count);
  return seen;
}

export type {AuditEvent};

/** Requests our CLI made in one namespace, from the API server's audit log (one entry per request, all of them: see audit.ts). */
export async function cliRequests(namespace: string, cluster: Cluster = 'alpha'): Promise<AuditEvent[]> {
  return (await cliAuditEvents(cluster)).filter((e) => e.objectRef?.namespace === namespace);
}

/**
 * Stands in for the kubelet the test bed does not run: marks every pod of an
 * app Running and Ready through the status subresource, so the ReplicaSet and
 * Deployment controllers see available replicas and finish the rollout.
 */
export async function markPodsReady(namespace: string, app: string): Promise<void> {
  const pods: Array<{metadata: {name: string}; status?: {conditions?: Array<{type: string; status: string}>}}> = (
    await kubectlJson(['--context', 'alpha', '-n', namespace, 'get', 'pods', '-l', `app=${app}`])
  ).items;
  for (const pod of pods) {
    if (pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')) continue;
    const status = {
      status: {
        phase: 'Running',
        conditions: [{type: 'Ready', status: 'True', lastTransitionTime: new Date().toISOString().replace(/\.\d+Z$/, 'Z')}],
      },
    };
    await kubectl([
      '--context',
      'alpha',
      '-n',
      namespace,
      'patch',
      'pod',
      pod.metadata.name,
      '--subresource=status',
      '--type=merge',
      '-p',
      JSON.stringify(status),
    ]).catch(() => undefined);
  }
}

/** Runs the CLI while marking the app's pods Ready through the API, in place of a kubelet, until the CLI exits. */
export async function runMarkingPodsReady(args: string[], namespace: string, app: string): Promise<RunResult> {
  const run = runCli(args);
  let finished = false;
  void run.then(() => (finished = true));
  await eventually(async () => {
    await markPodsReady(namespace, app);
    return finished;
  }, 70_000);
  return run;
}
