import {describe, expect, it} from 'vitest';
import {createControllerLog} from '../../../src/controller/log.js';
import {ControllerMetrics, parseBindAddress} from '../../../src/controller/metrics.js';
import type {FanoutPlan} from '../../../src/core/fanout-plan.js';

const at = () => new Date('2026-01-01T00:00:00Z');
const plan: FanoutPlan = {
  source: {kind: 'Secret', name: 'registry', namespace: 'platform', context: 'alpha', server: 'https://a', cluster: 'c', exists: true},
  entries: [{context: 'alpha', namespace: 'team-a', action: 'update', changes: ['data']}],
  summary: {create: 0, update: 1, unchanged: 0, prune: 0, conflict: 0, error: 0},
};

describe('controller log', () => {
  it('writes one JSON object per action, naming the source and the target, never values', () => {
    const lines: string[] = [];
    createControllerLog('json', (l) => lines.push(l), at).action({plan, entry: plan.entries[0], outcome: 'failed', message: 'forbidden'});
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0])).toEqual({
      ts: '2026-01-01T00:00:00.000Z',
      level: 'error',
      msg: 'failed to update',
      source: 'secret/registry',
      sourceNamespace: 'platform',
      sourceContext: 'alpha',
      context: 'alpha',
      namespace: 'team-a',
      action: 'update',
      outcome: 'failed',
      changes: ['data'],
      message: 'forbidden',
    });
  });

  it("writes fanout --watch's lines in text", () => {
    const lines: string[] = [];
    const log = createControllerLog('text', (l) => lines.push(l), at);
    log.action({plan, entry: plan.entries[0], outcome: 'done'});
    log.error('cannot record events: forbidden');
    expect(lines[0]).toMatch(/^2026-01-01T00:00:00.000Z updated secret\/registry in alpha\/team-a/);
    expect(lines[1]).toBe('2026-01-01T00:00:00.000Z error: cannot record events: forbidden');
  });
});

describe('controller metrics', () => {
  it('parses bind addresses as controller-runtime does, 0 meaning off', () => {
    expect(parseBindAddress('0')).toBeUndefined();
    expect(parseBindAddress(':8080')).toEqual({host: undefined, port: 8080});
    expect(parseBindAddress('127.0.0.1:9090')).toEqual({host: '127.0.0.1', port: 9090});
    expect(parseBindAddress('[::1]:9090')).toEqual({host: '::1', port: 9090});
    expect(() => parseBindAddress('8080')).toThrow(/HOST:PORT/);
  });

  it('exposes the leader gauge, copies by state, errors, pass durations and requests by verb and code', async () => {
    const metrics = new ControllerMetrics();
    metrics.setLeader(true);
    metrics.recordPass({
      plans: [plan],
      results: [[{context: 'alpha', namespace: 'team-a', action: 'update', outcome: 'failed'}]],
      durationMs: 120,
      failed: true,
    });
    metrics.countRequest('get', 200);
    metrics.countRequest('PATCH', undefined);
    const text = await metrics.registry.metrics();
    expect(text).toContain('configsync_leader 1');
    expect(text).toContain('configsync_copies{state="failed"} 1');
    expect(text).toContain('configsync_copies{state="in_sync"} 0');
    expect(text).toContain('configsync_reconcile_errors_total 1');
    expect(text).toContain('configsync_reconcile_duration_seconds_count 1');
    expect(text).toContain('configsync_api_requests_total{verb="GET",code="200"} 1');
    expect(text).toContain('configsync_api_requests_total{verb="PATCH",code="none"} 1');
  });
});
