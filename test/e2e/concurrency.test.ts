// Another writer changes the target between our read and our write, 100 times:
// half of the trials race the live write (a proxy lets the competing write land
// just before our PATCH reaches the API server, so only the resourceVersion
// precondition stands between them), half apply a saved plan after the target
// moved. Every conflict must be reported and no update may be lost.
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {Tally, recordFigures} from '../support/reliability.js';
import {adminRequest, proxiedContext, type ProxiedContext} from './fault-proxy.js';
import {createNamespaces, runCli, uniqueName} from './support.js';

const src = uniqueName('race-src');
const dst = uniqueName('race-dst');
const work = mkdtempSync(join(tmpdir(), 'configsync-race-'));
const stateHome = join(work, 'state');
const OBJECTS = 20;
const RUNS = 5;
const tally = new Tally();

let raced: ProxiedContext;
let cleanup: () => Promise<void>;

const cli = (args: string[]) => runCli(args, {env: {KUBECONFIG: raced.kubeconfig, XDG_STATE_HOME: stateHome}, timeoutMs: 90_000});
const path = (namespace: string, name?: string) => `/api/v1/namespaces/${namespace}/configmaps${name ? `/${name}` : ''}`;

async function upsert(namespace: string, name: string, data: Record<string, string>): Promise<void> {
  const current = await adminRequest('alpha', 'GET', path(namespace, name));
  const body = {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: {name, namespace, ...(current.status === 200 ? {resourceVersion: current.body.metadata.resourceVersion} : {})},
    data,
  };
  const result =
    current.status === 200
      ? await adminRequest('alpha', 'PUT', path(namespace, name), body)
      : await adminRequest('alpha', 'POST', path(namespace), body);
  if (result.status >= 300) throw new Error(`upsert ${name}: HTTP ${result.status}: ${result.body?.message}`);
}

/** The other writer: a read-modify-write of the target with a fresh resourceVersion. */
async function competingWrite(name: string, value: string): Promise<void> {
  const current = await adminRequest('alpha', 'GET', path(dst, name));
  const body = {...current.body, data: {...current.body.data, V: value, EDITED: 'by-someone-else'}};
  const result = await adminRequest('alpha', 'PUT', path(dst, name), body);
  if (result.status !== 200) throw new Error(`competing write ${name}: HTTP ${result.status}`);
}

async function valueOf(name: string): Promise<string | undefined> {
  return (await adminRequest('alpha', 'GET', path(dst, name))).body?.data?.V;
}

/** A deterministic spread of interfered objects: different ones in every run, never none or all. */
function interfered(run: number): Set<number> {
  return new Set(Array.from({length: OBJECTS}, (_, i) => i).filter((i) => (i * 7 + run * 3) % 10 < 5));
}

beforeAll(async () => {
  cleanup = await createNamespaces('alpha', src, dst);
  raced = await proxiedContext('alpha-raced', 'alpha');
});

afterAll(async () => {
  await raced?.close();
  await cleanup?.();
  rmSync(work, {recursive: true, force: true});
  recordFigures('concurrency', 'Concurrent writer between plan and apply', {
    trials: tally.figures.trials ?? 0,
    conflictsInjected: tally.figures.injected ?? 0,
    conflictsReported: tally.figures.reported ?? 0,
    lostUpdates: tally.figures.lost ?? 0,
  });
});

/** Checks one run's result against what the other writer did; returns the number of lost updates. */
async function verify(run: number, names: string[], hit: Set<number>, report: any): Promise<void> {
  const outcome = Object.fromEntries(report.objects.map((o: any) => [o.name, o]));
  for (const [i, name] of names.entries()) {
    tally.add('trials');
    const value = await valueOf(name);
    if (hit.has(i)) {
      tally.add('injected');
      if (outcome[name]?.outcome === 'failed' && outcome[name]?.conflict === true) tally.add('reported');
      if (value !== `writer-${run}-${i}`) tally.add('lost');
      expect(outcome[name]).toMatchObject({outcome: 'failed', conflict: true});
      expect(value).toBe(`writer-${run}-${i}`);
    } else {
      expect(outcome[name]).toMatchObject({outcome: 'written'});
      expect(value).toBe(`source-${run}-${i}`);
    }
  }
}

describe('a competing writer', () => {
  it(`races the live write: ${RUNS * OBJECTS} trials, every conflict reported, no update lost`, async () => {
    for (let run = 0; run < RUNS; run++) {
      const names = Array.from({length: OBJECTS}, (_, i) => `live-${i}`);
      for (const [i, name] of names.entries()) {
        await upsert(src, name, {V: `source-${run}-${i}`});
        await upsert(dst, name, {V: `target-${run}-${i}`});
      }
      const hit = interfered(run);
      raced.proxy.rule = (request) => {
        const match = /\/configmaps\/live-(\d+)$/.exec(request.path.split('?')[0]);
        if (request.method !== 'PATCH' || !match || !hit.has(Number(match[1]))) return undefined;
        return {before: () => competingWrite(`live-${match[1]}`, `writer-${run}-${match[1]}`)};
      };
      const result = await cli(['sync', `alpha/${src}`, `alpha-raced/${dst}`, ...names, '--all', '--yes', '-o', 'json']);
      raced.proxy.rule = () => undefined;
      expect(result.code, result.stderr).toBe(4);
      for (const i of hit)
        expect(result.stderr).toMatch(new RegExp(`^error: conflict: configmap/live-${i} .*changed on the server after it was read`, 'm'));
      await verify(run, names, hit, JSON.parse(result.stdout));
    }
  });

  it(`moves the target after a plan was saved: ${RUNS * OBJECTS} trials, every stale object refused, no update lost`, async () => {
    for (let run = 0; run < RUNS; run++) {
      const names = Array.from({length: OBJECTS}, (_, i) => `plan-${i}`);
      for (const [i, name] of names.entries()) {
        await upsert(src, name, {V: `source-${run}-${i}`});
        await upsert(dst, name, {V: `target-${run}-${i}`});
      }
      const planned = await cli(['sync', `alpha/${src}`, `alpha/${dst}`, ...names, '--all', '--dry-run=client', '-o', 'json']);
      expect(planned.code, planned.stderr).toBe(0);
      const planFile = join(work, `plan-${run}.json`);
      writeFileSync(planFile, planned.stdout);
      const hit = interfered(run);
      for (const i of hit) await competingWrite(names[i], `writer-${run}-${i}`);
      const result = await cli(['sync', '--plan', planFile, '--yes', '-o', 'json']);
      expect(result.code, result.stderr).toBe(4);
      for (const i of hit)
        expect(result.stderr).toMatch(new RegExp(`^error: configmap/plan-${i}: the target changed since the plan was made`, 'm'));
      await verify(run, names, hit, JSON.parse(result.stdout));
    }
  });
});
