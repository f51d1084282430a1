import type {ConfigObject, OwnerReference} from './types.js';

/**
 * What another owner does to a change written by this tool:
 * - reverts: it undoes the change within its sync interval (GitOps drift correction, policy sync);
 * - prunes: it deletes objects carrying its mark that its source does not have;
 * - overwrites: it writes the object again from an external store or another object;
 * - records: it marks the object (release, source of copies) but does not undo a change by itself.
 */
export type OwnerMeaning = 'reverts' | 'prunes' | 'overwrites' | 'records';

export type OwnerTool =
  | 'argocd'
  | 'flux-kustomize'
  | 'flux-helm'
  | 'helm'
  | 'external-secrets'
  | 'sealed-secrets'
  | 'vault-secrets-operator'
  | 'cert-manager'
  | 'kyverno'
  | 'kubed'
  | 'reflector'
  | 'replicator'
  | 'clustersecret';

/** Who else owns an object, as read from its metadata alone. */
export interface Owner {
  tool: OwnerTool;
  /** The tool's name as users know it. */
  name: string;
  /** Which of the tool's objects owns it: an application, a Kustomization, a release, an ExternalSecret, a source object. */
  instance?: string;
  meaning: OwnerMeaning;
  /** The labels, annotations or ownerReferences that identified it ("annotation argocd.argoproj.io/tracking-id"). */
  markers: string[];
}

/** What detection reads: any object's kind, name and metadata (ConfigMaps and Secrets, also workloads). */
type Metadata = Pick<ConfigObject, 'name' | 'namespace' | 'labels' | 'annotations' | 'ownerReferences'> & {kind: string};

interface OwnerRule {
  tool: OwnerTool;
  name: string;
  /** Label and annotation prefixes (or exact keys) that are this tool's tracking marks: never copied onto copies. */
  markers: string[];
  detect(object: Metadata): Omit<Owner, 'tool' | 'name'> | undefined;
}

const ARGOCD_TRACKING_ID = 'argocd.argoproj.io/tracking-id';
const INSTANCE_LABEL = 'app.kubernetes.io/instance';
const MANAGED_BY = 'app.kubernetes.io/managed-by';

/**
 * The one table of owners, in the order they are tried: the first rule that matches names the
 * owner. A controller's own marks come before the generic ones (a Helm chart deployed by Flux is
 * Flux's; Argo CD's instance label is only read when nothing more specific matched).
 */
export const OWNER_RULES: readonly OwnerRule[] = [
  {
    // fluxcd/helm-controller docs/spec/v2/helmreleases.md ("Drift detection"; objects of a release are labelled
    // helm.toolkit.fluxcd.io/name and helm.toolkit.fluxcd.io/namespace by the post-renderer, internal/postrender/origin_labels.go).
    tool: 'flux-helm',
    name: 'Flux HelmRelease',
    markers: ['helm.toolkit.fluxcd.io/'],
    detect: (o) => namespacedLabels(o, 'helm.toolkit.fluxcd.io/name', 'helm.toolkit.fluxcd.io/namespace', 'reverts'),
  },
  {
    // fluxcd/kustomize-controller docs/spec/v1/kustomizations.md ("Garbage collection", "Controlling the apply
    // behavior of resources"): kustomize.toolkit.fluxcd.io/name and /namespace labels on every applied object.
    tool: 'flux-kustomize',
    name: 'Flux Kustomization',
    markers: ['kustomize.toolkit.fluxcd.io/'],
    detect: (o) => namespacedLabels(o, 'kustomize.toolkit.fluxcd.io/name', 'kustomize.toolkit.fluxcd.io/namespace', 'reverts'),
  },
  {
    // argoproj/argo-cd docs/user-guide/resource_tracking.md: annotation tracking (the default since Argo CD 3)
    // writes argocd.argoproj.io/tracking-id = <app>:<group>/<kind>:<namespace>/<name>; util/argo/resource_tracking.go
    // only claims an object whose tracking id names that object, so a copied annotation claims nothing.
    tool: 'argocd',
    name: 'Argo CD',
    markers: ['argocd.argoproj.io/'],
    detect: (o) => {
      const id = o.annotations[ARGOCD_TRACKING_ID];
      if (id === undefined) return undefined;
      const parsed = parseTrackingId(id);
      const marker = `annotation ${ARGOCD_TRACKING_ID}`;
      if (!parsed) return {instance: id, meaning: 'records', markers: [`${marker} (unreadable)`]};
      if (parsed.kind !== o.kind || parsed.name !== o.name || (parsed.namespace !== '' && parsed.namespace !== o.namespace))
        return {
          instance: parsed.app,
          meaning: 'records',
          markers: [`${marker} (copied from ${parsed.namespace}/${parsed.name}: not tracked)`],
        };
      return {instance: parsed.app, meaning: 'reverts', markers: [marker]};
    },
  },
  {
    // kyverno/kyverno pkg/background/common/constants.go: generate.kyverno.io/policy-name, rule-name,
    // trigger-* labels on generated objects; with synchronize: true Kyverno writes them back on change.
    tool: 'kyverno',
    name: 'Kyverno generate',
    markers: ['generate.kyverno.io/', 'policy.kyverno.io/'],
    detect: (o) => {
      const policy = o.labels['generate.kyverno.io/policy-name'];
      if (policy === undefined) return undefined;
      const rule = o.labels['generate.kyverno.io/rule-name'];
      return {instance: rule ? `${policy}/${rule}` : policy, meaning: 'reverts', markers: ['label generate.kyverno.io/policy-name']};
    },
  },
  {
    // external-secrets/external-secrets docs/guides/ownership-deletion-policy.md (creationPolicy Owner sets a controller
    // ownerReference to the ExternalSecret) and apis/externalsecrets/v1beta1/externalsecret_types.go
    // (LabelManaged reconcile.external-secrets.io/managed, AnnotationDataHash reconcile.external-secrets.io/data-hash).
    tool: 'external-secrets',
    name: 'External Secrets Operator',
    markers: ['reconcile.external-secrets.io/', 'externalsecrets.external-secrets.io/'],
    detect: (o) => {
      const ref = ownerOf(o, 'external-secrets.io/', ['ExternalSecret', 'PushSecret']);
      if (ref)
        return {instance: `ExternalSecret ${o.namespace}/${ref.name}`, meaning: 'overwrites', markers: [`ownerReference ${ref.kind}`]};
      const mark = ['reconcile.external-secrets.io/managed', 'reconcile.external-secrets.io/created-by'].find((k) => k in o.labels);
      if (mark) return {meaning: 'overwrites', markers: [`label ${mark}`]};
      if ('reconcile.external-secrets.io/data-hash' in o.annotations)
        return {meaning: 'overwrites', markers: ['annotation reconcile.external-secrets.io/data-hash']};
      return undefined;
    },
  },
  {
    // bitnami-labs/sealed-secrets pkg/controller/controller.go (the Secret gets a controller ownerReference to its
    // SealedSecret, bitnami.com/v1alpha1) and README.md "Managing existing secrets" (sealedsecrets.bitnami.com/managed: "true").
    tool: 'sealed-secrets',
    name: 'Sealed Secrets',
    markers: ['sealedsecrets.bitnami.com/'],
    detect: (o) => {
      const ref = ownerOf(o, 'bitnami.com/', ['SealedSecret']);
      if (ref)
        return {instance: `SealedSecret ${o.namespace}/${ref.name}`, meaning: 'overwrites', markers: ['ownerReference SealedSecret']};
      if (o.annotations['sealedsecrets.bitnami.com/managed'] === 'true')
        return {
          instance: `SealedSecret ${o.namespace}/${o.name}`,
          meaning: 'overwrites',
          markers: ['annotation sealedsecrets.bitnami.com/managed'],
        };
      return undefined;
    },
  },
  {
    // hashicorp/vault-secrets-operator internal/helpers/secrets.go: OwnerLabels app.kubernetes.io/managed-by=hashicorp-vso,
    // app.kubernetes.io/component=secret-sync, plus secrets.hashicorp.com/vso-ownerRefUID and an ownerReference to the
    // VaultStaticSecret / VaultDynamicSecret / VaultPKISecret / HCPVaultSecretsApp.
    tool: 'vault-secrets-operator',
    name: 'Vault Secrets Operator',
    markers: ['secrets.hashicorp.com/'],
    detect: (o) => {
      const ref = ownerOf(o, 'secrets.hashicorp.com/', ['VaultStaticSecret', 'VaultDynamicSecret', 'VaultPKISecret', 'HCPVaultSecretsApp']);
      if (ref) return {instance: `${ref.kind} ${o.namespace}/${ref.name}`, meaning: 'overwrites', markers: [`ownerReference ${ref.kind}`]};
      if (o.labels[MANAGED_BY] === 'hashicorp-vso' && o.labels['app.kubernetes.io/component'] === 'secret-sync')
        return {meaning: 'overwrites', markers: [`label ${MANAGED_BY}=hashicorp-vso`]};
      return undefined;
    },
  },
  {
    // cert-manager/cert-manager pkg/apis/certmanager/v1/types.go: CertificateNameKey cert-manager.io/certificate-name
    // (with cert-manager.io/issuer-name, issuer-kind) on the Secret a Certificate writes; a changed key pair is reissued.
    tool: 'cert-manager',
    name: 'cert-manager',
    markers: ['cert-manager.io/'],
    detect: (o) => {
      const certificate = o.annotations['cert-manager.io/certificate-name'];
      if (certificate === undefined) return undefined;
      return {
        instance: `Certificate ${o.namespace}/${certificate}`,
        meaning: 'overwrites',
        markers: ['annotation cert-manager.io/certificate-name'],
      };
    },
  },
  {
    // emberstack/kubernetes-reflector README.md: a mirror carries reflector.v1.k8s.emberstack.com/reflects (and
    // reflected-version, reflected-at, auto-reflects when created automatically); the source carries reflection-allowed.
    tool: 'reflector',
    name: 'Reflector',
    markers: ['reflector.v1.k8s.emberstack.com/'],
    detect: (o) => {
      const source = o.annotations['reflector.v1.k8s.emberstack.com/reflects'];
      if (source !== undefined)
        return {instance: source, meaning: 'overwrites', markers: ['annotation reflector.v1.k8s.emberstack.com/reflects']};
      const allowed = Object.keys(o.annotations).find((k) => k.startsWith('reflector.v1.k8s.emberstack.com/reflection-'));
      if (allowed)
        return {instance: `${o.namespace}/${o.name}`, meaning: 'records', markers: [`annotation ${allowed} (a source of mirrors)`]};
      return undefined;
    },
  },
  {
    // mittwald/kubernetes-replicator replicate/common/strings.go: replicate-from (pull), replicated-from-version and
    // replicated-at on copies; replicate-to and replication-allowed on sources.
    tool: 'replicator',
    name: 'Replicator',
    markers: ['replicator.v1.mittwald.de/'],
    detect: (o) => {
      const from = o.annotations['replicator.v1.mittwald.de/replicate-from'];
      if (from !== undefined)
        return {instance: from, meaning: 'overwrites', markers: ['annotation replicator.v1.mittwald.de/replicate-from']};
      if ('replicator.v1.mittwald.de/replicated-from-version' in o.annotations)
        return {meaning: 'overwrites', markers: ['annotation replicator.v1.mittwald.de/replicated-from-version']};
      const source = ['replicator.v1.mittwald.de/replicate-to', 'replicator.v1.mittwald.de/replication-allowed'].find(
        (k) => k in o.annotations,
      );
      if (source) return {instance: `${o.namespace}/${o.name}`, meaning: 'records', markers: [`annotation ${source} (a source of copies)`]};
      return undefined;
    },
  },
  {
    // appscode kubed (kubeops/config-syncer) docs/guides/config-syncer: copies are labelled kubed.appscode.com/origin.name,
    // origin.namespace, origin.cluster; the source is annotated kubed.appscode.com/sync.
    tool: 'kubed',
    name: 'Kubed',
    markers: ['kubed.appscode.com/'],
    detect: (o) => {
      const name = o.labels['kubed.appscode.com/origin.name'];
      if (name !== undefined) {
        const namespace = o.labels['kubed.appscode.com/origin.namespace'];
        return {
          instance: namespace ? `${namespace}/${name}` : name,
          meaning: 'overwrites',
          markers: ['label kubed.appscode.com/origin.name'],
        };
      }
      if ('kubed.appscode.com/sync' in o.annotations)
        return {
          instance: `${o.namespace}/${o.name}`,
          meaning: 'records',
          markers: ['annotation kubed.appscode.com/sync (a source of copies)'],
        };
      return undefined;
    },
  },
  {
    // zakkg3/ClusterSecret src/consts.py: CREATE_BY_ANNOTATION clustersecret.io/created-by (with last-sync, version)
    // on every copy it writes; the ClusterSecret's data is written over the copy at each sync.
    tool: 'clustersecret',
    name: 'ClusterSecret',
    markers: ['clustersecret.io/'],
    detect: (o) => {
      const by = o.annotations['clustersecret.io/created-by'];
      if (by === undefined) return undefined;
      return {
        instance: by === 'ClusterSecrets' || by === '' ? undefined : by,
        meaning: 'overwrites',
        markers: ['annotation clustersecret.io/created-by'],
      };
    },
  },
  {
    // helm/helm pkg/action/validate.go: app.kubernetes.io/managed-by=Helm with meta.helm.sh/release-name and
    // release-namespace; Helm writes only on install/upgrade/rollback, so a change lasts until the next one.
    tool: 'helm',
    name: 'Helm',
    markers: ['meta.helm.sh/', 'helm.sh/'],
    detect: (o) => {
      if (o.labels[MANAGED_BY] !== 'Helm') return undefined;
      const release = o.annotations['meta.helm.sh/release-name'];
      const namespace = o.annotations['meta.helm.sh/release-namespace'];
      return {
        ...(release ? {instance: namespace ? `${namespace}/${release}` : release} : {}),
        meaning: 'records',
        markers: [`label ${MANAGED_BY}=Helm`, ...(release ? ['annotation meta.helm.sh/release-name'] : [])],
      };
    },
  },
  {
    // argoproj/argo-cd docs/user-guide/resource_tracking.md: under label tracking (the default before Argo CD 3)
    // app.kubernetes.io/instance = <app>; objects with it that the app's source lacks are pruned.
    tool: 'argocd',
    name: 'Argo CD',
    markers: [],
    detect: (o) => {
      const app = o.labels[INSTANCE_LABEL];
      if (app === undefined || o.labels[MANAGED_BY] !== undefined) return undefined;
      return {instance: app, meaning: 'prunes', markers: [`label ${INSTANCE_LABEL} (label tracking)`]};
    },
  },
];

/** The owner of an object other than this tool, or undefined. Reads metadata only. */
export function detectOwner(object: Metadata): Owner | undefined {
  for (const rule of OWNER_RULES) {
    const found = rule.detect(object);
    if (found) return {tool: rule.tool, name: rule.name, ...found};
  }
  return undefined;
}

/** Whether a write to an object with this owner is undone by it: such writes need --force-owned. */
export function isContested(owner: Owner | undefined): owner is Owner {
  return owner?.meaning === 'reverts' || owner?.meaning === 'overwrites';
}

/** "Argo CD guestbook (reverts)": the OWNER column. */
export function describeOwner(owner: Owner | undefined): string {
  if (!owner) return '-';
  return `${ownerLabel(owner)} (${owner.meaning})`;
}

/** Prefixes of every owner's tracking labels and annotations: copies never carry them. */
export const OWNER_MARK_PREFIXES: readonly string[] = [...new Set(OWNER_RULES.flatMap((r) => r.markers))];

export function isOwnerMark(key: string): boolean {
  return key === ARGOCD_TRACKING_ID || OWNER_MARK_PREFIXES.some((p) => key.startsWith(p));
}

export interface OwnedTarget {
  /** "configmap/app in alpha/prod" */
  where: string;
  owner: Owner;
}

/**
 * --force-owned (true), or the owners a command takes over by design (fanout --from-annotations
 * replaces Kubed): writes to those are not refused.
 */
export type ForceOwned = boolean | readonly OwnerTool[];

/** One line per target a write would be undone on; empty when --force-owned or none is owned. */
export function ownedRefusals(targets: OwnedTarget[], forceOwned: ForceOwned): string[] {
  if (forceOwned === true) return [];
  const superseded = forceOwned === false ? [] : forceOwned;
  return targets
    .filter((t) => isContested(t.owner) && !superseded.includes(t.owner.tool))
    .map(
      (t) =>
        `refusing to write ${t.where}: owned by ${ownerLabel(t.owner)}, which ${t.owner.meaning === 'reverts' ? 'reverts' : 'overwrites'} changes (${t.owner.markers.join(', ')}); pass --force-owned to write it anyway; nothing was written`,
    );
}

/** The owner of a target and, when it would undo a write, the warning with the way out. */
export function ownerFields(
  target: ConfigObject,
  keys: string[],
  fieldManager = 'kubectl-configsync',
): {owner?: Owner; ownerWarning?: string} {
  const owner = detectOwner(target);
  if (!owner) return {};
  const warning = ownerWarning(owner, target, keys, fieldManager);
  return {owner, ...(warning ? {ownerWarning: warning} : {})};
}

/** For an owner that reverts, prunes or overwrites: what it will do to a write, and the way out. */
export function ownerWarning(
  owner: Owner,
  target: Pick<ConfigObject, 'kind' | 'name' | 'namespace'>,
  keys: string[],
  fieldManager: string,
): string | undefined {
  if (owner.meaning === 'records') return undefined;
  const what =
    owner.meaning === 'reverts'
      ? 'reverts a change within its sync interval'
      : owner.meaning === 'overwrites'
        ? 'overwrites it from its own source'
        : 'deletes it when its source does not have it';
  return `${target.kind === 'Secret' ? 'secret' : 'configmap'}/${target.name} is owned by ${ownerLabel(owner)}, which ${what}: ${ownerWayOut(owner, target, keys, fieldManager)}`;
}

/** "Argo CD application guestbook", "Flux Kustomization flux-system/apps". */
export function ownerLabel(owner: Owner): string {
  const noun = owner.tool === 'argocd' ? ' application' : '';
  return `${owner.name}${noun}${owner.instance ? ` ${owner.instance}` : ''}`;
}

/**
 * How to keep a change the owner would undo: the place to change instead when it can be told from
 * the metadata, or the snippet that makes the owner leave the changed keys alone.
 */
export function ownerWayOut(
  owner: Owner,
  target: Pick<ConfigObject, 'kind' | 'name' | 'namespace'>,
  keys: string[],
  fieldManager: string,
): string {
  const where = `${target.kind} ${target.namespace}/${target.name}`;
  switch (owner.tool) {
    case 'argocd':
      return [
        `change it in the Git source of ${ownerLabel(owner)}, or keep this tool's fields with, in that Application:`,
        '  spec:',
        '    ignoreDifferences:',
        `    - kind: ${target.kind}`,
        `      name: ${target.name}`,
        `      namespace: ${target.namespace}`,
        '      managedFieldsManagers:',
        `      - ${fieldManager}`,
        '    syncPolicy:',
        '      syncOptions:',
        '      - RespectIgnoreDifferences=true',
      ].join('\n');
    case 'flux-kustomize':
      return [
        `change it in the source of Flux Kustomization ${owner.instance ?? ''}, or let Flux leave ${where} alone once it exists, with this annotation on it in Git:`.replace(
          '  ',
          ' ',
        ),
        '  metadata:',
        '    annotations:',
        '      kustomize.toolkit.fluxcd.io/ssa: IfNotPresent',
      ].join('\n');
    case 'flux-helm':
      return [
        `change the values of ${ownerLabel(owner)}, or keep these keys with, in that HelmRelease:`,
        '  spec:',
        '    driftDetection:',
        '      mode: enabled',
        '      ignore:',
        `      - paths: [${(keys.length > 0 ? keys : ['*']).map((k) => JSON.stringify(`/data/${escapePointer(k)}`)).join(', ')}]`,
        '        target:',
        `          kind: ${target.kind}`,
        `          name: ${target.name}`,
        `          namespace: ${target.namespace}`,
      ].join('\n');
    case 'kyverno':
      return `change the generate rule${owner.instance ? ` ${owner.instance}` : ''} of the Kyverno policy (its data or clone source), or set synchronize: false on it`;
    case 'external-secrets':
      return `change the value in the external store that ${owner.instance ?? 'the ExternalSecret'} reads; it is written over ${where} at each refresh`;
    case 'sealed-secrets':
      return `seal the new value with kubeseal and commit ${owner.instance ?? 'the SealedSecret'}; the controller writes it over ${where}`;
    case 'vault-secrets-operator':
      return `change the secret in Vault that ${owner.instance ?? 'the Vault Secrets Operator resource'} syncs; it is written over ${where}`;
    case 'cert-manager':
      return `change ${owner.instance ?? 'the Certificate'} instead; cert-manager reissues ${where} when its key pair does not match`;
    case 'reflector':
    case 'replicator':
    case 'kubed':
      return owner.meaning === 'records'
        ? `${where} is a source of ${owner.name} copies: a change here spreads to them`
        : `change the source ${owner.instance ?? '(see its annotations)'} instead; ${owner.name} copies it over ${where}`;
    case 'clustersecret':
      return `change the ClusterSecret${owner.instance ? ` ${owner.instance}` : ''} instead; it is copied over ${where}`;
    case 'helm':
      return `change the values of Helm release ${owner.instance ?? ''}; the next helm upgrade writes the chart's values over ${where}`.replace(
        '  ',
        ' ',
      );
  }
}

function namespacedLabels(o: Metadata, nameLabel: string, namespaceLabel: string, meaning: OwnerMeaning) {
  const name = o.labels[nameLabel];
  if (name === undefined) return undefined;
  const namespace = o.labels[namespaceLabel];
  return {instance: namespace ? `${namespace}/${name}` : name, meaning, markers: [`label ${nameLabel}`]};
}

function ownerOf(o: Metadata, apiGroupPrefix: string, kinds: string[]): OwnerReference | undefined {
  return o.ownerReferences?.find((r) => r.apiVersion.startsWith(apiGroupPrefix) && kinds.includes(r.kind));
}

/** <app>:<group>/<kind>:<namespace>/<name>, where <app> may be <app-namespace>_<app>. */
function parseTrackingId(id: string): {app: string; kind: string; namespace: string; name: string} | undefined {
  const match = /^([^:]+):([^/]*)\/([^:]+):([^/]*)\/(.+)$/.exec(id);
  if (!match) return undefined;
  return {app: match[1], kind: match[3], namespace: match[4], name: match[5]};
}

function escapePointer(key: string): string {
  return key.replace(/~/g, '~0').replace(/\//g, '~1');
}
