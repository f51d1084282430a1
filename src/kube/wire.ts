// The JSON the API server sends, as far as this program reads it. Only the fields used are
// typed; the rest passes through unread.
import type {OwnerReference} from '../core/types.js';
import type {PodSpec} from '../core/workload.js';

/** The server's ownerReferences have exactly the shape the core type keeps. */
export type WireOwnerReference = OwnerReference;

export interface WireObjectMeta {
  name?: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: WireOwnerReference[];
  finalizers?: string[];
  deletionTimestamp?: string;
  /** Read for diff --blame only. */
  managedFields?: WireManagedFieldsEntry[];
}

export interface WireManagedFieldsEntry {
  manager?: string;
  operation?: string;
  time?: string;
  subresource?: string;
  fieldsV1?: unknown;
}

export interface WireList<T> {
  items?: T[];
  metadata?: {continue?: string; resourceVersion?: string};
}

export interface WireConfigMap {
  apiVersion?: string;
  kind?: string;
  metadata?: WireObjectMeta;
  immutable?: boolean;
  data?: Record<string, string>;
  binaryData?: Record<string, string>;
}

export interface WireSecret {
  apiVersion?: string;
  kind?: string;
  metadata?: WireObjectMeta;
  type?: string;
  immutable?: boolean;
  data?: Record<string, string>;
}

export interface WireNamespace {
  metadata?: WireObjectMeta;
  status?: {phase?: string};
}

export interface WireUpdateStrategy {
  type?: string;
  rollingUpdate?: {partition?: number};
}

export interface WireWorkload {
  metadata?: WireObjectMeta;
  spec?: {
    paused?: boolean;
    replicas?: number;
    /** Deployments. */
    strategy?: WireUpdateStrategy;
    /** StatefulSets and DaemonSets. */
    updateStrategy?: WireUpdateStrategy;
    template?: {metadata?: {annotations?: Record<string, string>}; spec?: PodSpec};
  };
  status?: Record<string, unknown>;
}

export interface WireAccessReview {
  status?: {allowed?: boolean};
}

/** A watch event line. */
export interface WireWatchEvent {
  type?: string;
  object?: {metadata?: WireObjectMeta; code?: number; message?: string};
}
