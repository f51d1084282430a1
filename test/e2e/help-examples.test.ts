// Every example in every command's --help, run as written through kubectl's plugin mechanism
// (`kubectl configsync …` finds kubectl-configsync on the PATH), in the shell it is written for,
// on a pseudo-terminal so prompts appear as they would for a user (each is answered with
// Ctrl-C). The contexts and namespaces the examples name exist: a kubeconfig maps them onto the
// test bed's two clusters, and the namespaces hold the example environments. An example
// passes when it exits 0, 1 (differences), 5 (declined) or 130 (interrupted at a prompt or,
// for --watch and the controller, once it is running): never 2 (usage), 3 (API) or 4, never a
// stack trace. Every help text, the root's included, fits 80 columns.
import {spawn, spawnSync} from 'node:child_process';
import {mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {dirname, join} from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {missingTool} from '../support/requirements.js';
import {kubeconfigWith} from './kubeconfigs.js';
import {apply, binPath, configMap, kubectl, repoRoot, runCli, secret} from './support.js';
import {SCRIPT, hasScript, plain} from './terminal.js';

const EKS_EU = 'arn:aws:eks:eu-west-1:123456789012:cluster/prod';
const EKS_US = 'arn:aws:eks:us-east-1:123456789012:cluster/prod';
const environments = join(repoRoot, 'fixtures', 'environments');
const NAMESPACES = {
  alpha: ['staging', 'prod', 'dev', 'platform', 'platform-gamma', 'team-a', 'team-b', 'web', 'api', 'configsync'],
  beta: ['staging', 'prod', 'platform', 'web'],
};
const home = mkdtempSync(join(tmpdir(), 'configsync-examples-'));
const bin = join(home, 'bin');
let config: {path: string; cleanup: () => void};

/** `$ kubectl configsync …` lines of one command's help, with their continuation lines joined. */
function examplesOf(command: string[]): string[] {
  const help = spawnSync(process.execPath, [binPath, ...command, '--help'], {
    encoding: 'utf8',
    env: {...process.env, NO_COLOR: '1'},
  }).stdout;
  const section = help.split(/^EXAMPLES$/m)[1] ?? '';
  const examples: string[] = [];
  let current: string | undefined;
  for (const line of section.split('\n')) {
    const text = line.trim();
    if (current !== undefined) current += ` ${text}`;
    else if (text.startsWith('$ ')) current = text.slice(2);
    if (current !== undefined && !current.endsWith('\\')) {
      examples.push(current);
      current = undefined;
    } else if (current !== undefined) current = current.slice(0, -1).trimEnd();
  }
  return examples;
}

const commands = [
  ['diff'],
  ['sync'],
  ['undo'],
  ['fanout'],
  ['fanout', 'status'],
  ['restart'],
  ['completion'],
  ['version'],
  ['controller', 'run'],
  ['controller', 'manifests'],
];

/** Examples that keep running until stopped: interrupted once running, as a user would. */
const KEEPS_RUNNING = /--watch|\bcontroller run\b/;

function shellFor(example: string): string[] {
  if (/completion zsh/.test(example)) return ['zsh', '-c', `autoload -U compinit && compinit -u && ${example}`];
  if (/completion fish/.test(example)) return ['fish', '-c', example];
  return ['bash', '-c', example];
}

function quote(word: string): string {
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

/** Runs one example on a pseudo-terminal; Ctrl-C at a prompt, or once a --watch is running. */
function runExample(example: string): Promise<{code: number; screen: string}> {
  const command = `stty cols 120 rows 50; ${shellFor(example).map(quote).join(' ')}`;
  return new Promise((resolve, reject) => {
    const child = spawn(SCRIPT, ['-qfec', command, '/dev/null'], {
      cwd: home,
      env: {
        ...process.env,
        HOME: home,
        KUBECONFIG: config.path,
        PATH: `${bin}:${dirname(process.execPath)}:${process.env.PATH}`,
        NO_COLOR: '1',
        TERM: 'xterm',
        XDG_STATE_HOME: join(home, 'state'),
      },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    child.stdin.on('error', () => undefined);
    let screen = '';
    let interrupted = false;
    const interrupt = () => {
      if (interrupted) return;
      interrupted = true;
      child.stdin.write('\x03');
    };
    const watchTimer = KEEPS_RUNNING.test(example) ? setTimeout(interrupt, 10_000) : undefined;
    const killTimer = setTimeout(() => child.kill('SIGKILL'), 90_000);
    const onData = (chunk: Buffer) => {
      screen += chunk.toString();
      // An @inquirer prompt starts with "? "; answer it with Ctrl-C.
      if (/^\? /m.test(plain(screen))) setTimeout(interrupt, 200);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(watchTimer);
      clearTimeout(killTimer);
      resolve({code: code ?? -1, screen: plain(screen)});
    });
  });
}

function load(environment: 'staging' | 'prod'): string {
  return ['configmaps.yaml', 'secrets.yaml'].map((file) => readFileSync(join(environments, environment, file), 'utf8')).join('\n---\n');
}

async function recreateNamespaces(context: 'alpha' | 'beta', names: string[]): Promise<void> {
  await kubectl(['--context', context, 'delete', 'namespace', ...names, '--ignore-not-found', '--wait=true', '--timeout=120s']);
  for (const name of names) await kubectl(['--context', context, 'create', 'namespace', name]);
}

const runsOfThisSuite = async (): Promise<string | undefined> => {
  const listed = await runCli(['undo', '--list', '-o', 'json'], {env: {XDG_STATE_HOME: join(home, 'state'), KUBECONFIG: config.path}});
  const runs = JSON.parse(listed.stdout || '[]') as Array<{runId: string}>;
  return runs[0]?.runId;
};

beforeAll(async () => {
  mkdirSync(bin, {recursive: true});
  mkdirSync(join(home, '.local', 'bin'), {recursive: true});
  symlinkSync(binPath, join(bin, 'kubectl-configsync'));
  config = kubeconfigWith([
    {name: 'gamma', like: 'alpha', namespace: 'platform-gamma'},
    {name: 'dev', like: 'alpha', namespace: 'dev'},
    {name: 'eu', like: 'alpha'},
    {name: 'us', like: 'beta'},
    {name: EKS_EU, like: 'alpha'},
    {name: EKS_US, like: 'beta'},
  ]);
  await recreateNamespaces('alpha', NAMESPACES.alpha);
  await recreateNamespaces('beta', NAMESPACES.beta);
  for (const context of ['alpha', 'beta'] as const) {
    await apply(context, load('staging').replaceAll('namespace: staging', 'namespace: staging'));
    await apply(context, load('prod'));
    await apply(context, configMap('platform', 'ca-bundle', {'ca.crt': 'PEM'}));
    await apply(context, secret('platform', 'registry', {'.dockerconfigjson': '{"auths":{}}'}));
    await apply(context, configMap('web', 'app', {LOG_LEVEL: context === 'alpha' ? 'info' : 'debug'}));
  }
  await apply('alpha', configMap('dev', 'checkout-config', {LOG_LEVEL: 'debug'}));
  await apply('alpha', configMap('prod', 'app', {LOG_LEVEL: 'info', 'db.url': 'postgres://db'}));
  for (const team of ['team-a', 'team-b']) await kubectl(['--context', 'alpha', 'label', 'namespace', team, `team=${team.slice(-1)}`]);
}, 300_000);

afterAll(async () => {
  for (const context of ['alpha', 'beta'] as const) {
    await kubectl(['--context', context, 'delete', 'namespace', ...NAMESPACES[context], '--wait=false']).catch(() => undefined);
  }
  config?.cleanup();
  rmSync(home, {recursive: true, force: true});
});

describe('help text', () => {
  it("fits 80 columns, the root help and every command's", () => {
    for (const command of [[], ...commands]) {
      const help = spawnSync(process.execPath, [binPath, ...command, '--help'], {encoding: 'utf8', env: {...process.env, NO_COLOR: '1'}});
      expect(help.status, help.stderr).toBe(0);
      const tooWide = help.stdout.split('\n').filter((line) => [...line].length > 80);
      expect(tooWide, `kubectl configsync ${command.join(' ')} --help`).toEqual([]);
    }
  });
});

describe.skipIf(missingTool(hasScript, 'script (util-linux), which gives the examples a pseudo-terminal'))('help examples', () => {
  for (const command of commands) {
    it(`kubectl configsync ${command.join(' ')} --help: every example runs as written`, async () => {
      const examples = examplesOf(command);
      expect(examples.length, 'every command shows examples').toBeGreaterThan(0);
      for (const written of examples) {
        // An example naming a run id stands for "a run id from undo --list": the newest run of this suite.
        const runId = /\bundo \d{8}-\d{6}-[0-9a-f]{6}\b/.test(written) ? await runsOfThisSuite() : undefined;
        const example = runId ? written.replace(/\d{8}-\d{6}-[0-9a-f]{6}/, runId) : written;
        const {code, screen} = await runExample(example);
        expect([0, 1, 5, 130], `${example}\nexit ${code}\n${screen}`).toContain(code);
        expect(screen, example).not.toMatch(/^\s+at .*\(.*:\d+:\d+\)$/m);
        if (code === 0 || code === 1) expect(screen, example).not.toMatch(/^error: /m);
      }
    }, 600_000);
  }
});
