// kubectl's conventions, end to end: its global flags (also before the command), its
// authentication and override flags reaching the API server, -v=6 request logging,
// help COMMAND, version, and one `error:` line with a suggestion for what names nothing.
import {readFileSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {load} from 'js-yaml';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {ourRequests} from './diff-support.js';
import {apply, configMap, createNamespaces, kubeconfig, kubectl, repoRoot, runCli, testStateHome, uniqueName} from './support.js';

/** One line on stderr, no stack trace. */
function expectOneLineError(stderr: string, pattern: RegExp): void {
  const lines = stderr.trimEnd().split('\n');
  expect(lines, stderr).toHaveLength(1);
  expect(lines[0]).toMatch(/^error: /);
  expect(lines[0]).toMatch(pattern);
  expect(stderr).not.toMatch(/\n\s+at /);
}

describe('command line errors: one line, exit 2, a suggestion when something is near', () => {
  it.each([
    [['--foo'], /^error: unknown flag: --foo \(see kubectl configsync --help\)$/],
    [['--contxt', 'alpha', 'diff', 'a', 'b'], /^error: unknown flag: --contxt: did you mean --context\?/],
    [['dif', 'a', 'b'], /^error: unknown command "dif" for "kubectl configsync": did you mean diff\? \(commands: /],
    [['help', 'syncc'], /^error: unknown command "syncc" for "kubectl configsync": did you mean sync\?/],
    [
      ['diff', 'a', 'b', '--contxt', 'alpha'],
      /^error: unknown flag: --contxt: did you mean --context\? \(see kubectl configsync diff --help\)$/,
    ],
    [
      ['fanout', 'status', 'configmap/x', '--namspace', 'x'],
      /^error: unknown flag: --namspace: did you mean --namespace\? \(see kubectl configsync fanout status --help\)$/,
    ],
    [['diff', 'a', 'b', '-C', 'abc'], /^error: invalid value for --context-lines: expected an integer but received: abc$/],
    [['diff', 'a', 'b', '--v=lots'], /^error: invalid value for --v: expected an integer/],
    [['diff', 'a', 'b', '-o', 'xml'], /^error: invalid value "xml" for --output: must be one of table, wide, json, yaml$/],
    [['-v'], /^error: flag needs an argument: -v takes a log level/],
  ])('%j', async (args, pattern) => {
    const result = await runCli(args);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expectOneLineError(result.stderr, pattern);
  });
});

describe('help and version', () => {
  it('help COMMAND prints the command’s help, as COMMAND --help does', async () => {
    const help = await runCli(['help', 'diff']);
    expect(help.code, help.stderr).toBe(0);
    expect(help.stdout).toBe((await runCli(['diff', '--help'])).stdout);
    expect(help.stdout).toContain('$ kubectl configsync diff SOURCE TARGET');
    const topic = await runCli(['help', 'fanout', 'status']);
    expect(topic.code).toBe(0);
    expect(topic.stdout).toBe((await runCli(['fanout', 'status', '--help'])).stdout);
  });

  it('help alone is the root help', async () => {
    const help = await runCli(['help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toBe((await runCli(['--help'])).stdout);
  });

  it('version and --version print the version; the help lists the version command and the kubectl flags', async () => {
    const {version} = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8'));
    for (const args of [['version'], ['--version']]) {
      const result = await runCli(args);
      expect(result.code).toBe(0);
      expect(result.stdout).toMatch(new RegExp(`^kubectl-configsync/${version.replaceAll('.', '\\.')} linux-x64 node-v\\d+`));
    }
    expect((await runCli(['--help'])).stdout).toMatch(/^ {2}version /m);
    const diffHelp = (await runCli(['diff', '--help'])).stdout;
    for (const flag of [
      '--as=',
      '--as-group=',
      '--user=',
      '--cluster=',
      '--token=',
      '--certificate-authority=',
      '--insecure-skip-tls-verify',
      '--v=',
    ])
      expect(diffHelp).toContain(flag);
  });
});

describe('against the test bed', () => {
  const [a, b] = [uniqueName('conv-a'), uniqueName('conv-b')];
  const [onBeta, alsoOnBeta] = [uniqueName('conv-beta'), uniqueName('conv-beta2')];
  let cleanupAlpha: () => Promise<void>;
  let cleanupBeta: () => Promise<void>;

  beforeAll(async () => {
    cleanupAlpha = await createNamespaces('alpha', a, b);
    cleanupBeta = await createNamespaces('beta', onBeta, alsoOnBeta);
    await apply('alpha', configMap(a, 'app', {LOG_LEVEL: 'debug'}));
    await apply('alpha', configMap(b, 'app', {LOG_LEVEL: 'info'}));
    await apply('beta', configMap(onBeta, 'app', {LOG_LEVEL: 'warn'}));
    await apply('beta', configMap(alsoOnBeta, 'app', {LOG_LEVEL: 'warn'}));
  });

  afterAll(async () => {
    await cleanupAlpha?.();
    await cleanupBeta?.();
  });

  const levelIn = (context: string, namespace: string) =>
    kubectl(['--context', context, 'get', 'configmap', 'app', '-n', namespace, '-o', 'jsonpath={.data.LOG_LEVEL}']);

  describe('global flags before the command', () => {
    it('--context and -n before diff apply to it', async () => {
      // The source namespace exists on beta only: the diff reads it only if --context reached diff.
      const result = await runCli(['--context', 'beta', '-n', onBeta, 'diff', onBeta, `alpha/${a}`, '-o', 'json']);
      expect(result.code, result.stderr).toBe(1);
      expect(result.stdout).toContain('LOG_LEVEL');
      expect((await ourRequests('beta', [onBeta])).length).toBeGreaterThan(0);
    });

    it('a command flag that is not global is refused before the command', async () => {
      const result = await runCli(['-o', 'json', 'diff', onBeta, `alpha/${a}`]);
      expect(result.code).toBe(2);
      expectOneLineError(result.stderr, /^error: unknown flag: -o \(see kubectl configsync --help\)$/);
    });

    it('--kubeconfig=… and --request-timeout before a topic command', async () => {
      const result = await runCli([
        '--kubeconfig',
        kubeconfig,
        '--request-timeout=10s',
        '--context',
        'alpha',
        'fanout',
        'status',
        'configmap/app',
        '-n',
        a,
      ]);
      expect(result.code, result.stderr).toBe(0);
      // Nothing was fanned out from here: the source was found and has no copies.
      expect(result.stdout).toContain(`Copies of configmap/app in alpha/${a}`);
      expect(result.stdout).toContain('no copies found');
    });
  });

  describe('--as and --as-group impersonate, as kubectl does', () => {
    it('--as a user the RBAC allows nothing: the API server’s 403, exit 3, one line naming the user', async () => {
      const result = await runCli(['diff', '--context', 'alpha', a, b, '--as', 'jane-nobody']);
      expect(result.code).toBe(3);
      expectOneLineError(result.stderr, /^error: forbidden: cannot list configmaps in namespace ".+" \(context "alpha"\): .*jane-nobody/);
    });

    it('--as the read-only viewer: diff reads, sync is refused and nothing is written', async () => {
      const diff = await runCli(['diff', '--context', 'alpha', a, b, '--as', 'configsync-viewer']);
      expect(diff.code, diff.stderr).toBe(1);
      const sync = await runCli(['--as', 'configsync-viewer', 'sync', '--context', 'alpha', a, b, '--keys', 'LOG_LEVEL', '--yes'], {
        env: {XDG_STATE_HOME: testStateHome},
      });
      expect(sync.code, sync.stderr).toBe(3);
      expect(sync.stderr).toMatch(/forbidden/);
      expect(await levelIn('alpha', b)).toBe('info');
    });

    it('--as-group adds the group: a user in system:masters may read', async () => {
      const denied = await runCli(['diff', '--context', 'alpha', a, b, '--as', 'jane-admin']);
      expect(denied.code).toBe(3);
      const allowed = await runCli(['diff', '--context', 'alpha', a, b, '--as', 'jane-admin', '--as-group', 'system:masters']);
      expect(allowed.code, allowed.stderr).toBe(1);
    });

    it('--as-group without --as is a usage error', async () => {
      const result = await runCli(['diff', '--context', 'alpha', a, b, '--as-group', 'system:masters']);
      expect(result.code).toBe(2);
      expectOneLineError(result.stderr, /--as-group needs --as/);
    });
  });

  describe('--user, --cluster, --token and TLS flags replace what the context names', () => {
    it('--user picks another kubeconfig user: the viewer may not write', async () => {
      const sync = await runCli(['sync', '--context', 'alpha', '--user', 'configsync-viewer', a, b, '--keys', 'LOG_LEVEL', '--yes']);
      expect(sync.code, sync.stderr).toBe(3);
      expect(sync.stderr).toMatch(/forbidden.*configsync-viewer/);
      expect(await levelIn('alpha', b)).toBe('info');
      const unknown = await runCli(['diff', '--context', 'alpha', '--user', 'nobody-here', a, b]);
      expect(unknown.code).toBe(2);
      expectOneLineError(unknown.stderr, /--user "nobody-here": the kubeconfig has no user of that name \(users: .*configsync-viewer/);
    });

    it('--cluster sends the context’s requests to another cluster', async () => {
      // The namespaces exist on beta only; the context says alpha.
      const result = await runCli(['diff', '--context', 'alpha', '--cluster', 'beta', onBeta, alsoOnBeta]);
      expect(result.code, result.stderr).toBe(0);
      expect((await ourRequests('beta', [onBeta, alsoOnBeta])).length).toBeGreaterThan(0);
      expect(await ourRequests('alpha', [onBeta, alsoOnBeta])).toEqual([]);
      const unknown = await runCli(['diff', '--cluster', 'gamma', a, b]);
      expect(unknown.code).toBe(2);
      expectOneLineError(unknown.stderr, /--cluster "gamma": the kubeconfig has no cluster of that name \(clusters: alpha, beta\)/);
    });

    it('--token replaces the user’s credentials: the API server sees the token’s service account', async () => {
      const account = uniqueName('conv-sa');
      await kubectl(['--context', 'alpha', 'create', 'serviceaccount', account, '-n', a]);
      const token = (await kubectl(['--context', 'alpha', 'create', 'token', account, '-n', a])).trim();
      const result = await runCli(['diff', '--context', 'alpha', a, b, '--token', token]);
      expect(result.code).toBe(3);
      expectOneLineError(result.stderr, new RegExp(`forbidden: .*system:serviceaccount:${a}:${account}`));
    });

    it('--certificate-authority decides whom TLS trusts; --insecure-skip-tls-verify trusts anyone', async () => {
      const state = JSON.parse(readFileSync(join(repoRoot, '.cluster', 'state.json'), 'utf8'));
      const trusted = await runCli(['diff', '--context', 'alpha', a, b, '--certificate-authority', state.caFile]);
      expect(trusted.code, trusted.stderr).toBe(1);
      // A certificate that is not the test bed's CA: the admin's client certificate.
      const doc = load(readFileSync(kubeconfig, 'utf8')) as {users: Array<{user: Record<string, string>}>};
      const other = join(testStateHome, 'not-the-ca.crt');
      writeFileSync(other, Buffer.from(doc.users[0].user['client-certificate-data'], 'base64'));
      const untrusted = await runCli(['diff', '--context', 'alpha', a, b, '--certificate-authority', other]);
      expect(untrusted.code).toBe(3);
      expectOneLineError(untrusted.stderr, /certificate|TLS|tls/);
      const insecure = await runCli(['diff', '--context', 'alpha', a, b, '--insecure-skip-tls-verify']);
      expect(insecure.code, insecure.stderr).toBe(1);
      const both = await runCli([
        'diff',
        '--context',
        'alpha',
        a,
        b,
        '--insecure-skip-tls-verify',
        '--certificate-authority',
        state.caFile,
      ]);
      expect(both.code).toBe(2);
      expectOneLineError(both.stderr, /cannot be used together/);
    });
  });

  describe('-v / --v=N', () => {
    const requestLine =
      /^I\d{4} \d\d:\d\d:\d\d\.\d{6} +\d+ request-log\] (GET|POST|PUT|PATCH|DELETE) (https:\/\/127\.0\.0\.1:\d+\/\S+) (\d{3}) [A-Za-z ]+ in \d+ milliseconds$/;

    it('-v=6 before the command logs every request on stderr: method, URL, status, time', async () => {
      const before = (await ourRequests('alpha', [a, b])).length;
      const result = await runCli(['-v=6', 'diff', '--context', 'alpha', a, b]);
      expect(result.code, result.stderr).toBe(1);
      const lines = result.stderr.split('\n').filter((l) => l.includes('request-log]'));
      expect(lines.length).toBeGreaterThan(0);
      for (const line of lines) expect(line).toMatch(requestLine);
      const urls = lines.map((l) => requestLine.exec(l)![2]);
      expect(urls).toContainEqual(expect.stringMatching(new RegExp(`/api/v1/namespaces/${a}/configmaps`)));
      // One line per request the API server saw for these namespaces.
      const seen = (await ourRequests('alpha', [a, b])).length - before;
      expect(urls.filter((u) => u.includes(`/namespaces/${a}`) || u.includes(`/namespaces/${b}`)).length).toBe(seen);
      // Data stays on stdout; credentials never appear.
      expect(result.stdout).not.toContain('request-log]');
      expect(result.stderr).not.toMatch(/Bearer|BEGIN|authorization/i);
    });

    it('--v=6 logs failed requests with their status; below 6 nothing is logged', async () => {
      const denied = await runCli(['diff', '--context', 'alpha', a, b, '--as', 'jane-nobody', '--v=6']);
      expect(denied.code).toBe(3);
      expect(denied.stderr).toMatch(/request-log\] GET \S+ 403 Forbidden in \d+ milliseconds/);
      const quiet = await runCli(['diff', '--context', 'alpha', a, b, '-v', '5']);
      expect(quiet.code).toBe(1);
      expect(quiet.stderr).not.toContain('request-log]');
    });
  });
});
