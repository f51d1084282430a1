// Every command and output format, with Secrets involved and debug output on,
// and every byte they print, every file they write (plans, backups) and the
// metadata of every object they write searched for the secret values and what can
// be derived from them: plain and base64, SHA-1/SHA-256/SHA-512/MD5 in hex and
// base64 of each value and of the canonical encodings of the data, and the keys
// inside structured values: 0 hits unless --show-secrets. Backups that hold the
// values are readable by the user only.
import {createHash, randomBytes} from 'node:crypto';
import {chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {Tally, recordFigures} from '../support/reliability.js';
import {adminRequest} from './fault-proxy.js';
import {load} from 'js-yaml';
import {apply, createNamespaces, kubeconfig, kubectlJson, runCli, uniqueName, type RunResult} from './support.js';
import {kubeconfigWith} from './kubeconfigs.js';
import {runOnTerminal} from './terminal.js';

const src = uniqueName('leak-src');
const dsts = Array.from({length: 5}, () => uniqueName('leak-dst'));
const [dst, dst2, dst3, dst4, dst5] = dsts;
const work = mkdtempSync(join(tmpdir(), 'configsync-leak-'));
const stateHome = join(work, 'state');
const tally = new Tally();

const token = () => randomBytes(6).toString('hex');
const secrets = {
  password: `hunter2-${token()}`,
  apiToken: `tok-${token()}`,
  oldPassword: `old-pass-${token()}`,
  targetOnly: `only-in-target-${token()}`,
  multiline: `-----BEGIN KEY-----\nline-${token()}\n-----END KEY-----`,
  pin: String(1000 + (randomBytes(2).readUInt16BE() % 9000)),
};
/** Keys inside structured Secret values are as secret as the values. */
const structuredKeys = {source: `tok-SECRET-${token()}`, target: `tok-SECRET-${token()}`};
const configJson = {
  source: JSON.stringify({tokens: {[structuredKeys.source]: `val-${token()}`}, pool: 5}),
  target: JSON.stringify({tokens: {[structuredKeys.target]: `val-${token()}`}, pool: 9}),
};
const binary = Buffer.concat([Buffer.from([0xff, 0xfe, 0x00]), randomBytes(12)]);
const sourceData: Record<string, string | Buffer> = {
  password: secrets.password,
  token: secrets.apiToken,
  key: secrets.multiline,
  pin: secrets.pin,
  'config.json': configJson.source,
  blob: binary,
};
const targetData: Record<string, string | Buffer> = {
  password: secrets.oldPassword,
  extra: secrets.targetOnly,
  'config.json': configJson.target,
};

interface Needle {
  form: string;
  text: string;
}

const DIGESTS = ['sha1', 'sha256', 'sha512', 'md5'] as const;

/** A value's digests in hex (whole and the first 12 digits, as a short display would cut them) and base64. */
function digestsOf(name: string, bytes: Buffer | string): Needle[] {
  return DIGESTS.flatMap((algorithm) => {
    const digest = createHash(algorithm).update(bytes).digest();
    return [
      {form: `${algorithm} hex of ${name}`, text: digest.toString('hex')},
      {form: `${algorithm} hex prefix of ${name}`, text: digest.toString('hex').slice(0, 12)},
      {form: `${algorithm} base64 of ${name}`, text: digest.toString('base64')},
    ];
  });
}

/** Canonical encodings of an object's data: as the API holds it, and as a checksum over sorted keys would read it. */
function canonicalEncodings(name: string, data: Record<string, string | Buffer>): Array<[string, string]> {
  const keys = Object.keys(data).sort();
  const bytes = (v: string | Buffer) => Buffer.from(v);
  const isText = (v: string | Buffer) => typeof v === 'string';
  const sections = (['data', 'binaryData'] as const).flatMap((section) =>
    keys
      .filter((k) => isText(data[k]) === (section === 'data'))
      .map((k) => `${section}\0${k}\0${section === 'data' ? String(data[k]) : bytes(data[k]).toString('base64')}\0`),
  );
  return [
    [`${name}: sorted section/key/value records`, sections.join('')],
    ...keys.map((k): [string, string] => [`${name}: record of ${k}`, sections.find((r) => r.includes(`\0${k}\0`)) ?? '']),
    [`${name}: the API's data map (JSON)`, JSON.stringify(Object.fromEntries(keys.map((k) => [k, bytes(data[k]).toString('base64')])))],
    [`${name}: key=value lines`, keys.map((k) => `${k}=${bytes(data[k]).toString('base64')}`).join('\n')],
  ];
}

/**
 * What must never be printed, written or annotated: each value, its base64, each
 * line of a multi-line value, every structured key, and every digest of those and
 * of the canonical encodings of both Secrets.
 */
const plainNeedles: Needle[] = [
  ...Object.entries(secrets).flatMap(([name, v]) => [
    ...(v.length >= 6 ? [{form: `${name}`, text: v}] : []),
    {form: `base64 of ${name}`, text: Buffer.from(v).toString('base64')},
    ...v
      .split('\n')
      .filter((l) => l.includes('line-'))
      .map((text) => ({form: `line of ${name}`, text})),
  ]),
  {form: 'base64 of blob', text: binary.toString('base64')},
  ...Object.entries(structuredKeys).map(([side, text]) => ({form: `structured key in ${side} config.json`, text})),
  ...Object.entries(configJson).map(([side, text]) => ({
    form: `base64 of ${side} config.json`,
    text: Buffer.from(text).toString('base64'),
  })),
];
const derivedNeedles: Needle[] = [
  ...Object.entries(secrets).flatMap(([name, v]) => [
    ...digestsOf(name, v),
    ...digestsOf(`base64 of ${name}`, Buffer.from(v).toString('base64')),
  ]),
  ...digestsOf('blob', binary),
  ...Object.entries(configJson).flatMap(([side, v]) => digestsOf(`${side} config.json`, v)),
  ...Object.entries(structuredKeys).flatMap(([side, v]) => digestsOf(`structured key in ${side} config.json`, v)),
  ...[...canonicalEncodings('source', sourceData), ...canonicalEncodings('target', targetData)].flatMap(([name, text]) =>
    digestsOf(name, text),
  ),
];
const needles: Needle[] = [...plainNeedles, ...derivedNeedles];

let cleanup: () => Promise<void>;

beforeAll(async () => {
  const a = await createNamespaces('alpha', src, ...dsts);
  const b = await createNamespaces('beta', dst);
  cleanup = async () => {
    await a();
    await b();
  };
  const secret = (namespace: string, name: string, data: Record<string, string | Buffer>) => ({
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: {name, namespace, labels: {app: 'leak'}},
    type: 'Opaque',
    data: Object.fromEntries(Object.entries(data).map(([k, v]) => [k, Buffer.from(v).toString('base64')])),
  });
  const post = async (namespace: string, body: unknown) => {
    const result = await adminRequest('alpha', 'POST', `/api/v1/namespaces/${namespace}/secrets`, body);
    if (result.status !== 201) throw new Error(`create secret: HTTP ${result.status}`);
  };
  await post(src, secret(src, 'db', sourceData));
  await post(dst, secret(dst, 'db', targetData));
  await post(dst4, secret(dst4, 'db', {password: secrets.oldPassword}));
  await apply(
    'alpha',
    JSON.stringify({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: {name: 'web', namespace: dst},
      spec: {
        replicas: 0,
        selector: {matchLabels: {app: 'web'}},
        template: {
          metadata: {labels: {app: 'web'}},
          spec: {
            containers: [
              {
                name: 'web',
                image: 'example.invalid/web:1',
                env: [{name: 'PASSWORD', valueFrom: {secretKeyRef: {name: 'db', key: 'password'}}}],
              },
            ],
          },
        },
      },
    }),
  );
});

afterAll(async () => {
  await cleanup?.();
  rmSync(work, {recursive: true, force: true});
  recordFigures('secrets', 'Secret values in output', {
    commandsRun: tally.figures.commands ?? 0,
    needleForms: needles.length,
    searches: tally.figures.searches ?? 0,
    bytesScanned: tally.figures.bytes ?? 0,
    filesSearched: tally.figures.files ?? 0,
    objectsMetadataSearched: tally.figures.metadata ?? 0,
    secretValueHits: tally.figures.hits ?? 0,
    derivedHits: tally.figures.derivedHits ?? 0,
    hitsWithShowSecrets: tally.figures.shown ?? 0,
    backupFilesChecked: tally.figures.backups ?? 0,
    backupFilesNotPrivate: tally.figures.notPrivate ?? 0,
  });
});

const env = {XDG_STATE_HOME: stateHome, KUBECTL_CONFIGSYNC_DEBUG: '1'};
const S = `alpha/${src}`;
const formats = ['table', 'json', 'yaml'] as const;

/** Which needles a text contains; every needle tried counts as one search. */
function search(text: string, among: Needle[] = needles): string[] {
  tally.add('searches', among.length);
  tally.add('bytes', Buffer.byteLength(text));
  return among.filter((n) => text.includes(n.text)).map((n) => n.form);
}

/** Counts hits where nothing may be found (not the --show-secrets runs), and the digests among them. */
function countLeaks(hits: string[]): void {
  tally.add('hits', hits.length);
  tally.add('derivedHits', hits.filter((form) => derivedNeedles.some((n) => n.form === form)).length);
}

/** Runs a command and returns which needles its stdout and stderr contain. */
async function scan(args: string[], result?: RunResult): Promise<{result: RunResult; hits: string[]}> {
  const run = result ?? (await runCli(args, {env, timeoutMs: 60_000}));
  tally.add('commands');
  return {result: run, hits: search(`${run.stdout}\n${run.stderr}`)};
}

async function expectNoLeak(args: string[], codes: number[]): Promise<RunResult> {
  const {result, hits} = await scan(args);
  countLeaks(hits);
  expect(codes, `${args.join(' ')}\n${result.stderr}`).toContain(result.code);
  expect(hits, `secret values printed by: ${args.join(' ')}`).toEqual([]);
  return result;
}

describe('secret values never printed without --show-secrets', () => {
  it('diff: two locations and a matrix, every format, and an error path', async () => {
    for (const o of formats) {
      await expectNoLeak(['diff', S, `alpha/${dst}`, '--kind', 'secrets', '-o', o], [1]);
      await expectNoLeak(['diff', S, `alpha/${dst}`, `beta/${dst}`, '--kind', 'all', '-o', o], [1]);
    }
    await expectNoLeak(['diff', S, `alpha/${dst}`, '--kind', 'secrets', '-C', '10'], [1]);
    await expectNoLeak(['diff', S, `alpha/${dst}`, '--kind', 'secrets', '-l', 'app in (leak'], [2]);
  });

  it('sync: plans, server dry run, writes, refusals, and the backup listing', async () => {
    for (const o of formats) {
      await expectNoLeak(['sync', S, `alpha/${dst}`, '--kind', 'secrets', '--all', '--prune', '--dry-run=client', '-o', o], [0]);
      await expectNoLeak(['sync', S, `alpha/${dst}`, '--kind', 'secrets', '--all', '--dry-run=server', '--yes', '-o', o], [0]);
    }
    await expectNoLeak(['sync', S, `alpha/${dst2}`, '--kind', 'secrets', '--all', '--yes', '-o', 'table'], [0]);
    await expectNoLeak(['sync', S, `alpha/${dst3}`, '--kind', 'secrets', '--all', '--yes', '-o', 'json'], [0]);
    const written = await expectNoLeak(['sync', S, `alpha/${dst}`, '--kind', 'secrets', '--all', '--prune', '--yes', '-o', 'yaml'], [0]);
    expect(written.stderr).toMatch(/journal saved as run/);
    // A refusal (no terminal, no --yes) and a stale plan both quote objects, never values.
    await expectNoLeak(['sync', S, `alpha/${dst4}`, '--kind', 'secrets', '--all'], [2]);
    for (const o of formats) await expectNoLeak(['undo', '--list', '-o', o], [0]);
  });

  it('undo, fanout, fanout status, restart and completion', async () => {
    const runs = JSON.parse((await runCli(['undo', '--list', '-o', 'json'], {env})).stdout);
    const run = runs.find((r: any) => r.target.namespace === dst2);
    await expectNoLeak(['undo', run.runId, '--dry-run=client', '--yes', '-o', 'json'], [0]);
    await expectNoLeak(['undo', run.runId, '--yes', '-o', 'yaml'], [0]);
    for (const o of formats) {
      await expectNoLeak(
        [
          'fanout',
          'secret/db',
          '--context',
          'alpha',
          '-n',
          src,
          '--to-namespace',
          dst4,
          '--on-conflict',
          'overwrite',
          '--dry-run=client',
          '-o',
          o,
        ],
        [0],
      );
      await expectNoLeak(['fanout', 'status', 'secret/db', '--context', 'alpha', '-n', src, '--to-namespace', dst4, '-o', o], [0, 1]);
      await expectNoLeak(['restart', 'secret/db', '--context', 'alpha', '-n', dst, '--dry-run=client', '-o', o], [0]);
    }
    await expectNoLeak(
      ['fanout', 'secret/db', '--context', 'alpha', '-n', src, '--to-namespace', dst4, '--on-conflict', 'overwrite', '--yes', '-o', 'json'],
      [0],
    );
    // A marked copy, with its origin annotations, and its audit.
    await expectNoLeak(['fanout', 'secret/db', '--context', 'alpha', '-n', src, '--to-namespace', dst5, '--yes', '-o', 'json'], [0]);
    for (const o of formats)
      await expectNoLeak(['fanout', 'status', 'secret/db', '--context', 'alpha', '-n', src, '--to-namespace', dst5, '-o', o], [0]);
    await expectNoLeak(['__complete', 'sync', `alpha/${src}`, `alpha/${dst}`, ''], [0]);
  });

  it('the interactive key picker shows no values', async () => {
    // The target differs again, so the picker lists keys with value previews.
    const current = await adminRequest('alpha', 'GET', `/api/v1/namespaces/${dst4}/secrets/db`);
    const b64 = (v: string) => Buffer.from(v).toString('base64');
    await adminRequest('alpha', 'PUT', `/api/v1/namespaces/${dst4}/secrets/db`, {
      ...current.body,
      data: {password: b64(secrets.oldPassword), extra: b64(secrets.targetOnly)},
    });
    const {hits, result} = await scan(
      [],
      await onTerminal(
        ['sync', S, `alpha/${dst4}`, '--kind', 'secrets', '--prune'],
        [
          [/Objects to sync/, [' ', '\r']],
          [/Keys of secret\/db/, ['\x1b[B', '\x1b[B', '\x03']],
        ],
      ),
    );
    countLeaks(hits);
    expect(result.code).toBe(130);
    expect(result.stderr).toMatch(/Keys of secret\/db[\s\S]*password/);
    expect(hits).toEqual([]);
  });

  it('--show-secrets does print them (the search would find a leak)', async () => {
    const {result, hits} = await scan([
      'diff',
      S,
      `alpha/${dst}`,
      '--kind',
      'secrets',
      '--show-secrets',
      '-o',
      'json',
      '--include-platform',
    ]);
    tally.add('shown', hits.length);
    expect(result.code).toBeLessThanOrEqual(1);
    const leakedBefore = await scan([
      'sync',
      S,
      `beta/${dst}`,
      '--kind',
      'secrets',
      '--all',
      '--show-secrets',
      '--dry-run=client',
      '-o',
      'json',
    ]);
    tally.add('shown', leakedBefore.hits.length);
    expect(leakedBefore.hits.length).toBeGreaterThan(0);
  });

  it('backups holding Secret data are mode 0600 in directories only the user can read', async () => {
    const runs = join(stateHome, 'kubectl-configsync', 'runs');
    const files = readdirSync(runs);
    expect(files.length).toBeGreaterThan(0);
    expect(statSync(runs).mode & 0o777).toBe(0o700);
    expect(statSync(join(stateHome, 'kubectl-configsync')).mode & 0o777).toBe(0o700);
    for (const file of files) {
      tally.add('backups');
      const mode = statSync(join(runs, file)).mode & 0o777;
      if (mode !== 0o600) tally.add('notPrivate');
      expect(mode, file).toBe(0o600);
    }
  });
});

describe('nothing derived from Secret data in files or on the objects written', () => {
  it('backups hold no digest of any value (they hold the values themselves, privately)', () => {
    const runs = join(stateHome, 'kubectl-configsync', 'runs');
    for (const file of readdirSync(runs)) {
      tally.add('files');
      const hits = search(readFileSync(join(runs, file), 'utf8'), derivedNeedles);
      countLeaks(hits);
      expect(hits, file).toEqual([]);
    }
  });

  it('the metadata of every Secret written (synced targets, copies, overwritten objects) holds nothing derived', async () => {
    for (const namespace of dsts) {
      const list = await kubectlJson(['--context', 'alpha', '-n', namespace, 'get', 'secrets']);
      for (const item of list.items) {
        tally.add('metadata');
        const {data: _data, ...rest} = item;
        const hits = search(JSON.stringify(rest));
        countLeaks(hits);
        expect(hits, `${namespace}/${item.metadata.name}`).toEqual([]);
      }
    }
    // The copy fanout made is marked, and carries no checksum of the data.
    const copy = await kubectlJson(['--context', 'alpha', '-n', dst5, 'get', 'secret', 'db']);
    expect(copy.metadata.labels['configsync.kubectl.dev/origin-id']).toBeTruthy();
    expect(copy.metadata.annotations['configsync.kubectl.dev/checksum']).toBeUndefined();
  });
});

describe('error messages never quote what they could not parse', () => {
  it('a corrupted run journal holding a password', async () => {
    const runs = join(stateHome, 'kubectl-configsync', 'runs');
    const runId = '20990101-000000-c0ffee';
    const file = join(runs, `${runId}.jsonl`);
    writeFileSync(
      file,
      `{"type": "run", "runId": "${runId}", "objects": [{"data": {"password": ${secrets.password}, "pin": "${secrets.pin}"\n`,
      {mode: 0o600},
    );
    chmodSync(file, 0o600);
    try {
      const result = await expectNoLeak(['undo', runId, '--yes'], [2]);
      expect(result.stderr).toMatch(/^error: .*c0ffee.*not JSON/m);
      expect(result.stderr).not.toContain(secrets.pin);
    } finally {
      rmSync(file);
    }
  });

  it('an exec credential plugin that prints a raw token instead of an ExecCredential', async () => {
    const doc = load(readFileSync(kubeconfig, 'utf8')) as any;
    const alpha = doc.clusters.find((c: any) => c.name === doc.contexts.find((x: any) => x.name === 'alpha').context.cluster).cluster;
    const {path, cleanup: done} = kubeconfigWith([
      {
        name: 'raw-token',
        server: alpha.server,
        user: {
          exec: {
            apiVersion: 'client.authentication.k8s.io/v1beta1',
            command: '/bin/sh',
            args: ['-c', `echo '${secrets.apiToken}'`],
            interactiveMode: 'Never',
          },
        },
      },
    ]);
    try {
      const {result, hits} = await scan(
        [],
        await runCli(['diff', `raw-token/${src}`, `alpha/${dst}`, '--kind', 'secrets'], {env: {...env, KUBECONFIG: path}}),
      );
      countLeaks(hits);
      expect(result.code).toBe(3);
      expect(result.stderr).toMatch(/credentials: .*"raw-token".*not an ExecCredential/);
      expect(hits).toEqual([]);
    } finally {
      done();
    }
  });
});

/** The CLI on a pseudo-terminal; everything the terminal showed counts as stderr. */
async function onTerminal(args: string[], steps: Array<[RegExp, string[]]>): Promise<RunResult> {
  const {code, screen} = await runOnTerminal(
    args,
    steps.map(([waitFor, keys]) => ({waitFor, keys})),
    env,
  );
  return {code, stdout: '', stderr: screen};
}
