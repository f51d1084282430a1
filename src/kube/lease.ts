import type {LeaseRecord, LeaseStore} from '../controller/leader-election.js';
import {apiConfiguration} from './api-client.js';
import {CoordinationV1Api, type V1Lease} from './client-node.js';
import {translateError} from './errors.js';
import type {Kubeconfig} from './kubeconfig.js';

/**
 * The controller's coordination.k8s.io/v1 Lease. Not a config write: it goes around the
 * write path (no journal, no dry run), and every update carries the resourceVersion read,
 * so two replicas never both take it.
 */
export class KubeLeaseStore implements LeaseStore {
  readonly description: string;
  private readonly api: CoordinationV1Api;

  constructor(
    kube: Kubeconfig,
    private readonly context: string,
    private readonly namespace: string,
    private readonly name: string,
  ) {
    this.api = new CoordinationV1Api(apiConfiguration(kube, context));
    this.description = `lease ${namespace}/${name}`;
  }

  async get(): Promise<LeaseRecord | undefined> {
    try {
      return fromLease(await this.api.readNamespacedLease({name: this.name, namespace: this.namespace}));
    } catch (error) {
      if ((error as {code?: number}).code === 404) return undefined;
      throw this.translate(error, 'get');
    }
  }

  async create(record: LeaseRecord): Promise<LeaseRecord> {
    try {
      return fromLease(await this.api.createNamespacedLease({namespace: this.namespace, body: this.toLease(record)}));
    } catch (error) {
      throw this.translate(error, 'create');
    }
  }

  async update(record: LeaseRecord): Promise<LeaseRecord> {
    try {
      return fromLease(await this.api.replaceNamespacedLease({name: this.name, namespace: this.namespace, body: this.toLease(record)}));
    } catch (error) {
      throw this.translate(error, 'update');
    }
  }

  private translate(error: unknown, verb: string) {
    return translateError(error, {context: this.context, verb, what: `lease "${this.name}" in namespace "${this.namespace}"`});
  }

  private toLease(record: LeaseRecord): V1Lease {
    return {
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: {name: this.name, namespace: this.namespace, resourceVersion: record.resourceVersion},
      spec: {
        holderIdentity: record.holderIdentity,
        leaseDurationSeconds: record.leaseDurationSeconds,
        // MicroTime travels as the string it is: the client would send a Date with three fractional digits, which the server refuses.
        acquireTime: record.acquireTime as unknown as Date,
        renewTime: record.renewTime as unknown as Date,
        leaseTransitions: record.leaseTransitions,
      },
    };
  }
}

function fromLease(lease: V1Lease): LeaseRecord {
  // MicroTime is not in the client's type map: it arrives as the string the server sent.
  const text = (value: unknown) => (typeof value === 'string' ? value : value instanceof Date ? value.toISOString() : undefined);
  return {
    holderIdentity: lease.spec?.holderIdentity ?? undefined,
    leaseDurationSeconds: lease.spec?.leaseDurationSeconds ?? undefined,
    acquireTime: text(lease.spec?.acquireTime),
    renewTime: text(lease.spec?.renewTime),
    leaseTransitions: lease.spec?.leaseTransitions ?? undefined,
    resourceVersion: lease.metadata?.resourceVersion,
  };
}
