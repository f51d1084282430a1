// The Lease leader election reads and writes, and where it lives: types only, so that
// src/kube (the API) and src/controller (the election) meet in core.

/** A coordination.k8s.io/v1 Lease as leader election reads and writes it. Times are RFC 3339 with microseconds. */
export interface LeaseRecord {
  holderIdentity?: string;
  leaseDurationSeconds?: number;
  acquireTime?: string;
  renewTime?: string;
  leaseTransitions?: number;
  /** The version read: updates are conditioned on it, so two candidates never both win. */
  resourceVersion?: string;
}

/** Where the Lease lives (src/kube/lease.ts over the API; a map in unit tests). */
export interface LeaseStore {
  /** "lease NAMESPACE/NAME in context …", for log lines. */
  readonly description: string;
  get(): Promise<LeaseRecord | undefined>;
  /** Fails with status 409 when someone else created it first. */
  create(record: LeaseRecord): Promise<LeaseRecord>;
  /** Fails with status 409 when the Lease moved since `record.resourceVersion`. */
  update(record: LeaseRecord): Promise<LeaseRecord>;
}
