/** The kinds of object this tool compares and copies. */
export type ConfigKind = 'ConfigMap' | 'Secret';

export const CONFIG_KINDS: readonly ConfigKind[] = ['ConfigMap', 'Secret'];

/**
 * A ConfigMap or Secret as the tool sees it, independent of the client library.
 * Secret `data` is decoded to text where it is valid UTF-8; bytes that are not
 * text stay in `binaryData` (base64) so nothing is ever lost or mangled.
 */
export interface ConfigObject {
  kind: ConfigKind;
  name: string;
  namespace: string;
  resourceVersion?: string;
  uid?: string;
  /** Secret type, e.g. Opaque or kubernetes.io/tls. */
  type?: string;
  immutable?: boolean;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  /** Text values. */
  data: Record<string, string>;
  /** Base64-encoded bytes (ConfigMap binaryData, or Secret values that are not UTF-8). */
  binaryData: Record<string, string>;
  /** Kept as read so that a write never drops them and a restore puts them back. */
  ownerReferences?: OwnerReference[];
  finalizers?: string[];
  /** Set when the object is being deleted (finalizers pending): it cannot be written. */
  deletionTimestamp?: string;
  /** Who set which field, as read (for --blame); never written back nor journaled. */
  managedFields?: ManagedFieldsEntry[];
}

/** One entry of metadata.managedFields as the API server keeps it. */
export interface ManagedFieldsEntry {
  manager?: string;
  operation?: string;
  /** RFC 3339. */
  time?: string;
  subresource?: string;
  /** The fieldsV1 set: {"f:data": {"f:KEY": {}}, ...}. */
  fieldsV1?: unknown;
}

export interface OwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller?: boolean;
  blockOwnerDeletion?: boolean;
}

/** Where a set of objects lives: one namespace in one kubeconfig context. */
export interface Location {
  context: string;
  namespace: string;
  /** What the user typed, for messages. */
  label: string;
}

export function locationName(location: Location): string {
  return `${location.context}/${location.namespace}`;
}

export function objectRef(object: Pick<ConfigObject, 'kind' | 'name'>): string {
  return `${object.kind === 'Secret' ? 'secret' : 'configmap'}/${object.name}`;
}

/** kubectl's words for the two kinds: "configmap", "configmaps", "cm", "secret", "secrets". */
export function kindFromWord(word: string): ConfigKind | undefined {
  return KIND_WORDS[word.toLowerCase()];
}

const KIND_WORDS: Record<string, ConfigKind> = {
  configmap: 'ConfigMap',
  configmaps: 'ConfigMap',
  cm: 'ConfigMap',
  secret: 'Secret',
  secrets: 'Secret',
};
