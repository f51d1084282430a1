import type {ConfigKind} from './types.js';
import type {Container, KeyToPath, PodSpec, Volume, Workload, WorkloadKind} from './workload.js';

/** A ConfigMap or Secret whose readers we look for; keys narrow it to readers of those keys. */
export interface ConfigTarget {
  kind: ConfigKind;
  name: string;
  /** Only workloads that read one of these keys; undefined means any key. */
  keys?: string[];
}

export type ReferenceVia = 'env' | 'envFrom' | 'volume' | 'projected';

/** One place in a pod template that reads a target. */
export interface ConsumerReference {
  /** "configmap/NAME" or "secret/NAME". */
  object: string;
  container: string;
  containerType: 'container' | 'initContainer';
  via: ReferenceVia;
  /** Human wording, e.g. `env DB_HOST ← key "db.host"` or `volume "conf" at /etc/app`. */
  detail: string;
  /** Keys of the object this reference reads: "all" for envFrom and whole-volume mounts. */
  keys: string[] | 'all';
  optional: boolean;
  /** A volume mount without subPath: the kubelet refreshes the files, no restart needed. */
  liveUpdate: boolean;
}

export interface WorkloadRef {
  kind: WorkloadKind;
  name: string;
}

export interface Consumer {
  workload: Workload;
  /** References that read the targets (for keyed targets, only those reading a named key). */
  references: ConsumerReference[];
  /** Every use is a volume mount without subPath: new values arrive without a restart. */
  volumeOnly: boolean;
}

export function targetRef(target: Pick<ConfigTarget, 'kind' | 'name'>): string {
  return `${target.kind === 'Secret' ? 'secret' : 'configmap'}/${target.name}`;
}

export function workloadRef(workload: WorkloadRef): string {
  return `${workload.kind.toLowerCase()}/${workload.name}`;
}

/**
 * Which workloads read any of the targets, through which container and which
 * reference. Pure: works on workloads already listed.
 */
export function findConsumers(workloads: Workload[], targets: ConfigTarget[]): Consumer[] {
  const consumers: Consumer[] = [];
  for (const workload of workloads) {
    const references = targets.flatMap((target) => referencesTo(workload.podSpec, target));
    if (references.length === 0) continue;
    consumers.push({workload, references, volumeOnly: references.every((r) => r.liveUpdate)});
  }
  return consumers.sort(compareWorkloads);
}

export function compareWorkloads(a: {workload: WorkloadRef}, b: {workload: WorkloadRef}): number {
  return KIND_ORDER[a.workload.kind] - KIND_ORDER[b.workload.kind] || a.workload.name.localeCompare(b.workload.name);
}

const KIND_ORDER: Record<WorkloadKind, number> = {Deployment: 0, StatefulSet: 1, DaemonSet: 2};

/** Every reference in a pod spec to one target, filtered to the target's keys when it has any. */
export function referencesTo(podSpec: PodSpec, target: ConfigTarget): ConsumerReference[] {
  const all: ConsumerReference[] = [];
  const object = targetRef(target);
  const containers: Array<[Container, 'container' | 'initContainer']> = [
    ...(podSpec.initContainers ?? []).map((c) => [c, 'initContainer'] as [Container, 'initContainer']),
    ...(podSpec.containers ?? []).map((c) => [c, 'container'] as [Container, 'container']),
  ];
  const volumes = new Map<string, VolumeSource[]>();
  for (const volume of podSpec.volumes ?? []) {
    const sources = volumeSources(volume, target);
    if (sources.length > 0) volumes.set(volume.name, sources);
  }
  for (const [container, containerType] of containers) {
    const base = {object, container: container.name, containerType};
    for (const env of container.env ?? []) {
      const ref = target.kind === 'ConfigMap' ? env.valueFrom?.configMapKeyRef : env.valueFrom?.secretKeyRef;
      if (!ref || ref.name !== target.name) continue;
      all.push({
        ...base,
        via: 'env',
        detail: `env ${env.name} ← key "${ref.key}"`,
        keys: [ref.key],
        optional: ref.optional === true,
        liveUpdate: false,
      });
    }
    for (const envFrom of container.envFrom ?? []) {
      const ref = target.kind === 'ConfigMap' ? envFrom.configMapRef : envFrom.secretRef;
      if (!ref || ref.name !== target.name) continue;
      const prefix = envFrom.prefix ? ` (prefix ${envFrom.prefix})` : '';
      all.push({
        ...base,
        via: 'envFrom',
        detail: `envFrom all keys${prefix}`,
        keys: 'all',
        optional: ref.optional === true,
        liveUpdate: false,
      });
    }
    for (const mount of container.volumeMounts ?? []) {
      for (const source of volumes.get(mount.name) ?? []) {
        const subPath = mount.subPath || undefined;
        // subPathExpr is expanded per pod, so it may read any key of the volume.
        const keys = subPath !== undefined ? keysUnderSubPath(source, subPath) : source.keys;
        if (keys !== 'all' && keys.length === 0) continue;
        const pinned = subPath !== undefined || Boolean(mount.subPathExpr);
        const where = `${mount.mountPath}${subPath ? ` (subPath ${subPath})` : mount.subPathExpr ? ` (subPathExpr ${mount.subPathExpr})` : ''}`;
        const what = source.projected ? `projected volume "${mount.name}"` : `volume "${mount.name}"`;
        const items = source.items ? ` items ${source.items.map((i) => i.key).join(',')}` : '';
        all.push({
          ...base,
          via: source.projected ? 'projected' : 'volume',
          detail: `${what}${items} at ${where}`,
          keys,
          optional: source.optional,
          // subPath mounts are copied once at container start; only whole mounts are refreshed.
          liveUpdate: !pinned,
        });
      }
    }
  }
  if (!target.keys) return all;
  const wanted = new Set(target.keys);
  return all
    .filter((r) => r.keys === 'all' || r.keys.some((k) => wanted.has(k)))
    .map((r) => (r.keys === 'all' ? r : {...r, keys: r.keys.filter((k) => wanted.has(k))}));
}

interface VolumeSource {
  projected: boolean;
  items?: KeyToPath[];
  keys: string[] | 'all';
  optional: boolean;
}

function volumeSources(volume: Volume, target: ConfigTarget): VolumeSource[] {
  const sources: VolumeSource[] = [];
  const add = (projected: boolean, items: KeyToPath[] | undefined, optional: boolean | undefined) => {
    // A volume with items only exposes the listed keys.
    const listed = items && items.length > 0 ? items : undefined;
    sources.push({projected, items: listed, keys: listed ? listed.map((i) => i.key) : 'all', optional: optional === true});
  };
  if (target.kind === 'ConfigMap') {
    if (volume.configMap?.name === target.name) add(false, volume.configMap.items, volume.configMap.optional);
    for (const source of volume.projected?.sources ?? []) {
      if (source.configMap?.name === target.name) add(true, source.configMap.items, source.configMap.optional);
    }
  } else {
    if (volume.secret?.secretName === target.name) add(false, volume.secret.items, volume.secret.optional);
    for (const source of volume.projected?.sources ?? []) {
      if (source.secret?.name === target.name) add(true, source.secret.items, source.secret.optional);
    }
  }
  return sources;
}

/**
 * A subPath mount reads one file or directory of the volume. Without items a
 * file is named after its key; with items, after the item's path. When keys are
 * not listed we cannot know which keys exist, so a subPath file name is the key.
 */
function keysUnderSubPath(source: VolumeSource, subPath: string): string[] | 'all' {
  const trimmed = subPath.replace(/\/+$/, '');
  const inside = (path: string) => path === trimmed || path.startsWith(`${trimmed}/`);
  if (source.items) return source.items.filter((i) => inside(i.path)).map((i) => i.key);
  return trimmed.includes('/') ? [] : [trimmed];
}
