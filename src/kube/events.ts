import {randomBytes} from 'node:crypto';
import type {KubeCluster} from './cluster.js';
import type {Kubeconfig} from './kubeconfig.js';

export interface EventSubject {
  kind: 'ConfigMap' | 'Secret';
  name: string;
  namespace: string;
  uid?: string;
}

/**
 * Kubernetes Events (core/v1) on a source object, so `kubectl describe` and `kubectl get
 * events` show why its copies failed. Not a config write: it goes around the write path.
 * Messages are the one-line errors of the write path, which never quote Secret data.
 */
export class EventRecorder {
  private readonly cluster: KubeCluster;

  constructor(
    kube: Kubeconfig,
    context: string,
    private readonly component: string,
    private readonly instance: string,
  ) {
    this.cluster = kube.cluster(context);
  }

  async warn(subject: EventSubject, reason: string, message: string): Promise<void> {
    const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    const body = {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: {name: `${subject.name}.${randomBytes(8).toString('hex')}`, namespace: subject.namespace},
      involvedObject: {apiVersion: 'v1', kind: subject.kind, name: subject.name, namespace: subject.namespace, uid: subject.uid},
      type: 'Warning',
      reason,
      // The API server refuses event messages over 1 KiB.
      message: message.length > 1000 ? `${message.slice(0, 997)}...` : message,
      source: {component: this.component},
      reportingComponent: this.component,
      reportingInstance: this.instance,
      firstTimestamp: now,
      lastTimestamp: now,
      count: 1,
    };
    await this.cluster.request(
      {method: 'POST', path: `/api/v1/namespaces/${encodeURIComponent(subject.namespace)}/events`, body},
      'create',
      `event on ${subject.kind.toLowerCase()}/${subject.name} in namespace "${subject.namespace}"`,
    );
  }
}
