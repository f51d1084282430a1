import {mkdtempSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {describe, expect, it} from 'vitest';
import {readKubeconfig} from '../../src/cli/completion-runtime.js';
import {
  describeCommands,
  Directive,
  locationCandidates,
  objectCandidates,
  planCompletion,
  renderCompletion,
} from '../../src/cli/completion.js';
import {COMMANDS, INTEGER_PARSE} from '../../src/commands.js';

const manifest = describeCommands(COMMANDS, INTEGER_PARSE);

describe('describeCommands', () => {
  it('records every registered command with its flags and arguments', () => {
    expect(Object.keys(manifest.commands).sort()).toEqual(Object.keys(COMMANDS).sort());
    const diff = manifest.commands.diff;
    expect(diff.args.map((a) => a.name)).toEqual(['source', 'target', 'name']);
    expect(diff.flags.find((f) => f.name === 'namespace')).toEqual({
      name: 'namespace',
      char: 'n',
      boolean: false,
      options: undefined,
      persistent: true,
    });
    expect(diff.flags.find((f) => f.name === 'context-lines')?.persistent).toBeUndefined();
    expect(diff.flags.find((f) => f.name === 'output')?.options).toEqual(['table', 'wide', 'json', 'yaml']);
    expect(manifest.commands.completion.args).toEqual([{name: 'shell', options: ['bash', 'zsh', 'fish', 'kubectl'], required: true}]);
    expect(diff.variadic).toBe(true);
    expect(diff.flags.find((f) => f.name === 'context-lines')).toMatchObject({integer: {min: 0}, default: 3, char: 'C'});
    expect(diff.flags.find((f) => f.name === 'ignore-key')?.multiple).toBe(true);
    expect(diff.flags.find((f) => f.name === 'hide-identical-keys')?.allowNo).toBe(true);
    expect(manifest.commands.sync.flags.find((f) => f.name === 'keys')?.exclusive).toEqual(['all', 'plan']);
  });
});

describe('planCompletion', () => {
  const plan = (...words: string[]) => planCompletion(words, manifest);

  it('completes command names first', () => {
    expect(plan('d')).toEqual({kind: 'static', candidates: ['diff'], directive: Directive.noFileComp});
  });

  it('completes flags of the command', () => {
    const result = plan('diff', '--con');
    expect(result).toEqual({kind: 'static', candidates: ['--context', '--context-lines'], directive: Directive.noFileComp});
  });

  it('asks for contexts after --context and --from-context, with the kubeconfig already chosen', () => {
    expect(plan('diff', '--kubeconfig', '/k', '--context', 'al')).toEqual({kind: 'contexts', prefix: 'al', selection: {kubeconfig: '/k'}});
    expect(plan('diff', '--from-context', '')).toMatchObject({kind: 'contexts', prefix: ''});
  });

  it('keeps --context= in front of values completed in one word', () => {
    expect(plan('diff', '--context=b')).toMatchObject({kind: 'contexts', prefix: 'b', valuePrefix: '--context='});
  });

  it('asks for namespaces of the selected context after -n', () => {
    expect(plan('diff', '--context', 'beta', '-n', 'ku')).toEqual({
      kind: 'namespaces',
      prefix: 'ku',
      context: 'beta',
      selection: {context: 'beta'},
    });
  });

  it('completes flag options and choice arguments', () => {
    expect(plan('diff', '-o', 'j')).toEqual({kind: 'static', candidates: ['json'], directive: Directive.noFileComp});
    expect(plan('completion', 'z')).toEqual({kind: 'static', candidates: ['zsh'], directive: Directive.noFileComp});
  });

  it('asks for locations for SOURCE and TARGET, and object names after them', () => {
    expect(plan('diff', 'sta')).toMatchObject({kind: 'locations', word: 'sta'});
    expect(plan('diff', '--quiet', 'staging', 'pr')).toMatchObject({kind: 'locations', word: 'pr'});
    expect(plan('diff', 'alpha/staging', 'prod', 'configmap/a')).toMatchObject({
      kind: 'objects',
      word: 'configmap/a',
      context: 'alpha',
      namespace: 'staging',
    });
  });

  it('skips values of flags when counting arguments', () => {
    expect(plan('diff', '-n', 'x', '-o', 'json', 'a', '')).toMatchObject({kind: 'locations'});
  });

  it('completes topic commands typed with a space', () => {
    const topics = {commands: {fanout: {args: [], flags: []}, 'fanout:status': {args: [], flags: [{name: 'watch', boolean: true}]}}};
    expect(planCompletion(['f'], topics)).toMatchObject({candidates: ['fanout']});
    expect(planCompletion(['fanout', 'st'], topics)).toMatchObject({candidates: ['status']});
    expect(planCompletion(['fanout', 'status', '--w'], topics)).toMatchObject({candidates: ['--watch']});
  });

  it('completes every command, flag and value after kubectl global flags given before the command', () => {
    expect(plan('--context', 'alpha', 'di')).toEqual({kind: 'static', candidates: ['diff'], directive: Directive.noFileComp});
    expect(plan('--context', '')).toMatchObject({kind: 'contexts', prefix: ''});
    expect(plan('--kubeconfig=/k', '-n', 'ns', 'fanout', 'configmap/w')).toMatchObject({
      kind: 'objects',
      word: 'configmap/w',
      namespace: 'ns',
      selection: {kubeconfig: '/k', namespace: 'ns'},
    });
    expect(plan('--cont')).toMatchObject({candidates: ['--context']});
    expect(plan('--insecure-skip-tls-verify', 've')).toMatchObject({candidates: ['version']});
  });

  it("completes fanout's and fanout status's source as configmap/NAME or secret/NAME in -n's namespace", () => {
    expect(plan('fanout', '-n', 'team', '--context', 'beta', 'configmap/')).toEqual({
      kind: 'objects',
      word: 'configmap/',
      context: 'beta',
      namespace: 'team',
      selection: {context: 'beta', namespace: 'team'},
    });
    expect(plan('fanout', 'status', '-n', 'team', 'sec')).toMatchObject({kind: 'objects', word: 'sec', namespace: 'team'});
    expect(plan('restart', '-n', 'team', 'configmap/a', 'secret/')).toMatchObject({kind: 'objects', word: 'secret/', namespace: 'team'});
  });

  it('completes undo RUN_ID from the backups, not with locations', () => {
    expect(plan('undo', '')).toEqual({kind: 'runs', prefix: ''});
    expect(plan('undo', '--yes', '2026')).toEqual({kind: 'runs', prefix: '2026'});
  });

  it('completes --user and --cluster from the kubeconfig, and file flags with files', () => {
    expect(plan('diff', '--kubeconfig', '/k', '--user', 'v')).toEqual({
      kind: 'kubeconfig-entries',
      section: 'users',
      prefix: 'v',
      selection: {kubeconfig: '/k'},
    });
    expect(plan('sync', '--cluster=b')).toMatchObject({
      kind: 'kubeconfig-entries',
      section: 'clusters',
      prefix: 'b',
      valuePrefix: '--cluster=',
    });
    for (const flag of ['--kubeconfig', '--certificate-authority', '--rules', '--plan']) {
      expect(plan('sync', flag, '')).toEqual({kind: 'static', candidates: [], directive: 0});
    }
    expect(plan('fanout', '--exclude-namespace', 'k')).toMatchObject({kind: 'namespaces', prefix: 'k'});
  });

  it('offers a value for every flag that takes one from a known set, and never locations for a flag value', () => {
    for (const [id, command] of Object.entries(manifest.commands)) {
      for (const flag of command.flags.filter((f) => !f.boolean)) {
        const words = [...id.split(':'), `--${flag.name}`, ''];
        const result = planCompletion(words, manifest);
        expect(result.kind, `${id} --${flag.name}`).not.toBe('locations');
        if (flag.options) expect(result, `${id} --${flag.name}`).toMatchObject({kind: 'static', candidates: flag.options});
      }
    }
  });

  it('completes nothing after an unknown command', () => {
    expect(plan('nope', '')).toEqual({kind: 'static', candidates: [], directive: Directive.noFileComp});
  });
});

describe('candidates', () => {
  it('offers namespaces and contexts as locations, and CONTEXT/NAMESPACE after a slash', () => {
    expect(locationCandidates('', ['alpha', 'beta'], ['default', 'prod'])).toEqual(['alpha', 'beta', 'default', 'prod']);
    expect(locationCandidates('beta/p', ['alpha', 'beta'], ['default', 'prod'], 'beta')).toEqual(['beta/prod']);
  });

  it('offers kinds, then names of that kind', () => {
    const objects = [
      {kind: 'ConfigMap' as const, name: 'app'},
      {kind: 'Secret' as const, name: 'app-creds'},
      {kind: 'ConfigMap' as const, name: 'other'},
    ];
    expect(objectCandidates('', objects)).toEqual(['configmap/', 'secret/']);
    expect(objectCandidates('configmap/a', objects)).toEqual(['configmap/app']);
    expect(objectCandidates('secret/', objects)).toEqual(['secret/app-creds']);
  });

  it('renders Cobra’s format: one candidate a line, then the directive', () => {
    expect(renderCompletion(['a', 'b'], Directive.noFileComp)).toBe('a\nb\n:4\n');
  });
});

describe('readKubeconfig', () => {
  it('merges the KUBECONFIG chain: first file wins, as kubectl does', () => {
    const dir = mkdtempSync(join(tmpdir(), 'configsync-kc-'));
    writeFileSync(join(dir, 'a'), 'current-context: alpha\ncontexts:\n- name: alpha\n  context: {cluster: a, namespace: team}\n');
    writeFileSync(
      join(dir, 'b'),
      'current-context: beta\ncontexts:\n- name: beta\n  context: {cluster: b}\n- name: alpha\n  context: {cluster: x}\n',
    );
    const summary = readKubeconfig(undefined, {KUBECONFIG: `${join(dir, 'a')}:${join(dir, 'missing')}:${join(dir, 'b')}`});
    expect([...summary.contexts.keys()]).toEqual(['alpha', 'beta']);
    expect(summary.contexts.get('alpha')).toEqual({namespace: 'team'});
    expect(summary.currentContext).toBe('alpha');
  });

  it('lists users and clusters for --user and --cluster', () => {
    const dir = mkdtempSync(join(tmpdir(), 'configsync-kc-'));
    writeFileSync(join(dir, 'a'), 'clusters:\n- name: c1\n  cluster: {server: "https://x"}\nusers:\n- name: admin\n- name: viewer\n');
    const summary = readKubeconfig(join(dir, 'a'));
    expect([...summary.users]).toEqual(['admin', 'viewer']);
    expect([...summary.clusters]).toEqual(['c1']);
  });
});
