// Types for harness.mjs, which stays plain JavaScript so scripts can run it without a build.
export interface ClusterInfo {
  server: string;
  port: number;
  auditLog: string;
}

export interface TestbedState {
  kubeconfig: string;
  stateDir: string;
  caFile: string;
  clusters: Record<'alpha' | 'beta', ClusterInfo>;
  state: any;
}

export interface StateDirOption {
  stateDir?: string;
}

export const repoRoot: string;
export function defaultStateDir(): string;
export function ensureTestbedBinary(): Promise<string>;
export function clusterUp(options?: StateDirOption): Promise<TestbedState>;
export function isClusterRunning(options?: StateDirOption): Promise<boolean>;
export function clusterDown(options?: StateDirOption): Promise<void>;
export function stopApiserver(cluster: 'alpha' | 'beta', options?: StateDirOption): Promise<void>;
export function startApiserver(cluster: 'alpha' | 'beta', options?: StateDirOption): Promise<void>;
export function readAuditLog(auditLog: string, options?: {userAgent?: string}): any[];
