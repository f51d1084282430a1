// Helpers of the diff end-to-end tests: an ARN-like context name and the API servers' audit logs.
import {cliAuditEvents, type AuditEvent, type Cluster} from './audit.js';

export const ARN_CONTEXT = 'arn:aws:eks:eu-west-1:123456789012:cluster/prod';

export type {AuditEvent};

/** Requests our CLI sent to one test-bed API server that touched the given namespaces (all of them: see audit.ts). */
export async function ourRequests(cluster: Cluster, namespaces: string[]): Promise<AuditEvent[]> {
  return (await cliAuditEvents(cluster)).filter(
    (e) =>
      namespaces.includes(e.objectRef?.namespace ?? '') ||
      (e.objectRef?.resource === 'namespaces' && namespaces.includes(e.objectRef?.name ?? '')),
  );
}

/** Many manifests (JSON text from support.ts) as one List for a single `kubectl apply`. */
export function list(...manifests: string[]): string {
  return JSON.stringify({apiVersion: 'v1', kind: 'List', items: manifests.map((m) => JSON.parse(m))});
}
