// Objects carrying the marks each owner's controller writes: diff, plans and JSON name the owner and what it
// means; writes to owners that revert or overwrite are refused (exit 2, nothing written) unless --force-owned;
// fanout copies none of their marks; --blame names the field manager that last set a key.
import {mkdtempSync, readFileSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {Ajv2020} from 'ajv/dist/2020.js';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {isOwnerMark} from '../../src/core/owners.js';
import {container, list, workload} from './restart-support.js';
import {apply, createNamespaces, kubectl, kubectlJson, repoRoot, runCli, testStateHome, uniqueName} from './support.js';
import {KEY, hasScript, runOnTerminal} from './terminal.js';

const readSchema = (name: string) => JSON.parse(readFileSync(join(repoRoot, 'schema', name), 'utf8'));
const ajv = new Ajv2020({allErrors: true, strictRequired: false, allowUnionTypes: true});
ajv.addSchema(readSchema('diff-report.schema.json'));
const validateDiff = ajv.getSchema('https://kubectl-configsync.dev/schema/diff-report.schema.json')!;
ajv.addSchema(readSchema('restart-report.schema.json'));
const validatePlan = ajv.compile(readSchema('sync-plan.schema.json'));

const cleanups: Array<() => Promise<void>> = [];
afterAll(async () => {
  for (const cleanup of cleanups) await cleanup();
});

/** The custom resources that own Secrets through ownerReferences, reduced to what the API server needs. */
const OWNING_KINDS = [
  {group: 'external-secrets.io', version: 'v1', kind: 'ExternalSecret', plural: 'externalsecrets'},
  {group: 'bitnami.com', version: 'v1alpha1', kind: 'SealedSecret', plural: 'sealedsecrets'},
  {group: 'secrets.hashicorp.com', version: 'v1beta1', kind: 'VaultStaticSecret', plural: 'vaultstaticsecrets'},
];

function crd(k: (typeof OWNING_KINDS)[number]): object {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: {name: `${k.plural}.${k.group}`},
    spec: {
      group: k.group,
      scope: 'Namespaced',
      names: {kind: k.kind, plural: k.plural, singular: k.kind.toLowerCase(), listKind: `${k.kind}List`},
      versions: [
        {
          name: k.version,
          served: true,
          storage: true,
          schema: {openAPIV3Schema: {type: 'object', 'x-kubernetes-preserve-unknown-fields': true}},
        },
      ],
    },
  };
}

interface Marks {
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: Array<{apiVersion: string; kind: string; name: string; uid: string; controller: boolean; blockOwnerDeletion: boolean}>;
}

function manifest(kind: 'ConfigMap' | 'Secret', namespace: string, name: string, logLevel: string, marks: Marks = {}): string {
  const metadata = {name, namespace, ...marks};
  return JSON.stringify(
    kind === 'ConfigMap'
      ? {apiVersion: 'v1', kind, metadata, data: {LOG_LEVEL: logLevel}}
      : {apiVersion: 'v1', kind, metadata, type: 'Opaque', stringData: {LOG_LEVEL: logLevel}},
  );
}

async function logLevel(kind: 'ConfigMap' | 'Secret', namespace: string, name: string): Promise<string> {
  const object = await kubectlJson(['--context', 'alpha', '-n', namespace, 'get', kind.toLowerCase(), name]);
  return kind === 'Secret' ? Buffer.from(object.data.LOG_LEVEL, 'base64').toString() : object.data.LOG_LEVEL;
}

/** One target per owner, with the marks its controller writes, and what the tool must say about it. */
interface Case {
  name: string;
  kind: 'ConfigMap' | 'Secret';
  marks: (namespace: string, uids: Record<string, string>) => Marks;
  tool: string;
  meaning: 'reverts' | 'prunes' | 'overwrites' | 'records';
}

const CASES: Case[] = [
  {
    name: 'argocd-app',
    kind: 'ConfigMap',
    marks: (ns) => ({annotations: {'argocd.argoproj.io/tracking-id': `guestbook:/ConfigMap:${ns}/argocd-app`}}),
    tool: 'argocd',
    meaning: 'reverts',
  },
  {
    name: 'argocd-label',
    kind: 'ConfigMap',
    marks: () => ({labels: {'app.kubernetes.io/instance': 'guestbook'}}),
    tool: 'argocd',
    meaning: 'prunes',
  },
  {
    name: 'flux-ks',
    kind: 'ConfigMap',
    marks: () => ({labels: {'kustomize.toolkit.fluxcd.io/name': 'apps', 'kustomize.toolkit.fluxcd.io/namespace': 'flux-system'}}),
    tool: 'flux-kustomize',
    meaning: 'reverts',
  },
  {
    name: 'flux-hr',
    kind: 'ConfigMap',
    marks: (ns) => ({
      labels: {'app.kubernetes.io/managed-by': 'Helm', 'helm.toolkit.fluxcd.io/name': 'web', 'helm.toolkit.fluxcd.io/namespace': ns},
      annotations: {'meta.helm.sh/release-name': 'web', 'meta.helm.sh/release-namespace': ns},
    }),
    tool: 'flux-helm',
    meaning: 'reverts',
  },
  {
    name: 'helm',
    kind: 'ConfigMap',
    marks: (ns) => ({
      labels: {'app.kubernetes.io/managed-by': 'Helm', 'app.kubernetes.io/instance': 'web'},
      annotations: {'meta.helm.sh/release-name': 'web', 'meta.helm.sh/release-namespace': ns},
    }),
    tool: 'helm',
    meaning: 'records',
  },
  {
    name: 'eso',
    kind: 'Secret',
    marks: (_ns, uids) => ({
      labels: {'reconcile.external-secrets.io/managed': 'true'},
      annotations: {'reconcile.external-secrets.io/data-hash': '0123456789abcdef'},
      ownerReferences: [
        {
          apiVersion: 'external-secrets.io/v1',
          kind: 'ExternalSecret',
          name: 'db',
          uid: uids.ExternalSecret,
          controller: true,
          blockOwnerDeletion: true,
        },
      ],
    }),
    tool: 'external-secrets',
    meaning: 'overwrites',
  },
  {
    name: 'sealed',
    kind: 'Secret',
    marks: (_ns, uids) => ({
      ownerReferences: [
        {
          apiVersion: 'bitnami.com/v1alpha1',
          kind: 'SealedSecret',
          name: 'db',
          uid: uids.SealedSecret,
          controller: true,
          blockOwnerDeletion: true,
        },
      ],
    }),
    tool: 'sealed-secrets',
    meaning: 'overwrites',
  },
  {
    name: 'vso',
    kind: 'Secret',
    marks: (_ns, uids) => ({
      labels: {
        'app.kubernetes.io/component': 'secret-sync',
        'app.kubernetes.io/managed-by': 'hashicorp-vso',
        'app.kubernetes.io/name': 'vault-secrets-operator',
        'secrets.hashicorp.com/vso-ownerRefUID': uids.VaultStaticSecret,
      },
      ownerReferences: [
        {
          apiVersion: 'secrets.hashicorp.com/v1beta1',
          kind: 'VaultStaticSecret',
          name: 'db',
          uid: uids.VaultStaticSecret,
          controller: true,
          blockOwnerDeletion: true,
        },
      ],
    }),
    tool: 'vault-secrets-operator',
    meaning: 'overwrites',
  },
  {
    name: 'cert',
    kind: 'Secret',
    marks: () => ({
      annotations: {
        'cert-manager.io/certificate-name': 'web-tls',
        'cert-manager.io/issuer-name': 'letsencrypt',
        'cert-manager.io/issuer-kind': 'ClusterIssuer',
      },
    }),
    tool: 'cert-manager',
    meaning: 'overwrites',
  },
  {
    name: 'kyverno',
    kind: 'ConfigMap',
    marks: (ns) => ({
      labels: {
        'app.kubernetes.io/managed-by': 'kyverno',
        'generate.kyverno.io/policy-name': 'add-config',
        'generate.kyverno.io/rule-name': 'gen',
        'generate.kyverno.io/trigger-kind': 'Namespace',
        'generate.kyverno.io/trigger-name': ns,
      },
    }),
    tool: 'kyverno',
    meaning: 'reverts',
  },
  {
    name: 'reflected',
    kind: 'ConfigMap',
    marks: () => ({
      annotations: {
        'reflector.v1.k8s.emberstack.com/reflects': 'shared/app',
        'reflector.v1.k8s.emberstack.com/reflected-version': '123',
        'reflector.v1.k8s.emberstack.com/reflected-at': '"2026-01-01T00:00:00.0000000+00:00"',
      },
    }),
    tool: 'reflector',
    meaning: 'overwrites',
  },
  {
    name: 'replicated',
    kind: 'ConfigMap',
    marks: () => ({
      annotations: {
        'replicator.v1.mittwald.de/replicated-at': '2026-01-01T00:00:00Z',
        'replicator.v1.mittwald.de/replicated-from-version': '42',
      },
    }),
    tool: 'replicator',
    meaning: 'overwrites',
  },
  {
    name: 'kubed',
    kind: 'ConfigMap',
    marks: () => ({
      labels: {
        'kubed.appscode.com/origin.name': 'app',
        'kubed.appscode.com/origin.namespace': 'shared',
        'kubed.appscode.com/origin.cluster': 'c1',
      },
    }),
    tool: 'kubed',
    meaning: 'overwrites',
  },
  {
    name: 'clustersecret',
    kind: 'Secret',
    marks: () => ({annotations: {'clustersecret.io/created-by': 'ClusterSecrets', 'clustersecret.io/version': 'v0.0.12'}}),
    tool: 'clustersecret',
    meaning: 'overwrites',
  },
];
const contested = CASES.filter((c) => c.meaning === 'reverts' || c.meaning === 'overwrites');
const ref = (c: Case) => `${c.kind === 'Secret' ? 'secret' : 'configmap'}/${c.name}`;

let src: string;
let dst: string;
let uids: Record<string, string>;

beforeAll(async () => {
  const prefix = uniqueName('owners');
  src = `${prefix}-src`;
  dst = `${prefix}-dst`;
  cleanups.push(await createNamespaces('alpha', src, dst));
  await apply('alpha', JSON.stringify({apiVersion: 'v1', kind: 'List', items: OWNING_KINDS.map(crd)}));
  await kubectl(['--context', 'alpha', 'wait', '--for=condition=Established', ...OWNING_KINDS.map((k) => `crd/${k.plural}.${k.group}`)]);
  uids = {};
  for (const k of OWNING_KINDS) {
    await apply(
      'alpha',
      JSON.stringify({apiVersion: `${k.group}/${k.version}`, kind: k.kind, metadata: {name: 'db', namespace: dst}, spec: {}}),
    );
    uids[k.kind] = (await kubectlJson(['--context', 'alpha', '-n', dst, 'get', `${k.plural}.${k.group}`, 'db'])).metadata.uid;
  }
  const items = [
    ...CASES.map((c) => JSON.parse(manifest(c.kind, src, c.name, 'debug'))),
    ...CASES.map((c) => JSON.parse(manifest(c.kind, dst, c.name, 'info', c.marks(dst, uids)))),
  ];
  await apply('alpha', JSON.stringify({apiVersion: 'v1', kind: 'List', items}));
}, 120_000);

describe('owners of targets', () => {
  it('diff --owners names the owner and what it means on each side, in the table and in JSON', async () => {
    const json = await runCli(['diff', `alpha/${src}`, `alpha/${dst}`, '--kind', 'configmaps,secrets', '--owners', '-o', 'json']);
    expect(json.code, json.stderr).toBe(1);
    const report = JSON.parse(json.stdout);
    expect(validateDiff(report), JSON.stringify(validateDiff.errors)).toBe(true);
    for (const c of CASES) {
      const object = report.objects.find((o: {kind: string; name: string}) => o.kind === c.kind && o.name === c.name);
      expect(object.source.owner, c.name).toBeNull();
      expect(object.target.owner, c.name).toMatchObject({tool: c.tool, meaning: c.meaning});
    }
    const table = await runCli(['diff', `alpha/${src}`, `alpha/${dst}`, '--kind', 'configmaps,secrets', '--owners']);
    expect(table.stdout).toContain(`owner: source - · target Argo CD application guestbook (reverts)`);
    expect(table.stdout).toContain(`target External Secrets Operator ExternalSecret ${dst}/db (overwrites)`);
  });

  it('the sync plan (--dry-run=client -o json) carries the owner and a warning with the way out', async () => {
    const result = await runCli([
      'sync',
      `alpha/${src}`,
      `alpha/${dst}`,
      '--kind',
      'configmaps,secrets',
      '--all',
      '--dry-run=client',
      '-o',
      'json',
    ]);
    expect(result.code, result.stderr).toBe(0);
    const plan = JSON.parse(result.stdout);
    expect(validatePlan(plan), JSON.stringify(validatePlan.errors)).toBe(true);
    for (const c of CASES) {
      const object = plan.objects.find((o: {kind: string; name: string}) => o.kind === c.kind && o.name === c.name);
      expect(object.owner, c.name).toMatchObject({tool: c.tool, meaning: c.meaning});
      if (c.meaning === 'records') expect(object.ownerWarning).toBeUndefined();
      else expect(object.ownerWarning, c.name).toBeTruthy();
    }
    const argo = plan.objects.find((o: {name: string}) => o.name === 'argocd-app');
    expect(argo.ownerWarning).toContain(
      `- kind: ConfigMap\n      name: argocd-app\n      namespace: ${dst}\n      managedFieldsManagers:\n      - kubectl-configsync`,
    );
    const fluxHelm = plan.objects.find((o: {name: string}) => o.name === 'flux-hr');
    expect(fluxHelm.ownerWarning).toContain('- paths: ["/data/LOG_LEVEL"]');
    const table = await runCli([
      'sync',
      `alpha/${src}`,
      `alpha/${dst}`,
      'argocd-app',
      '--all',
      '--dry-run=client',
      '--field-manager',
      'ops-team',
    ]);
    expect(table.stdout).toMatch(/configmap\/argocd-app\s+~ update\s+1 change\s+owner: Argo CD application guestbook \(reverts\)/);
    expect(table.stdout).toContain('warning: configmap/argocd-app is owned by Argo CD application guestbook');
    expect(table.stdout).toContain('- ops-team');
  });

  it('sync refuses every target an owner reverts or overwrites: exit 2, one line each, nothing written (also a server dry run)', async () => {
    for (const dryRun of ['none', 'server']) {
      const result = await runCli([
        'sync',
        `alpha/${src}`,
        `alpha/${dst}`,
        '--kind',
        'configmaps,secrets',
        '--all',
        '--yes',
        `--dry-run=${dryRun}`,
      ]);
      expect(result.code, result.stderr).toBe(2);
      const lines = result.stderr.split('\n').filter((l) => l.startsWith('error: refusing to write'));
      expect(lines.map((l) => /refusing to write (\S+)/.exec(l)?.[1]).sort()).toEqual(contested.map(ref).sort());
      for (const line of lines) expect(line).toMatch(/pass --force-owned to write it anyway; nothing was written$/);
    }
    // A saved plan names the owners it was made with; applying it meets the same rule.
    const planFile = join(mkdtempSync(join(tmpdir(), 'owners-plan-')), 'plan.json');
    const saved = await runCli(['sync', `alpha/${src}`, `alpha/${dst}`, 'argocd-app', 'helm', '--all', '--dry-run=client', '-o', 'json']);
    writeFileSync(planFile, saved.stdout);
    const fromPlan = await runCli(['sync', '--plan', planFile, '--yes']);
    expect(fromPlan.code, fromPlan.stderr).toBe(2);
    expect(fromPlan.stderr).toContain(
      `error: refusing to write configmap/argocd-app in alpha/${dst}: owned by Argo CD application guestbook`,
    );
    expect(fromPlan.stderr).not.toContain('refusing to write configmap/helm');
    for (const c of CASES) expect(await logLevel(c.kind, dst, c.name), c.name).toBe('info');
  });

  it('sync writes them with --force-owned, and undo restores them only with --force-owned', async () => {
    const names = ['argocd-app', 'eso'];
    const result = await runCli([
      'sync',
      `alpha/${src}`,
      `alpha/${dst}`,
      '--kind',
      'configmaps,secrets',
      ...names,
      '--all',
      '--yes',
      '--force-owned',
    ]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/configmap\/argocd-app\s+update\s+Argo CD application guestbook \(reverts\)\s+written/);
    expect(await logLevel('ConfigMap', dst, 'argocd-app')).toBe('debug');
    expect(await logLevel('Secret', dst, 'eso')).toBe('debug');
    const runId = /undo with: kubectl configsync undo (\S+)/.exec(result.stderr)?.[1];
    expect(runId).toBeTruthy();

    const refused = await runCli(['undo', runId!, '--yes']);
    expect(refused.code, refused.stderr).toBe(2);
    expect(refused.stderr).toContain(
      `error: refusing to write configmap/argocd-app in alpha/${dst}: owned by Argo CD application guestbook`,
    );
    expect(await logLevel('ConfigMap', dst, 'argocd-app')).toBe('debug');

    const undone = await runCli(['undo', runId!, '--yes', '--force-owned']);
    expect(undone.code, undone.stderr).toBe(0);
    expect(await logLevel('ConfigMap', dst, 'argocd-app')).toBe('info');
    expect(await logLevel('Secret', dst, 'eso')).toBe('info');
  });
});

describe('fanout and owners', () => {
  it('never copies an owner’s tracking labels or annotations onto copies', async () => {
    const [from, to] = [uniqueName('owners-fan-src'), uniqueName('owners-fan-dst')];
    cleanups.push(await createNamespaces('alpha', from, to));
    const all = CASES.map((c) => c.marks(from, uids));
    const labels = Object.assign({team: 'web'}, ...all.map((m) => m.labels ?? {}));
    const annotations = Object.assign({note: 'kept'}, ...all.map((m) => m.annotations ?? {}));
    await apply(
      'alpha',
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: {name: 'marked', namespace: from, labels, annotations},
        data: {A: '1'},
      }),
    );
    const result = await runCli(['fanout', 'configmap/marked', '-n', from, '--to-namespace', to, '--yes']);
    expect(result.code, result.stderr).toBe(0);
    const copy = await kubectlJson(['--context', 'alpha', '-n', to, 'get', 'configmap', 'marked']);
    const keys = [...Object.keys(copy.metadata.labels ?? {}), ...Object.keys(copy.metadata.annotations ?? {})];
    expect(keys.filter(isOwnerMark)).toEqual([]);
    expect(keys).not.toContain('app.kubernetes.io/instance');
    expect(copy.metadata.labels.team).toBe('web');
    expect(copy.metadata.annotations.note).toBe('kept');
  });

  it('refuses to overwrite an owned object (exit 2, nothing written) and writes it with --force-owned', async () => {
    const [from, to] = [uniqueName('owners-fan-src'), uniqueName('owners-fan-dst')];
    cleanups.push(await createNamespaces('alpha', from, to));
    await apply('alpha', manifest('ConfigMap', from, 'app', 'debug'));
    await apply(
      'alpha',
      manifest('ConfigMap', to, 'app', 'info', {annotations: {'argocd.argoproj.io/tracking-id': `guestbook:/ConfigMap:${to}/app`}}),
    );
    const args = ['fanout', 'configmap/app', '-n', from, '--to-namespace', to, '--on-conflict', 'overwrite', '--yes'];
    const plan = await runCli([...args, '--dry-run=client', '-o', 'json']);
    expect(plan.code, plan.stderr).toBe(0);
    expect(JSON.parse(plan.stdout).entries[0]).toMatchObject({owner: {tool: 'argocd', meaning: 'reverts'}});
    const table = await runCli([...args, '--dry-run=client']);
    expect(table.stdout).toMatch(/OWNER/);
    expect(table.stdout).toContain('Argo CD application guestbook (reverts)');
    const refused = await runCli(args);
    expect(refused.code, refused.stderr).toBe(2);
    expect(refused.stderr).toContain(`error: refusing to write configmap/app in alpha/${to}: owned by Argo CD application guestbook`);
    expect(await logLevel('ConfigMap', to, 'app')).toBe('info');
    const forced = await runCli([...args, '--force-owned']);
    expect(forced.code, forced.stderr).toBe(0);
    expect(await logLevel('ConfigMap', to, 'app')).toBe('debug');
  });
});

describe('diff --blame', () => {
  it('names the field manager and time that last set each differing key on each side', async () => {
    const [a, b] = [uniqueName('blame-a'), uniqueName('blame-b')];
    cleanups.push(await createNamespaces('alpha', a, b));
    await apply('alpha', manifest('ConfigMap', a, 'app', 'debug'));
    await kubectl(
      ['--context', 'alpha', 'apply', '--server-side', '--field-manager=deployer', '-f', '-'],
      manifest('ConfigMap', b, 'app', 'info'),
    );
    const before = new Date(Date.now() - 2000).toISOString();
    await kubectl([
      '--context',
      'alpha',
      '-n',
      b,
      'patch',
      'configmap',
      'app',
      '--field-manager=oncall-alice',
      '--type=merge',
      '-p',
      '{"data":{"LOG_LEVEL":"warn"}}',
    ]);
    const json = await runCli(['diff', `alpha/${a}`, `alpha/${b}`, '--blame', '-o', 'json']);
    expect(json.code, json.stderr).toBe(1);
    expect(validateDiff(JSON.parse(json.stdout)), JSON.stringify(validateDiff.errors)).toBe(true);
    const key = JSON.parse(json.stdout).objects[0].keys.find((k: {key: string}) => k.key === 'LOG_LEVEL');
    expect(key.blame.target).toMatchObject({manager: 'oncall-alice', operation: 'Update'});
    expect(key.blame.target.time >= before.replace(/\.\d{3}Z$/, 'Z')).toBe(true);
    expect(key.blame.source.manager).toBe('kubectl-client-side-apply');
    const table = await runCli(['diff', `alpha/${a}`, `alpha/${b}`, '--blame']);
    expect(table.stdout).toMatch(/SET IN TARGET BY\s+SET IN SOURCE BY/);
    expect(table.stdout).toMatch(
      /~ LOG_LEVEL\s+different\s+warn\s+debug\s+oncall-alice \d{4}-\d\d-\d\dT\S+\s+kubectl-client-side-apply \S+/,
    );
  });
});

describe('restart and owners', () => {
  it('names the owner of each workload in the plan and JSON', async () => {
    const ns = uniqueName('owners-restart');
    cleanups.push(await createNamespaces('alpha', ns));
    await apply('alpha', manifest('ConfigMap', ns, 'app', 'info'));
    const deployment = workload('Deployment', ns, 'web', {containers: [container('web', {envFrom: [{configMapRef: {name: 'app'}}]})]});
    (deployment.metadata as Record<string, unknown>).annotations = {
      'argocd.argoproj.io/tracking-id': `guestbook:apps/Deployment:${ns}/web`,
    };
    await apply('alpha', list([deployment]));
    const json = await runCli(['restart', 'configmap/app', '--context', 'alpha', '-n', ns, '--dry-run=client', '-o', 'json']);
    expect(json.code, json.stderr).toBe(0);
    expect(JSON.parse(json.stdout).workloads[0]).toMatchObject({
      name: 'web',
      owner: {tool: 'argocd', instance: 'guestbook', meaning: 'reverts'},
    });
    const table = await runCli(['restart', 'configmap/app', '--context', 'alpha', '-n', ns, '--dry-run=client']);
    expect(table.stdout).toMatch(/deployment\/web\s+Argo CD application guestbook \(reverts\)\s+would restart/);
  });
});

describe.skipIf(!hasScript)('on a terminal', () => {
  it('the confirmation names the owner: no writes nothing (exit 5), yes writes it', async () => {
    const [from, to] = [uniqueName('owners-tty-src'), uniqueName('owners-tty-dst')];
    cleanups.push(await createNamespaces('alpha', from, to));
    await apply('alpha', manifest('ConfigMap', from, 'app', 'debug'));
    await apply(
      'alpha',
      manifest('ConfigMap', to, 'app', 'info', {
        labels: {'kustomize.toolkit.fluxcd.io/name': 'apps', 'kustomize.toolkit.fluxcd.io/namespace': 'flux-system'},
      }),
    );
    const args = ['sync', `alpha/${from}`, `alpha/${to}`, 'app', '--all'];
    const question = /owned by Flux Kustomization flux-system\/apps \(reverts\)[\s\S]*write anyway\?/;
    const declined = await runOnTerminal(args, [{waitFor: question, keys: ['n', KEY.enter]}], {XDG_STATE_HOME: testStateHome});
    expect(declined.code, declined.screen).toBe(5);
    expect(await logLevel('ConfigMap', to, 'app')).toBe('info');
    const accepted = await runOnTerminal(args, [{waitFor: question, keys: ['y', KEY.enter]}], {XDG_STATE_HOME: testStateHome});
    expect(accepted.code, accepted.screen).toBe(0);
    expect(await logLevel('ConfigMap', to, 'app')).toBe('debug');
  });
});
