/** The slice of the Kubernetes pod template that consumer detection reads. */
export type WorkloadKind = 'Deployment' | 'StatefulSet' | 'DaemonSet';

export const WORKLOAD_KINDS: readonly WorkloadKind[] = ['Deployment', 'StatefulSet', 'DaemonSet'];

export interface KeyToPath {
  key: string;
  path: string;
}

export interface EnvVar {
  name: string;
  valueFrom?: {
    configMapKeyRef?: {name: string; key: string; optional?: boolean};
    secretKeyRef?: {name: string; key: string; optional?: boolean};
  };
}

export interface EnvFromSource {
  prefix?: string;
  configMapRef?: {name: string; optional?: boolean};
  secretRef?: {name: string; optional?: boolean};
}

export interface VolumeMount {
  name: string;
  mountPath: string;
  subPath?: string;
  subPathExpr?: string;
}

export interface Container {
  name: string;
  env?: EnvVar[];
  envFrom?: EnvFromSource[];
  volumeMounts?: VolumeMount[];
}

export interface Volume {
  name: string;
  configMap?: {name: string; items?: KeyToPath[]; optional?: boolean};
  secret?: {secretName: string; items?: KeyToPath[]; optional?: boolean};
  projected?: {
    sources?: Array<{
      configMap?: {name: string; items?: KeyToPath[]; optional?: boolean};
      secret?: {name: string; items?: KeyToPath[]; optional?: boolean};
    }>;
  };
}

export interface PodSpec {
  containers: Container[];
  initContainers?: Container[];
  volumes?: Volume[];
}

/** How the controller replaces pods when the template changes. */
export interface UpdateStrategy {
  /** RollingUpdate or OnDelete (StatefulSet, DaemonSet); RollingUpdate or Recreate (Deployment). */
  type?: string;
  /** StatefulSet rollingUpdate.partition: pods with a lower ordinal keep the old template. */
  partition?: number;
}

export interface Workload {
  kind: WorkloadKind;
  name: string;
  namespace: string;
  resourceVersion?: string;
  generation?: number;
  paused?: boolean;
  replicas?: number;
  /** spec.strategy (Deployment) or spec.updateStrategy (StatefulSet, DaemonSet). */
  updateStrategy?: UpdateStrategy;
  templateAnnotations: Record<string, string>;
  /** The workload's own labels and annotations: who else owns it (src/core/owners.ts). */
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  podSpec: PodSpec;
  /** Raw status for rollout tracking (observedGeneration, updatedReplicas, ...). */
  status: Record<string, unknown>;
}
