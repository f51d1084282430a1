// The test bed's API servers log one line per finished request (ResponseComplete). A check that
// "nothing else happened" is only sound once every request of the command is in the log, so
// reads go through here: a marker request is sent after the command, and the log is read up
// to the marker's line, which the server writes only after the earlier requests' lines.
import {randomUUID} from 'node:crypto';
import {closeSync, existsSync, fstatSync, openSync, readFileSync, readSync} from 'node:fs';
import {join} from 'node:path';
import {kubectl, repoRoot} from './support.js';

export type Cluster = 'alpha' | 'beta';

export interface AuditEvent {
  auditID: string;
  stage?: string;
  verb: string;
  requestURI: string;
  userAgent?: string;
  user?: {username?: string};
  impersonatedUser?: {username?: string};
  objectRef?: {resource?: string; namespace?: string; name?: string; subresource?: string; apiGroup?: string};
  responseStatus?: {code?: number};
}

export const CLI_USER_AGENT = 'kubectl-configsync/';

function auditLogOf(cluster: Cluster): string {
  const state = JSON.parse(readFileSync(join(repoRoot, '.cluster', 'state.json'), 'utf8'));
  return state.clusters[cluster].auditLog as string;
}

/**
 * Where each log stood when this test file started: what came before is other files' (and other
 * runs') traffic. Reading from here keeps a long-lived test bed's log (hundreds of MB) out of memory.
 */
const startOffsets = new Map<Cluster, number>();
for (const cluster of ['alpha', 'beta'] as const) {
  const statePath = join(repoRoot, '.cluster', 'state.json');
  if (existsSync(statePath)) startOffsets.set(cluster, sizeOf(auditLogOf(cluster)));
}

function sizeOf(path: string): number {
  if (!existsSync(path)) return 0;
  const fd = openSync(path, 'r');
  try {
    return fstatSync(fd).size;
  } finally {
    closeSync(fd);
  }
}

/** The log's text written since this file started (a partial first line is skipped by parseLines). */
function readSinceStart(cluster: Cluster): string {
  const fd = openSync(auditLogOf(cluster), 'r');
  try {
    const from = startOffsets.get(cluster) ?? 0;
    const buffer = Buffer.alloc(Math.max(0, fstatSync(fd).size - from));
    const read = readSync(fd, buffer, 0, buffer.length, from);
    return buffer.subarray(0, read).toString('utf8');
  } finally {
    closeSync(fd);
  }
}

function parseLines(text: string): AuditEvent[] {
  return text.split('\n').flatMap((line) => {
    try {
      return line ? [JSON.parse(line) as AuditEvent] : [];
    } catch {
      return []; // the line being written right now
    }
  });
}

/** Every request the cluster finished before this call, one event per request. */
export async function settledAuditEvents(cluster: Cluster): Promise<AuditEvent[]> {
  const marker = `configsync-audit-marker-${randomUUID()}`;
  await kubectl(['--context', cluster, 'get', '--raw', `/api/v1/namespaces/${marker}`]).catch(() => undefined); // 404, logged all the same
  const deadline = Date.now() + 15_000;
  for (;;) {
    const events = parseLines(readSinceStart(cluster));
    const at = events.findIndex((e) => e.requestURI?.includes(marker));
    if (at >= 0) {
      const byId = new Map(events.slice(0, at).map((e) => [e.auditID, e]));
      return [...byId.values()];
    }
    if (Date.now() > deadline) throw new Error(`the marker request never reached ${cluster}'s audit log`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Settled requests sent by this CLI (by its User-Agent). */
export async function cliAuditEvents(cluster: Cluster): Promise<AuditEvent[]> {
  return (await settledAuditEvents(cluster)).filter((e) => (e.userAgent ?? '').startsWith(CLI_USER_AGENT));
}
