import {createServer, type Server} from 'node:http';
import {Counter, Gauge, Histogram, Registry, collectDefaultMetrics} from 'prom-client';
import type {ReconcilePass} from '../cli/fanout-watch.js';
import {copyStates, type CopyStateCounts} from './copy-states.js';

/** The controller's figures, in Prometheus' text format on /metrics. */
export class ControllerMetrics {
  readonly registry = new Registry();
  private readonly leader = new Gauge({
    name: 'configsync_leader',
    help: '1 while this replica holds the leader Lease and may write, else 0',
    registers: [this.registry],
  });
  private readonly copies = new Gauge({
    name: 'configsync_copies',
    help: 'Copies by state after the last reconcile: in_sync, stale (not yet written), failed, orphaned (source gone, not pruned)',
    labelNames: ['state'],
    registers: [this.registry],
  });
  private readonly sources = new Gauge({
    name: 'configsync_sources',
    help: 'Sources reconciled in the last pass',
    registers: [this.registry],
  });
  private readonly errors = new Counter({
    name: 'configsync_reconcile_errors_total',
    help: 'Failed writes, unreadable targets and passes that could not be planned',
    registers: [this.registry],
  });
  private readonly duration = new Histogram({
    name: 'configsync_reconcile_duration_seconds',
    help: 'Time of one full read-plan-apply pass over every source',
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
    registers: [this.registry],
  });
  private readonly requests = new Counter({
    name: 'configsync_api_requests_total',
    help: 'API requests by HTTP verb and status code ("none": no answer); watches not included',
    labelNames: ['verb', 'code'],
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({register: this.registry});
    this.leader.set(0);
    for (const state of ['in_sync', 'stale', 'failed', 'orphaned'] as const) this.copies.set({state}, 0);
    this.errors.inc(0);
  }

  setLeader(leading: boolean): void {
    this.leader.set(leading ? 1 : 0);
  }

  recordPass(pass: ReconcilePass): void {
    this.duration.observe(pass.durationMs / 1000);
    if (pass.error) {
      this.errors.inc();
      return;
    }
    const counts: CopyStateCounts = copyStates(pass.plans, pass.results);
    for (const state of ['in_sync', 'stale', 'failed', 'orphaned'] as const) this.copies.set({state}, counts[state]);
    this.sources.set(pass.plans.filter((p) => p.source.exists !== false).length);
    if (counts.failed > 0) this.errors.inc(counts.failed);
  }

  countRequest(method: string, status: number | undefined): void {
    this.requests.inc({verb: method.toUpperCase(), code: status === undefined ? 'none' : String(status)});
  }
}

/** "0" (off), ":8080" (all interfaces) or "HOST:PORT", as controller-runtime's --metrics-bind-address. */
export function parseBindAddress(text: string): {host?: string; port: number} | undefined {
  if (text === '0') return undefined;
  const match = /^(.*):(\d{1,5})$/.exec(text);
  const port = match ? Number(match[2]) : Number.NaN;
  if (!match || port > 65535) throw new Error(`"${text}": expected HOST:PORT, :PORT or 0 (off)`);
  const host = match[1].replace(/^\[(.*)\]$/, '$1');
  return {host: host || undefined, port};
}

export interface Probes {
  /** The process can work: it has reached the API server recently. */
  healthy: () => boolean;
  /** Ready to serve as leader or standby: the API server answered and, when leading, the first pass is done. */
  ready: () => boolean;
}

/** /metrics, /healthz and /readyz on one address. */
export async function serveMetrics(metrics: ControllerMetrics, address: {host?: string; port: number}, probes: Probes): Promise<Server> {
  const server = createServer((request, response) => {
    const path = (request.url ?? '/').split('?')[0];
    if (path === '/metrics') {
      metrics.registry.metrics().then(
        (text) => {
          response.writeHead(200, {'Content-Type': metrics.registry.contentType});
          response.end(text);
        },
        (error: unknown) => {
          response.writeHead(500, {'Content-Type': 'text/plain'});
          response.end(`${(error as Error).message}\n`);
        },
      );
      return;
    }
    if (path === '/healthz' || path === '/readyz') {
      const ok = path === '/healthz' ? probes.healthy() : probes.ready();
      response.writeHead(ok ? 200 : 503, {'Content-Type': 'text/plain'});
      response.end(ok ? 'ok\n' : 'not ready\n');
      return;
    }
    response.writeHead(404, {'Content-Type': 'text/plain'});
    response.end('not found\n');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(address.port, address.host, () => resolve());
  });
  return server;
}
