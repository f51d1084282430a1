// Helpers of the diff end-to-end tests: an ARN-like context name and the API servers' audit logs.
import {readFileSync} from 'node:fs';
import {join} from 'node:path';
import {repoRoot} from './support.js';

export const ARN_CONTEXT = 'arn:aws:eks:eu-west-1:123456789012:cluster/prod';
export const USER_AGENT_PREFIX = 'kubectl-configsync/';

export interface AuditEvent {
  verb: string;
  requestURI: string;
  userAgent?: string;
  objectRef?: {resource?: string; namespace?: string; name?: string};
  stage?: string;
}

/** Requests our CLI sent to one test-bed API server that touched the given namespaces. */
export function ourRequests(cluster: 'alpha' | 'beta', namespaces: string[]): AuditEvent[] {
  const state = JSON.parse(readFileSync(join(repoRoot, '.cluster', 'state.json'), 'utf8'));
  const lines = readFileSync(state.clusters[cluster].auditLog, 'utf8').split('\n');
  const events = lines.flatMap((line) => {
    try {
      return [JSON.parse(line) as AuditEvent];
    } catch {
      return []; // blank, or the line being written right now
    }
  });
  return events.filter(
    (e) =>
      (e.stage === undefined || e.stage === 'ResponseComplete') &&
      (e.userAgent ?? '').startsWith(USER_AGENT_PREFIX) &&
      (namespaces.includes(e.objectRef?.namespace ?? '') ||
        (e.objectRef?.resource === 'namespaces' && namespaces.includes(e.objectRef?.name ?? ''))),
  );
}

/** Many manifests (JSON text from support.ts) as one List for a single `kubectl apply`. */
export function list(...manifests: string[]): string {
  return JSON.stringify({apiVersion: 'v1', kind: 'List', items: manifests.map((m) => JSON.parse(m))});
}
