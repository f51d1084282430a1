import type {LeaseRecord, LeaseStore} from '../controller/leader-election.js';
import type {KubeCluster} from './cluster.js';
import type {Kubeconfig} from './kubeconfig.js';

interface WireLease {
  metadata?: {resourceVersion?: string};
  spec?: {
    holderIdentity?: string;
    leaseDurationSeconds?: number;
    acquireTime?: string;
    renewTime?: string;
    leaseTransitions?: number;
  };
}

/**
 * The controller's coordination.k8s.io/v1 Lease. Not a config write: it goes around the
 * write path (no journal, no dry run), and every update carries the resourceVersion read,
 * so two replicas never both take it.
 */
export class KubeLeaseStore implements LeaseStore {
  readonly description: string;
  private readonly cluster: KubeCluster;
  private readonly path: string;

  constructor(
    kube: Kubeconfig,
    context: string,
    private readonly namespace: string,
    private readonly name: string,
  ) {
    this.cluster = kube.cluster(context);
    this.path = `/apis/coordination.k8s.io/v1/namespaces/${encodeURIComponent(namespace)}/leases`;
    this.description = `lease ${namespace}/${name}`;
  }

  async get(): Promise<LeaseRecord | undefined> {
    const lease = await this.cluster.request<WireLease | undefined>(
      {method: 'GET', path: `${this.path}/${encodeURIComponent(this.name)}`},
      'get',
      this.what,
      {missingIsUndefined: true},
    );
    return lease && fromLease(lease);
  }

  async create(record: LeaseRecord): Promise<LeaseRecord> {
    return fromLease(
      await this.cluster.request<WireLease>({method: 'POST', path: this.path, body: this.toLease(record)}, 'create', this.what),
    );
  }

  async update(record: LeaseRecord): Promise<LeaseRecord> {
    return fromLease(
      await this.cluster.request<WireLease>(
        {method: 'PUT', path: `${this.path}/${encodeURIComponent(this.name)}`, body: this.toLease(record)},
        'update',
        this.what,
      ),
    );
  }

  private get what(): string {
    return `lease "${this.name}" in namespace "${this.namespace}"`;
  }

  private toLease(record: LeaseRecord) {
    return {
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: {name: this.name, namespace: this.namespace, resourceVersion: record.resourceVersion},
      // MicroTime travels as the string it is (six fractional digits).
      spec: {
        holderIdentity: record.holderIdentity,
        leaseDurationSeconds: record.leaseDurationSeconds,
        acquireTime: record.acquireTime,
        renewTime: record.renewTime,
        leaseTransitions: record.leaseTransitions,
      },
    };
  }
}

function fromLease(lease: WireLease): LeaseRecord {
  return {
    holderIdentity: lease.spec?.holderIdentity ?? undefined,
    leaseDurationSeconds: lease.spec?.leaseDurationSeconds ?? undefined,
    acquireTime: lease.spec?.acquireTime,
    renewTime: lease.spec?.renewTime,
    leaseTransitions: lease.spec?.leaseTransitions ?? undefined,
    resourceVersion: lease.metadata?.resourceVersion,
  };
}
