// Bad input, table-driven: every case runs the built CLI against the test bed and
// checks the exit code, one error line on stderr naming what was wrong, no stack
// trace, and (with an in-process snapshot of resourceVersions) that nothing was written.
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {Tally, recordFigures} from '../support/reliability.js';
import {adminRequest, makeTestTls, snapshot, clusterAccess, type TestTls} from './fault-proxy.js';
import {closedPort, kubeconfigWith, silentServer} from './kubeconfigs.js';
import type {CompletionManifest} from '../../src/cli/completion.js';
import {badCommandLines, OCLIF_PHRASES} from '../support/bad-command-lines.js';
import {createNamespaces, kubeconfig, kubectl, repoRoot, runCli, uniqueName, type RunResult} from './support.js';
import {runOnTerminal} from './terminal.js';

const src = uniqueName('hard-src');
const dst = uniqueName('hard-dst');
const edge = uniqueName('hard-edge');
const missing = uniqueName('hard-none');
const work = mkdtempSync(join(tmpdir(), 'configsync-hardening-'));
const stateHome = join(work, 'state');
const tally = new Tally();

let cleanup: () => Promise<void>;
let extra: {path: string; cleanup(): void};
let hung: {port: number; close(): Promise<void>};
let tls: TestTls;

type Obj = Record<string, unknown>;
const cm = (namespace: string, name: string, data: Record<string, string>, more: Obj = {}): Obj => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: {name, namespace},
  data,
  ...more,
});
const sec = (namespace: string, name: string, values: Record<string, string>, type = 'Opaque'): Obj => ({
  apiVersion: 'v1',
  kind: 'Secret',
  metadata: {name, namespace},
  type,
  stringData: values,
});

async function create(cluster: 'alpha' | 'beta', object: any): Promise<void> {
  const plural = object.kind === 'Secret' ? 'secrets' : 'configmaps';
  const {status, body} = await adminRequest(cluster, 'POST', `/api/v1/namespaces/${object.metadata.namespace}/${plural}`, object);
  if (status !== 201) throw new Error(`create ${object.metadata.name}: HTTP ${status}: ${body?.message}`);
}

const kb = (n: number, fill = 'x') => fill.repeat(n * 1024);
const longName = `n${'a'.repeat(251)}z`; // 253 characters, the limit of object names

beforeAll(async () => {
  const a = await createNamespaces('alpha', src, dst, edge);
  const b = await createNamespaces('beta', dst);
  cleanup = async () => {
    await a();
    await b();
  };
  const many = Object.fromEntries(Array.from({length: 3000}, (_, i) => [`key-${String(i).padStart(4, '0')}`, `value ${i}`]));
  const objects: Array<['alpha' | 'beta', Obj]> = [
    ['alpha', cm(src, 'app', {A: '1', B: '2'})],
    ['alpha', cm(dst, 'app', {A: '0'})],
    ['beta', cm(dst, 'app', {A: '0'})],
    ['alpha', cm(src, 'same', {S: 'same'})],
    ['alpha', cm(dst, 'same', {S: 'same'})],
    ['alpha', cm(src, 'big', {X: kb(600)})],
    ['alpha', cm(dst, 'big', {Y: kb(600, 'y')})],
    ['alpha', cm(src, 'frozen', {A: 'new'})],
    ['alpha', cm(dst, 'frozen', {A: 'old'}, {immutable: true})],
    ['alpha', sec(src, 'login', {username: 'u', password: 'p'}, 'kubernetes.io/basic-auth')],
    ['alpha', sec(dst, 'login', {username: 'old'})],
    ['alpha', cm(src, 'bin', {}, {binaryData: {blob: Buffer.from([0xff, 0xfe, 0x00, 0x80, 0xc3, 0x28]).toString('base64')}})],
    ['alpha', cm(dst, 'bin', {}, {binaryData: {blob: Buffer.from([0xff, 0xfe, 0x00, 0x81, 0xc3, 0x29]).toString('base64')}})],
    ['alpha', cm(src, 'huge', {V: `start ${kb(500, 'h')} end-src`})],
    ['alpha', cm(dst, 'huge', {V: `start ${kb(500, 'h')} end-dst`})],
    ['alpha', cm(src, 'many', many)],
    ['alpha', cm(src, 'empty', {})],
    ['alpha', cm(src, longName, {L: 'long'})],
  ];
  for (const [cluster, object] of objects) await create(cluster, object);
  await kubectl(['--context', 'alpha', '-n', src, 'create', 'serviceaccount', 'nobody']);
  const token = (await kubectl(['--context', 'alpha', '-n', src, 'create', 'token', 'nobody', '--duration', '1h'])).trim();
  hung = await silentServer();
  tls = makeTestTls();
  const alpha = clusterAccess('alpha');
  const alphaCa = alpha.ca.toString();
  extra = kubeconfigWith([
    {name: 'down', server: `https://127.0.0.1:${await closedPort()}`, caPem: alphaCa},
    {name: 'hung', server: `https://127.0.0.1:${hung.port}`, caPem: alphaCa},
    {name: 'wrong-ca', server: alpha.server, caPem: tls.caPem},
    {name: 'bad-token', server: alpha.server, caPem: alphaCa, user: {token: 'not-a-valid-token'}},
    {name: 'nobody', server: alpha.server, caPem: alphaCa, user: {token}},
    {
      name: 'exec-fails',
      server: alpha.server,
      caPem: alphaCa,
      user: {
        exec: {
          apiVersion: 'client.authentication.k8s.io/v1beta1',
          command: '/bin/sh',
          args: ['-c', 'echo "login expired: run sso login" >&2; exit 1'],
          interactiveMode: 'Never',
        },
      },
    },
    {
      name: 'exec-missing',
      server: alpha.server,
      caPem: alphaCa,
      user: {
        exec: {apiVersion: 'client.authentication.k8s.io/v1beta1', command: '/nonexistent/kubectl-sso-login', interactiveMode: 'Never'},
      },
    },
  ]);
  writeFileSync(join(work, 'garbage.yaml'), 'clusters: [\n  - {name: x\n');
  writeFileSync(join(work, 'no-current.yaml'), JSON.stringify({apiVersion: 'v1', kind: 'Config', clusters: [], users: [], contexts: []}));
  writeFileSync(join(work, 'corrupt-plan.json'), '{"apiVersion": "configsync.kubectl.dev/v1alpha1", "kind": "SyncPlan", "objects": [');
  writeFileSync(
    join(work, 'future-plan.json'),
    JSON.stringify({
      apiVersion: 'configsync.kubectl.dev/v9',
      kind: 'SyncPlan',
      source: {context: 'alpha', namespace: src},
      target: {context: 'alpha', namespace: dst},
      kinds: ['ConfigMap'],
      objects: [],
    }),
  );
});

afterAll(async () => {
  extra?.cleanup();
  tls?.cleanup();
  await hung?.close();
  await cleanup?.();
  rmSync(work, {recursive: true, force: true});
  recordFigures('bad-input', 'Bad-input corpus', {
    casesTried: tally.figures.tried ?? 0,
    casesPassed: tally.figures.passed ?? 0,
    writesDetected: tally.figures.writes ?? 0,
  });
});

interface Case {
  name: string;
  args: string[] | (() => string[]);
  code: number;
  /** What the error line must say. */
  error: RegExp;
  /** stderr is only that line (false where a plan or report precedes it). */
  only?: boolean;
  kubeconfig?: 'extra' | string;
  setup?: () => Promise<void>;
  /** Keystrokes on a pseudo-terminal: [screen text to wait for, keys]. */
  terminal?: Array<[RegExp, string[]]>;
}

const loc = (context: string, namespace: string) => `${context}/${namespace}`;
const S = loc('alpha', src);
const D = loc('alpha', dst);
const planPath = join(work, 'stale-plan.json');

const cases: Case[] = [
  // Where: contexts, namespaces, locations
  {
    name: 'unknown context in a location',
    args: ['diff', `gamma/${src}`, D],
    code: 2,
    error: /unknown context "gamma" in location "gamma\/hard-src-\w+" \(contexts: alpha, alpha-viewer, beta\)/,
    only: true,
  },
  {
    name: 'unknown --context',
    args: ['sync', src, dst, '--context', 'nope', '--all', '--yes'],
    code: 2,
    error: /unknown context "nope"/,
    only: true,
  },
  {
    name: 'unknown namespace',
    args: ['sync', S, loc('alpha', missing), '--all', '--yes'],
    code: 2,
    error: new RegExp(`namespace "${missing}" not found in context "alpha"`),
    only: true,
  },
  {
    name: 'malformed location a/b/c',
    args: ['sync', 'a/b/c', D, '--all', '--yes'],
    code: 2,
    error: /unknown context "a\/b" in location "a\/b\/c"/,
    only: true,
  },
  {
    name: 'invalid namespace name in a location',
    args: ['diff', 'alpha/Not_A_Namespace', D],
    code: 2,
    error: /invalid namespace "Not_A_Namespace"/,
    only: true,
  },
  {
    name: 'same source and target',
    args: ['sync', S, S, '--all', '--yes'],
    code: 2,
    error: /source and target are the same place/,
    only: true,
  },
  {
    name: 'missing TARGET',
    args: ['diff', S],
    code: 2,
    error: /^error: missing TARGET \(see kubectl configsync diff --help\)$/m,
    only: true,
  },
  // The argument's description wraps onto a second line in oclif's message: only the name is named.
  {
    name: 'missing SHELL',
    args: ['completion'],
    code: 2,
    error: /^error: missing SHELL \(see kubectl configsync completion --help\)$/m,
    only: true,
  },
  {
    name: 'unknown command',
    args: ['difff', S, D],
    code: 2,
    error: /unknown command "difff" for "kubectl configsync": did you mean diff\? \(commands: .*diff/,
    only: true,
  },
  {
    name: 'same place through two contexts of one cluster',
    args: ['sync', S, loc('alpha-viewer', src), '--all', '--yes'],
    code: 2,
    error: /same place/,
    only: true,
  },
  // Kubeconfig and credentials
  {
    name: 'missing kubeconfig',
    args: ['diff', S, D, '--kubeconfig', join(work, 'nope.yaml')],
    code: 2,
    error: /cannot read kubeconfig ".*nope\.yaml": ENOENT/,
    only: true,
  },
  {
    name: 'malformed kubeconfig',
    args: ['diff', S, D],
    kubeconfig: join(work, 'garbage.yaml'),
    code: 2,
    error: /cannot read kubeconfig ".*garbage\.yaml"/,
    only: true,
  },
  {
    name: 'kubeconfig without a current context',
    args: ['diff', src, dst],
    kubeconfig: join(work, 'no-current.yaml'),
    code: 2,
    error: /no current context/,
    only: true,
  },
  {
    name: 'exec credential plugin fails',
    args: ['diff', `exec-fails/${src}`, D],
    kubeconfig: 'extra',
    code: 3,
    error: /credentials: getting credentials for context "exec-fails" failed/,
    only: true,
  },
  {
    name: 'exec credential plugin missing',
    args: ['diff', `exec-missing/${src}`, D],
    kubeconfig: 'extra',
    code: 3,
    error: /credentials: getting credentials for context "exec-missing" failed.*(ENOENT|not found)/,
    only: true,
  },
  {
    name: 'invalid token (401)',
    args: ['diff', `bad-token/${src}`, D],
    kubeconfig: 'extra',
    code: 3,
    error: /unauthorized: the credentials of context "bad-token" were rejected \(401\)/,
    only: true,
  },
  {
    name: 'RBAC 403 on list',
    args: ['diff', `nobody/${src}`, D],
    kubeconfig: 'extra',
    code: 3,
    error: /forbidden: cannot list configmaps in namespace "hard-src-\w+" \(context "nobody"\)/,
    only: true,
  },
  {
    name: 'RBAC 403 on write',
    args: ['sync', S, loc('alpha-viewer', dst), 'app', '--all', '--yes'],
    code: 3,
    error: /forbidden: cannot patch configmap\/app in namespace "hard-dst-\w+" \(context "alpha-viewer"\)/,
  },
  // The API server misbehaves
  {
    name: 'API server unreachable',
    args: ['diff', `down/${src}`, D],
    kubeconfig: 'extra',
    code: 3,
    error: /unreachable: cannot connect to the API server of context "down" \(ECONNREFUSED\)/,
    only: true,
  },
  {
    name: 'API server accepts but never answers',
    args: ['diff', `hung/${src}`, D, '--request-timeout', '1s'],
    kubeconfig: 'extra',
    code: 3,
    error: /timeout: the API server of context "hung" did not answer in time \(--request-timeout\)/,
    only: true,
  },
  {
    name: 'TLS verification failure',
    args: ['diff', `wrong-ca/${src}`, D],
    kubeconfig: 'extra',
    code: 3,
    error: /TLS: cannot verify the API server certificate of context "wrong-ca"/,
    only: true,
  },
  // Flags
  {
    name: 'invalid label selector',
    args: ['diff', S, D, '-l', 'app in (web'],
    code: 2,
    error: /invalid label selector "app in \(web"/,
    only: true,
  },
  {
    name: 'invalid key name in --keys',
    args: ['sync', S, D, '--keys', 'bad key!', '--yes'],
    code: 2,
    error: /--keys: "bad key!" is not a valid key name or glob/,
    only: true,
  },
  {
    name: '--keys naming keys that do not exist',
    args: ['sync', S, D, 'app', '--keys', 'A,NO_SUCH_KEY', '--yes'],
    code: 2,
    error: /--keys NO_SUCH_KEY matched no key/,
    only: true,
  },
  {
    name: 'conflicting flags --keys and --all',
    args: ['sync', S, D, '--keys', 'A', '--all', '--yes'],
    code: 2,
    error: /^error: --all and --keys cannot be used together$/,
    only: true,
  },
  {
    name: 'conflicting flags --watch and --dry-run=client',
    args: ['fanout', 'configmap/app', '-n', src, '--to-namespace', dst, '--watch', '--dry-run=client', '--yes'],
    code: 2,
    error: /--watch .*cannot be combined with --dry-run=client/,
    only: true,
  },
  {
    name: 'conflicting flags --delete and --watch',
    args: ['fanout', 'configmap/app', '-n', src, '--delete', '--watch', '--yes'],
    code: 2,
    error: /^error: --watch and --delete cannot be used together$/,
    only: true,
  },
  {name: 'unknown output format', args: ['diff', S, D, '-o', 'xml'], code: 2, error: /xml/, only: true},
  {name: 'unknown --dry-run mode', args: ['sync', S, D, '--all', '--dry-run', 'maybe'], code: 2, error: /maybe/, only: true},
  {
    name: 'bad --request-timeout',
    args: ['diff', S, D, '--request-timeout', 'soon'],
    code: 2,
    error: /--request-timeout: invalid duration "soon"/,
    only: true,
  },
  {name: 'unknown kind', args: ['diff', S, D, '--kind', 'pods'], code: 2, error: /--kind: unknown kind "pods"/, only: true},
  {name: 'unknown flag', args: ['diff', S, D, '--frobnicate'], code: 2, error: /frobnicate/, only: true},
  {
    name: 'bad --namespace-regex',
    args: ['fanout', 'configmap/app', '-n', src, '--namespace-regex', '(', '--yes'],
    code: 2,
    error: /invalid --namespace-regex "\("/,
    only: true,
  },
  {
    name: 'bad --namespace-selector',
    args: ['fanout', 'configmap/app', '-n', src, '--namespace-selector', 'team in (a', '--yes'],
    code: 2,
    error: /invalid label selector "team in \(a"/,
    only: true,
  },
  {
    name: 'restart of something that is not a ConfigMap or Secret',
    args: ['restart', 'pod/web', '-n', src, '--yes'],
    code: 2,
    error: /"pod\/web": expected configmap\/NAME or secret\/NAME/,
    only: true,
  },
  {
    name: 'fanout source not found',
    args: ['fanout', 'configmap/no-such-source', '-n', src, '--to-namespace', dst, '--yes'],
    code: 2,
    error: /source configmap\/no-such-source .* not found/,
    only: true,
  },
  {
    name: 'undo of an unknown run',
    args: ['undo', '20200101-000000-abcdef', '--yes'],
    code: 2,
    error: /no run "20200101-000000-abcdef" in /,
    only: true,
  },
  // Saved plans
  {
    name: 'plan file missing',
    args: ['sync', '--plan', join(work, 'no-plan.json'), '--yes'],
    code: 2,
    error: /--plan: cannot read .*no-plan\.json/,
    only: true,
  },
  {
    name: 'plan file corrupt',
    args: ['sync', '--plan', join(work, 'corrupt-plan.json'), '--yes'],
    code: 2,
    error: /--plan: .*corrupt-plan\.json is not JSON or YAML/,
    only: true,
  },
  {
    name: 'plan file from another version',
    args: ['sync', '--plan', join(work, 'future-plan.json'), '--yes'],
    code: 2,
    error: /--plan: expected a DiffReport .* of apiVersion configsync\.kubectl\.dev\/v1alpha1/,
    only: true,
  },
  {
    name: 'stale plan (target changed after planning)',
    setup: async () => {
      const plan = await runCli(['sync', S, D, 'app', '--keys', 'B', '--dry-run=client', '-o', 'json'], {env: {XDG_STATE_HOME: stateHome}});
      writeFileSync(planPath, plan.stdout);
      await kubectl(['--context', 'alpha', '-n', dst, 'label', 'configmap', 'app', `moved=${Date.now()}`, '--overwrite']);
    },
    args: ['sync', '--plan', planPath, '--yes'],
    code: 3,
    error: /configmap\/app: the target changed since the plan was made \(resourceVersion \d+ → \d+\); make a new plan/,
  },
  // What the API server would refuse, refused before writing
  {
    name: 'object over 1 MiB after sync',
    args: ['sync', S, D, 'big', '--keys', 'X', '--yes'],
    code: 3,
    error: /too large: configmap\/big would hold 1\.17 MiB of data, over the 1 MiB limit/,
  },
  {name: 'immutable target', args: ['sync', S, D, 'frozen', '--all', '--yes'], code: 3, error: /immutable in target: .*--recreate/},
  {
    name: 'Secret type mismatch',
    args: ['sync', S, D, 'secret/login', '--kind', 'secrets', '--all', '--yes'],
    code: 3,
    error: /Secret type differs \(kubernetes\.io\/basic-auth in source, Opaque in target\).*--recreate/,
  },
  // Prompts
  {
    name: 'no TTY without --yes',
    args: ['sync', S, D, '--all'],
    code: 2,
    error: /refusing to write without confirmation: no terminal to ask on; pass --yes/,
    only: true,
  },
  {
    name: 'no TTY and nothing chosen',
    args: ['sync', S, D, '--yes'],
    code: 2,
    error: /no terminal to choose keys on: pass --keys K1,K2 or --all/,
    only: true,
  },
  {
    name: 'fanout without TTY and without --yes',
    args: ['fanout', 'configmap/app', '-n', src, '--to-namespace', edge],
    code: 2,
    error: /refusing to fanout without confirmation: no terminal to ask on; pass --yes/,
  },
  {
    name: 'undo without TTY and without --yes',
    args: ['undo', '20200101-000000-abcdef'],
    code: 2,
    error: /refusing to undo without confirmation: no terminal to ask on; pass --yes/,
    only: true,
  },
  {
    name: '--yes with nothing to do',
    args: ['sync', S, D, 'same', '--all', '--yes'],
    code: 0,
    error: /^nothing to sync: alpha\/hard-dst-\w+ already has every selected key/,
  },
  {
    name: 'Ctrl-C at the objects prompt',
    args: ['sync', S, D],
    code: 130,
    error: /interrupted at the prompt: nothing was written/,
    terminal: [[/Objects to sync/, ['\x03']]],
  },
  {
    name: 'Ctrl-C at the keys prompt',
    args: ['sync', S, D, 'app'],
    code: 130,
    error: /interrupted at the prompt: nothing was written/,
    terminal: [
      [/Objects to sync/, [' ', '\r']],
      [/Keys of configmap\/app/, ['\x03']],
    ],
  },
  {
    name: 'Ctrl-C at the confirmation',
    args: ['sync', S, D, 'app', '--keys', 'B'],
    code: 130,
    error: /interrupted at the prompt: nothing was written/,
    terminal: [[/Write 1 object to/, ['\x03']]],
  },
  {
    name: 'Ctrl-C at the fanout confirmation',
    args: ['fanout', 'configmap/app', '-n', src, '--to-namespace', edge],
    code: 130,
    error: /interrupted at the prompt: nothing was written/,
    terminal: [[/Write \d+ change/, ['\x03']]],
  },
];

function envFor(c: Case): Record<string, string> {
  const path = c.kubeconfig === 'extra' ? extra.path : (c.kubeconfig ?? kubeconfig);
  return {KUBECONFIG: path, XDG_STATE_HOME: stateHome};
}

const stackTrace = /^\s+at /m;

describe('bad input', () => {
  for (const c of cases) {
    it(`${c.name} → exit ${c.code}`, async () => {
      tally.add('tried');
      await c.setup?.();
      const before = {...(await snapshot('alpha', [src, dst, edge])), ...(await snapshot('beta', [dst]))};
      const args = typeof c.args === 'function' ? c.args() : c.args;
      const result: RunResult = c.terminal
        ? await runTerminalCase(args, c.terminal, envFor(c))
        : await runCli(args, {env: envFor(c), timeoutMs: 60_000});
      const detail = `stdout:\n${result.stdout}\nstderr:\n${result.stderr}`;
      expect(result.code, detail).toBe(c.code);
      expect(result.stderr, detail).not.toMatch(stackTrace);
      const lines = result.stderr.trimEnd().split('\n');
      if (!c.terminal) {
        const errorLines = lines.filter((l) => l.startsWith('error: '));
        if (c.code === 0)
          expect(
            lines.filter((l) => c.error.test(l)),
            detail,
          ).toHaveLength(1);
        else {
          expect(errorLines, detail).toHaveLength(1);
          expect(errorLines[0], detail).toMatch(c.error);
        }
        if (c.only) expect(lines, detail).toHaveLength(1);
      } else {
        expect(result.stderr, detail).toMatch(c.error);
      }
      const after = {...(await snapshot('alpha', [src, dst, edge])), ...(await snapshot('beta', [dst]))};
      if (JSON.stringify(after) !== JSON.stringify(before)) tally.add('writes');
      expect(after, 'nothing may be written').toEqual(before);
      tally.add('passed');
    });
  }
});

/** Usage errors found in review, with the words they must now have. */
const reviewedUsageErrors: Array<[string[], RegExp]> = [
  [['controller', 'rn'], /^error: unknown command "rn" for "kubectl configsync controller": did you mean run\?/],
  [['controller', 'manifests'], /^error: required flag --namespace not set/],
  [['fanout', 'stats', 'configmap/x', '-n', 'y'], /^error: unknown command "stats" for "kubectl configsync fanout": did you mean status\?/],
  [['undo', '--prune'], /^error: flag needs an argument: --prune$/],
  [['diff', 'a', 'b', '--ignore-key'], /^error: flag needs an argument: --ignore-key$/],
  [['undo', 'a', 'b', 'c'], /^error: unexpected arguments "b", "c": undo takes at most 1 argument \(\[RUN_ID\]\)/],
  [['completion', 'bsh'], /^error: invalid argument "bsh" for SHELL: must be one of bash, zsh, fish, kubectl: did you mean bash\?$/],
  [['diff', 'a', 'b', '-o', 'json', '-o', 'yaml'], /^error: flag --output given more than once/],
  [['restart', 'configmap/x', '-A', '-n', 'foo'], /^error: --namespace and --all-namespaces cannot be used together$/],
  [['version', 'x'], /^error: unexpected argument "x": version takes no arguments/],
];

const OCLIF_WORDING = new RegExp(OCLIF_PHRASES.map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'));

/** One usage error: exit 2, nothing on stdout, one `error:` line in the tool's words. */
function expectUsageError(result: RunResult, pattern: RegExp, suggestion?: string): void {
  const detail = `stdout:\n${result.stdout}\nstderr:\n${result.stderr}`;
  expect(result.code, detail).toBe(2);
  expect(result.stdout, detail).toBe('');
  const lines = result.stderr.trimEnd().split('\n');
  expect(lines, detail).toHaveLength(1);
  expect(lines[0], detail).toMatch(/^error: /);
  expect(lines[0], detail).toMatch(pattern);
  expect(lines[0], detail).not.toMatch(OCLIF_WORDING);
  if (suggestion) expect(lines[0], detail).toContain(`did you mean ${suggestion}?`);
}

// Each line runs twice: as main.ts runs it (the manifest's parser, falling back to oclif for what
// it cannot read) and through oclif alone (KUBECTL_CONFIGSYNC_NO_FAST_PATH=1); both must agree.
describe('usage errors of every command, by both parsers', () => {
  const manifest = JSON.parse(readFileSync(join(repoRoot, 'dist', 'completion.json'), 'utf8')) as CompletionManifest;
  const generated = badCommandLines(manifest).map((c) => ({
    name: c.name,
    args: c.args,
    pattern: new RegExp(c.names.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')),
    suggestion: c.suggestion,
  }));
  const reviewed = reviewedUsageErrors.map(([args, pattern]) => ({
    name: `review: ${args.join(' ')}`,
    args,
    pattern,
    suggestion: undefined,
  }));
  for (const c of [...reviewed, ...generated]) {
    it(`${c.name}: ${c.args.join(' ')}`, async () => {
      const env = {XDG_STATE_HOME: stateHome};
      const [direct, oclif] = await Promise.all([
        runCli(c.args, {env, timeoutMs: 30_000}),
        runCli(c.args, {env: {...env, KUBECTL_CONFIGSYNC_NO_FAST_PATH: '1'}, timeoutMs: 30_000}),
      ]);
      expectUsageError(direct, c.pattern, c.suggestion);
      expectUsageError(oclif, c.pattern, c.suggestion);
      expect(oclif.stderr).toBe(direct.stderr);
    });
  }
});

describe('values that are hard to show or to write', () => {
  const sync = (args: string[]) => runCli(['sync', ...args], {env: {XDG_STATE_HOME: stateHome}, timeoutMs: 60_000});

  it('non-UTF-8 values: the table says binary and prints no raw bytes', async () => {
    tally.add('tried');
    const result = await runCli(['diff', S, D, 'bin']);
    expect(result.code).toBe(1);
    expect(result.stderr).not.toMatch(stackTrace);
    expect(result.stdout).toMatch(/configmap\/bin/);
    expect(result.stdout).toMatch(/binary|bytes/i);
    expect(result.stdout).not.toMatch(/[\x00\x80-\x9f\ufffd]/);
    tally.add('passed');
  });

  it('a 500 KiB one-line value: the table stays short and shows where it differs', async () => {
    tally.add('tried');
    const result = await runCli(['diff', S, D, 'huge']);
    expect(result.code).toBe(1);
    expect(result.stdout.length).toBeLessThan(10_000);
    expect(result.stdout).toMatch(/end-src/);
    expect(result.stdout).toMatch(/end-dst/);
    tally.add('passed');
  });

  it('thousands of keys in one object, an empty ConfigMap and a 253-character name are synced whole', async () => {
    tally.add('tried');
    const result = await sync([S, loc('alpha', edge), 'many', 'empty', longName, '--all', '--yes', '-o', 'json']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).not.toMatch(stackTrace);
    const report = JSON.parse(result.stdout);
    expect(report.objects.map((o: any) => [o.name, o.outcome]).sort()).toEqual(
      [
        ['empty', 'written'],
        ['many', 'written'],
        [longName, 'written'],
      ].sort(),
    );
    const many = await adminRequest('alpha', 'GET', `/api/v1/namespaces/${edge}/configmaps/many`);
    expect(Object.keys(many.body.data)).toHaveLength(3000);
    expect(many.body.data['key-2999']).toBe('value 2999');
    const empty = await adminRequest('alpha', 'GET', `/api/v1/namespaces/${edge}/configmaps/empty`);
    expect(empty.status).toBe(200);
    expect(empty.body.data ?? {}).toEqual({});
    const long = await adminRequest('alpha', 'GET', `/api/v1/namespaces/${edge}/configmaps/${longName}`);
    expect(long.body.data).toEqual({L: 'long'});
    const again = await sync([S, loc('alpha', edge), 'many', 'empty', longName, '--all', '--yes']);
    expect(again.code).toBe(0);
    expect(again.stderr).toMatch(/nothing to sync/);
    tally.add('passed');
  });
});

/** A terminal case as a RunResult: everything the terminal showed counts as stderr. */
async function runTerminalCase(args: string[], steps: Array<[RegExp, string[]]>, env: Record<string, string>): Promise<RunResult> {
  const {code, screen} = await runOnTerminal(
    args,
    steps.map(([waitFor, keys]) => ({waitFor, keys})),
    env,
  );
  return {code, stdout: '', stderr: screen};
}
