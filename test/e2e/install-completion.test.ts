// Shell completion driven as each shell does it: the script from `completion bash` is
// sourced, COMP_WORDS/COMP_CWORD are set, and the completion function fills COMPREPLY
// from the test bed's kubeconfig and API servers; fish completes through `complete -C`;
// zsh through its completion function; kubectl through kubectl_complete-configsync.
import {cliAuditEvents} from './audit.js';
import {missingTool} from '../support/requirements.js';
import {existsSync, mkdtempSync, rmSync, symlinkSync, writeFileSync} from 'node:fs';
import {createServer, type AddressInfo, type Server, type Socket} from 'node:net';
import {tmpdir} from 'node:os';
import {delimiter, dirname, join} from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {apply, binPath, configMap, createNamespaces, kubeconfig, kubectl, runCli, runProcess, secret, uniqueName} from './support.js';

let work: string;
let scriptPath: string;
let env: Record<string, string>;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'configsync-completion-'));
  // The script calls `kubectl-configsync` by name, as an installed plugin is called.
  symlinkSync(binPath, join(work, 'kubectl-configsync'));
  symlinkSync(join(dirname(binPath), 'complete.js'), join(work, 'kubectl_complete-configsync'));
  // Backups of syncs run here (for undo's run ids) stay in this directory.
  env = {
    PATH: [work, dirname(process.execPath), process.env.PATH].join(delimiter),
    KUBECONFIG: kubeconfig,
    XDG_STATE_HOME: join(work, 'state'),
  };
  const script = await runCli(['completion', 'bash']);
  expect(script.code, script.stderr).toBe(0);
  scriptPath = join(work, 'completion.bash');
  await runProcess('/bin/sh', ['-c', `cat > ${JSON.stringify(scriptPath)}`], {input: script.stdout});
});

afterAll(() => {
  if (work) rmSync(work, {recursive: true, force: true});
});

describe('an API server that never answers', () => {
  let server: Server;
  let silentKubeconfig: string;
  const sockets: Socket[] = [];

  beforeAll(async () => {
    // Accepts connections on loopback and never replies.
    server = createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const {port} = server.address() as AddressInfo;
    silentKubeconfig = join(work, 'silent.yaml');
    writeFileSync(
      silentKubeconfig,
      `apiVersion: v1\nkind: Config\ncurrent-context: silent\nclusters:\n- name: silent\n  cluster: {server: "https://127.0.0.1:${port}", insecure-skip-tls-verify: true}\nusers:\n- name: u\n  user: {token: t}\ncontexts:\n- name: silent\n  context: {cluster: silent, user: u}\n`,
    );
  });

  afterAll(() => {
    for (const socket of sockets) socket.destroy();
    server?.close();
  });

  it('completion gives up on namespaces instead of hanging the shell', async () => {
    const result = await runCli(['__complete', 'diff', '--kubeconfig', silentKubeconfig, '-n', ''], {timeoutMs: 20_000});
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(':4\n');
  });
});

/** COMPREPLY after completing the last word of `words` (the line as bash splits it). */
async function complete(words: string[]): Promise<string[]> {
  const quoted = words.map((w) => `'${w.replaceAll("'", "'\\''")}'`).join(' ');
  const program = `source ${JSON.stringify(scriptPath)}
COMP_WORDS=(${quoted}); COMP_CWORD=${words.length - 1}
_kubectl_configsync
printf '%s\\n' "\${COMPREPLY[@]}"`;
  const result = await runProcess('/bin/bash', ['-c', program], {env});
  expect(result.code, result.stderr).toBe(0);
  return result.stdout.split('\n').filter(Boolean);
}

describe('bash completion', () => {
  it('completes commands', async () => {
    expect(await complete(['kubectl-configsync', 'di'])).toEqual(['diff']);
  });

  it('completes --context values from the kubeconfig', async () => {
    expect(await complete(['kubectl-configsync', 'diff', '--context', ''])).toEqual(['alpha', 'alpha-viewer', 'beta']);
    expect(await complete(['kubectl-configsync', 'diff', '--context', 'b'])).toEqual(['beta']);
  });

  it('completes --context=VALUE, which bash splits at "="', async () => {
    expect(await complete(['kubectl-configsync', 'diff', '--context', '=', 'alpha-'])).toEqual(['alpha-viewer']);
  });

  describe('against the test bed', () => {
    const [nsA, nsB] = [uniqueName('compl-a'), uniqueName('compl-b')];
    let cleanupAlpha: () => Promise<void>;
    let cleanupBeta: () => Promise<void>;

    beforeAll(async () => {
      cleanupAlpha = await createNamespaces('alpha', nsA);
      cleanupBeta = await createNamespaces('beta', nsB);
      await apply('alpha', configMap(nsA, 'web-settings', {A: '1'}));
      await apply('alpha', configMap(nsA, 'worker-settings', {A: '1'}));
      await apply('alpha', secret(nsA, 'web-token', {T: 'x'}));
    });

    afterAll(async () => {
      await cleanupAlpha?.();
      await cleanupBeta?.();
    });

    it('completes namespaces of the selected context', async () => {
      expect(await complete(['kubectl-configsync', 'diff', '--context', 'alpha', '-n', nsA.slice(0, -2)])).toEqual([nsA]);
      // The namespace created on beta only is offered for beta, not alpha.
      expect(await complete(['kubectl-configsync', 'diff', '--context', 'beta', '-n', 'compl-'])).toContain(nsB);
      expect(await complete(['kubectl-configsync', 'diff', '--context', 'alpha', '-n', nsB])).toEqual([]);
    });

    it('completes CONTEXT/NAMESPACE location words', async () => {
      expect(await complete(['kubectl-configsync', 'diff', `beta/${nsB.slice(0, -1)}`])).toEqual([`beta/${nsB}`]);
    });

    it('completes configmap/NAME and secret/NAME in the source namespace', async () => {
      expect(await complete(['kubectl-configsync', 'diff', `alpha/${nsA}`, `beta/${nsB}`, 'configmap/w'])).toEqual([
        'configmap/web-settings',
        'configmap/worker-settings',
      ]);
      expect(await complete(['kubectl-configsync', 'diff', `alpha/${nsA}`, `beta/${nsB}`, 'secret/'])).toEqual(['secret/web-token']);
      expect(await complete(['kubectl-configsync', 'diff', `alpha/${nsA}`, `beta/${nsB}`, ''])).toEqual(['configmap/', 'secret/']);
    });

    it('asks the API server once, for the one kind being completed', async () => {
      await complete(['kubectl-configsync', 'diff', `alpha/${nsA}`, `beta/${nsB}`, 'configmap/web']);
      const ours = (await cliAuditEvents('alpha')).filter((e) => e.requestURI.startsWith(`/api/v1/namespaces/${nsA}/`));
      // Earlier tests of this file completed configmap/ and secret/ names once each.
      expect(ours.filter((e) => e.requestURI.includes('/configmaps')).length).toBe(2);
      expect(ours.filter((e) => e.requestURI.includes('/secrets')).length).toBe(1);
    });

    // Below: after the request count above, which counts this file's completions so far.
    it("completes fanout's source object in -n's namespace, also after global flags before the command", async () => {
      expect(await complete(['kubectl-configsync', 'fanout', '-n', nsA, 'configmap/'])).toEqual([
        'configmap/kube-root-ca.crt',
        'configmap/web-settings',
        'configmap/worker-settings',
      ]);
      expect(await complete(['kubectl-configsync', '--context', 'alpha', 'fanout', 'status', '-n', nsA, 'secret/w'])).toEqual([
        'secret/web-token',
      ]);
      expect(await complete(['kubectl-configsync', '--context', 'alpha', '-n', nsA, 'restart', 'configmap/wor'])).toEqual([
        'configmap/worker-settings',
      ]);
    });

    it('completes --user and --cluster from the kubeconfig', async () => {
      expect(await complete(['kubectl-configsync', 'diff', '--user', 'configsync-v'])).toEqual(['configsync-viewer']);
      expect(await complete(['kubectl-configsync', 'diff', '--user', ''])).toEqual(['configsync-admin', 'configsync-viewer']);
      expect(await complete(['kubectl-configsync', 'sync', '--cluster', ''])).toEqual(['alpha', 'beta']);
    });

    it("completes undo's RUN_ID with the runs sync recorded, newest first", async () => {
      const target = uniqueName('compl-undo');
      const cleanup = await createNamespaces('alpha', target);
      try {
        await apply('alpha', configMap(target, 'web-settings', {A: '2'}));
        const runIds: string[] = [];
        for (const value of ['3', '4']) {
          await apply('alpha', configMap(nsA, 'web-settings', {A: value}));
          const sync = await runCli(['sync', `alpha/${nsA}`, `alpha/${target}`, 'web-settings', '--keys', 'A', '--yes', '-o', 'json'], {
            env: {XDG_STATE_HOME: env.XDG_STATE_HOME},
          });
          expect(sync.code, sync.stderr).toBe(0);
          runIds.push(JSON.parse(sync.stdout).runId);
        }
        expect(await kubectl(['--context', 'alpha', 'get', 'configmap', 'web-settings', '-n', target, '-o', 'jsonpath={.data.A}'])).toBe(
          '4',
        );
        // Newest first, by when each run was created (to the millisecond): the second sync, then the first,
        // also when both began in the same second (their ids then differ only in the random suffix).
        expect(await complete(['kubectl-configsync', 'undo', ''])).toEqual([...runIds].reverse());
        expect(await complete(['kubectl-configsync', 'undo', runIds[0].slice(0, -2)])).toEqual([runIds[0]]);
      } finally {
        await apply('alpha', configMap(nsA, 'web-settings', {A: '1'}));
        await cleanup();
      }
    });

    it('kubectl completes `kubectl configsync …` through kubectl_complete-configsync', async () => {
      const result = await runProcess('/usr/bin/kubectl', ['__complete', 'configsync', 'fanout', '-n', nsA, 'configmap/web'], {env});
      expect(result.stdout.split('\n').filter(Boolean)).toEqual(['configmap/web-settings', ':4']);
    });

    it.skipIf(missingTool(hasShell('fish'), 'fish'))(
      'fish completes through complete -C',
      async () => {
        const fishPath = join(work, 'completion.fish');
        writeFileSync(fishPath, (await runCli(['completion', 'fish'])).stdout);
        const fish = async (line: string) => {
          const result = await runProcess('fish', ['--no-config', '-c', `source ${fishPath}; complete -C ${JSON.stringify(line)}`], {env});
          expect(result.code, result.stderr).toBe(0);
          return result.stdout.split('\n').filter(Boolean);
        };
        expect(await fish('kubectl-configsync di')).toEqual(['diff']);
        expect(await fish('kubectl-configsync diff --context al')).toEqual(['alpha', 'alpha-viewer']);
        expect(await fish(`kubectl-configsync fanout -n ${nsA} configmap/wo`)).toEqual(['configmap/worker-settings']);
        // Nothing matched and the directive allows files: fish offers paths.
        expect(await fish(`kubectl-configsync diff --kubeconfig ${join(work, 'completion.f')}`)).toEqual([fishPath]);
      },
      30_000,
    );

    it('prints nothing into the command line when the kubeconfig cannot be read', async () => {
      const result = await runCli(['__complete', 'diff', '--kubeconfig', join(work, 'missing'), '-n', '']);
      expect(result.code).toBe(0);
      expect(result.stdout).toBe(':4\n');
      expect(result.stderr).toBe('');
    });
  });
});

describe('the scripts parse in their shells', () => {
  for (const [shell, flags] of [
    ['bash', ['-n']],
    ['zsh', ['-n']],
    ['fish', ['--no-execute']],
  ] as const) {
    it.skipIf(missingTool(hasShell(shell), shell))(shell, async () => {
      const script = await runCli(['completion', shell]);
      expect(script.code, script.stderr).toBe(0);
      const path = join(work, `syntax.${shell}`);
      writeFileSync(path, script.stdout);
      const result = await runProcess(shell, [...flags, path]);
      expect(result.code, result.stderr).toBe(0);
      expect(result.stderr).toBe('');
    });
  }
});

function hasShell(name: string): boolean {
  return existsSync(`/usr/bin/${name}`) || existsSync(`/bin/${name}`);
}

// zsh is not part of every machine; the script is checked where it is installed.
describe.skipIf(missingTool(hasShell('zsh'), 'zsh'))('zsh completion', () => {
  it('offers the CLI’s candidates through compadd', async () => {
    const script = await runCli(['completion', 'zsh']);
    const zshPath = join(work, 'completion.zsh');
    writeFileSync(zshPath, script.stdout);
    // compadd and compdef stand in for zsh's completion system, which needs a terminal.
    const program = `compdef() { :; }; compadd() { print -l -- "$@"; }; _files() { print FILES; }
source ${JSON.stringify(zshPath)}
words=(kubectl-configsync diff --context al); CURRENT=4; _kubectl_configsync`;
    const result = await runProcess('zsh', ['-c', program], {env});
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout.split('\n').filter((l) => l && !l.startsWith('-'))).toEqual(['alpha', 'alpha-viewer']);
  });
});
