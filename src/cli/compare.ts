import {Flags} from '@oclif/core';
import {runSalt, saltId} from '../core/fingerprint.js';
import {diffLocations, isPlatformObject, type DiffReport} from '../core/diff.js';
import {ClusterError, UsageError, type ConfigSyncError} from '../core/errors.js';
import {mergeIgnoreRules, type IgnoreRules} from '../core/ignore.js';
import {diffFleet, type FleetReport} from '../core/fleet.js';
import {isValidNamespaceName, resolveLocation, type LocationResolution} from '../core/location.js';
import {parseLabelSelector} from '../core/namespace-select.js';
import {CONFIG_KINDS, kindFromWord, locationName, type ConfigKind, type ConfigObject, type Location} from '../core/types.js';
import type {ClusterApi, NamespaceInfo} from '../core/cluster-api.js';
import type {Kubeconfig} from '../kube/kubeconfig.js';
import {loadRulesFile, unmatchedRules} from './rules-file.js';

/** Flags shared by diff and sync: what to compare and what to leave out. */
export const compareFlags = {
  'from-context': Flags.string({description: 'context of the source (overrides the SOURCE word)'}),
  'from-namespace': Flags.string({description: 'namespace of the source (overrides the SOURCE word)'}),
  'to-context': Flags.string({description: 'context of the target (overrides the TARGET word)'}),
  'to-namespace': Flags.string({description: 'namespace of the target (overrides the TARGET word)'}),
  kind: Flags.string({
    description: 'kinds to compare: configmaps, secrets, or both (comma-separated)',
    default: 'configmaps',
  }),
  selector: Flags.string({char: 'l', description: 'label selector, e.g. app=web,tier!=db'}),
  'ignore-key': Flags.string({description: 'key glob whose differences are expected (repeatable; OBJECT:KEY scopes it)', multiple: true}),
  'ignore-object': Flags.string({description: 'object name glob to leave out (repeatable)', multiple: true}),
  rules: Flags.string({description: 'rules file (default: .configsync.yaml found upward from the working directory)'}),
  'no-rules': Flags.boolean({description: 'do not read a rules file'}),
  'include-platform': Flags.boolean({
    description: 'include objects the platform creates in every namespace (kube-root-ca.crt, service-account tokens)',
  }),
  'show-secrets': Flags.boolean({description: 'print Secret values (masked by default)'}),
  'allow-empty': Flags.boolean({description: 'a NAME or -l that matches nothing is not an error (exit 0 with nothing compared)'}),
};

export interface CompareFlagValues {
  'from-context'?: string;
  'from-namespace'?: string;
  'to-context'?: string;
  'to-namespace'?: string;
  kind: string;
  selector?: string;
  'ignore-key'?: string[];
  'ignore-object'?: string[];
  rules?: string;
  'no-rules': boolean;
  'include-platform': boolean;
  'show-secrets': boolean;
  'allow-empty'?: boolean;
  context?: string;
  namespace?: string;
}

export interface Comparison {
  report: DiffReport;
  source: {location: Location; cluster: ClusterApi; objects: ConfigObject[]};
  target: {location: Location; cluster: ClusterApi; objects: ConfigObject[]};
  ignore: IgnoreRules;
}

export function parseKinds(text: string): ConfigKind[] {
  const kinds = new Set<ConfigKind>();
  for (const word of text
    .split(',')
    .map((w) => w.trim().toLowerCase())
    .filter(Boolean)) {
    const kind = kindFromWord(word);
    if (kind) kinds.add(kind);
    else if (word === 'all') CONFIG_KINDS.forEach((k) => kinds.add(k));
    else throw new UsageError(`--kind: unknown kind "${word}" (use configmaps, secrets or both)`);
  }
  if (kinds.size === 0) throw new UsageError('--kind: name at least one kind');
  return CONFIG_KINDS.filter((k) => kinds.has(k));
}

/** Resolves a location word, checks the namespace exists, and notes ambiguity on stderr. */
export async function resolveLocationWord(
  kube: Kubeconfig,
  word: string,
  overrides: {context?: string; namespace?: string},
  defaultContext: string | undefined,
  note: (text: string) => void,
  /** -n: the namespace of a word that names only a context (instead of the context's own). */
  defaultNamespace?: string,
): Promise<Location> {
  const current = defaultContext ?? kube.currentContext;
  const resolution: LocationResolution = resolveLocation(word, kube.contexts, current, overrides);
  if (resolution.readAs === 'context' && overrides.namespace === undefined && defaultNamespace !== undefined) {
    resolution.location.namespace = defaultNamespace;
  }
  if (resolution.readAs === 'context' && current && overrides.namespace === undefined) {
    const alsoNamespace = await kube
      .cluster(current)
      .getNamespace(word)
      .catch(() => undefined);
    if (alsoNamespace)
      note(
        `note: "${word}" is both a context and a namespace in context "${current}"; using the context (write ${current}/${word} for the namespace)`,
      );
  }
  return resolution.location;
}

/** Checks the namespace exists; its UID when the caller may read it. */
export async function assertNamespaceExists(cluster: ClusterApi, location: Location): Promise<string | undefined> {
  let found: NamespaceInfo | undefined;
  try {
    found = await cluster.getNamespace(location.namespace);
  } catch (error) {
    // A user who may list ConfigMaps but not read namespaces still gets a diff.
    if ((error as {status?: number}).status === 403) return undefined;
    throw error;
  }
  if (!found) throw new UsageError(`namespace "${location.namespace}" not found in context "${location.context}"`);
  return found.uid;
}

/** Reads both sides (one LIST per kind per side, all at once) and computes the report. */
export async function compareLocations(
  kube: Kubeconfig,
  words: {source: string; target: string},
  names: string[],
  flags: CompareFlagValues,
  note: (text: string) => void,
  salt: string = saltForRun(),
): Promise<Comparison> {
  const kinds = kindsToRead(flags.kind, names);
  // A bad -l is the user's typo: say so before any request, not as the server's HTTP 400.
  if (flags.selector !== undefined) parseLabelSelector(flags.selector);
  const defaultContext = flags.context ? kube.resolveContext(flags.context) : undefined;
  const [sourceLocation, targetLocation] = await Promise.all([
    resolveLocationWord(
      kube,
      words.source,
      {context: flags['from-context'], namespace: flags['from-namespace']},
      defaultContext,
      note,
      flags.namespace,
    ),
    resolveLocationWord(
      kube,
      words.target,
      {context: flags['to-context'], namespace: flags['to-namespace']},
      defaultContext,
      note,
      flags.namespace,
    ),
  ]);
  if (await sameLocation(kube, sourceLocation, targetLocation)) {
    throw new UsageError(
      `source and target are the same place (${locationName(sourceLocation)}); name two different namespaces or contexts`,
    );
  }
  const rulesFile = flags['no-rules'] ? undefined : await loadRulesFile(flags.rules);
  const ignore = mergeIgnoreRules(rulesFile, {keys: flags['ignore-key'] ?? [], objects: flags['ignore-object'] ?? []});
  const sourceCluster = kube.cluster(sourceLocation.context);
  const targetCluster = kube.cluster(targetLocation.context);
  const [sourceRead, targetRead] = await Promise.all([
    readLocationAndNamespace(sourceCluster, sourceLocation, kinds, names, flags),
    readLocationAndNamespace(targetCluster, targetLocation, kinds, names, flags),
  ]);
  // After the reads: a read that fails is the one error reported, without a note on identity before it.
  const [sourceIdentity, targetIdentity] = await Promise.all([sourceCluster.clusterIdentity(), targetCluster.clusterIdentity()]);
  const [sourceObjects, targetObjects] = await withCounterparts(
    [
      {cluster: sourceCluster, location: sourceLocation, objects: sourceRead.objects},
      {cluster: targetCluster, location: targetLocation, objects: targetRead.objects},
    ],
    flags,
  );
  assertSomethingMatched(names, flags, [sourceLocation, targetLocation], [...sourceObjects, ...targetObjects], kube, defaultContext);
  const report: DiffReport = {
    ...diffLocations(sourceLocation, targetLocation, sourceObjects, targetObjects, {
      kinds,
      showSecrets: flags['show-secrets'],
      salt,
      ignore,
    }),
    binding: {
      source: {cluster: sourceIdentity.id, ...(sourceRead.namespaceUid ? {namespaceUid: sourceRead.namespaceUid} : {})},
      target: {cluster: targetIdentity.id, ...(targetRead.namespaceUid ? {namespaceUid: targetRead.namespaceUid} : {})},
      saltId: saltId(salt),
    },
  };
  if (rulesFile) for (const warning of unmatchedRules(rulesFile, namesAndKeys([...sourceObjects, ...targetObjects]))) note(warning);
  return {
    report,
    source: {location: sourceLocation, cluster: sourceCluster, objects: sourceObjects},
    target: {location: targetLocation, cluster: targetCluster, objects: targetObjects},
    ignore,
  };
}

function namesAndKeys(objects: ConfigObject[]): Array<{name: string; keys: string[]}> {
  return objects.map((o) => ({name: o.name, keys: [...Object.keys(o.data), ...Object.keys(o.binaryData)]}));
}

/**
 * One LIST per kind (all pages), all at once with one GET of the namespace: a LIST
 * of a namespace that does not exist answers "nothing" rather than an error. Never
 * a GET per object.
 */
export async function readLocation(
  cluster: ClusterApi,
  location: Location,
  kinds: ConfigKind[],
  names: string[],
  flags: ReadFlags,
): Promise<ConfigObject[]> {
  return (await readLocationAndNamespace(cluster, location, kinds, names, flags)).objects;
}

type ReadFlags = Pick<CompareFlagValues, 'selector' | 'include-platform'> & {kind?: string};

/** readLocation, and the namespace's UID from the same GET (for plan binding). */
export async function readLocationAndNamespace(
  cluster: ClusterApi,
  location: Location,
  kinds: ConfigKind[],
  names: string[],
  flags: ReadFlags,
): Promise<{objects: ConfigObject[]; namespaceUid?: string}> {
  const [namespaceUid, ...lists] = await Promise.all([
    assertNamespaceExists(cluster, location),
    ...kinds.map((kind) => cluster.listConfigObjects(kind, location.namespace, {labelSelector: flags.selector})),
  ]);
  return {
    objects: selectObjects(lists.flat(), names, flags['include-platform'], flags.kind !== undefined ? parseKinds(flags.kind) : kinds),
    namespaceUid: namespaceUid,
  };
}

/**
 * -l selects an object when it carries the label on any side; it is then compared everywhere.
 * Each side was LISTed with the selector; an object selected elsewhere but not here is read
 * here by name (one GET each, only for those), so an unlabelled counterpart is never
 * reported missing.
 */
async function withCounterparts(
  reads: Array<{cluster: ClusterApi; location: Location; objects: ConfigObject[]}>,
  flags: Pick<CompareFlagValues, 'selector'>,
): Promise<ConfigObject[][]> {
  if (flags.selector === undefined) return reads.map((r) => r.objects);
  const id = (o: Pick<ConfigObject, 'kind' | 'name'>) => `${o.kind}/${o.name}`;
  const selected = new Map<string, Pick<ConfigObject, 'kind' | 'name'>>();
  for (const read of reads) for (const object of read.objects) selected.set(id(object), object);
  return Promise.all(
    reads.map(async (read) => {
      const here = new Set(read.objects.map(id));
      const missing = [...selected.values()].filter((o) => !here.has(id(o)));
      const found = await Promise.all(missing.map((o) => read.cluster.getConfigObject(o.kind, read.location.namespace, o.name)));
      return [...read.objects, ...found.filter((o): o is ConfigObject => o !== undefined)];
    }),
  );
}

/** Fingerprints are comparable within one salt: random per run unless KUBECTL_CONFIGSYNC_SALT pins it (CI, golden files). */
export function saltForRun(): string {
  return runSalt();
}

/**
 * Splits the words after `diff` into locations and object names. The first two
 * are always locations; a later word is a location when it is a context, a
 * CONTEXT/NAMESPACE of a known context, or an existing namespace of the current
 * context. From the first word that is none of these on, words are object names
 * (write configmap/NAME to name an object that shares a namespace's name).
 */
export async function splitLocationWords(
  kube: Kubeconfig,
  words: string[],
  defaultContext: string | undefined,
): Promise<{locations: string[]; names: string[]}> {
  const locations = words.slice(0, 2);
  let index = 2;
  const current = defaultContext ?? kube.currentContext;
  const contextNames = new Set(kube.contexts.map((c) => c.name));
  for (; index < words.length; index++) {
    const word = words[index];
    if (isKindPrefixed(word)) break;
    if (contextNames.has(word)) {
      locations.push(word);
      continue;
    }
    const slash = word.lastIndexOf('/');
    if (slash > 0 && contextNames.has(word.slice(0, slash))) {
      locations.push(word);
      continue;
    }
    if (slash < 0 && current && isValidNamespaceName(word)) {
      // Only a 404 means "not a namespace": a 403 or an unreachable server is reported as what it is.
      const namespace = await kube.cluster(current).getNamespace(word);
      if (namespace) {
        locations.push(word);
        continue;
      }
    }
    break;
  }
  return {locations, names: words.slice(index)};
}

function isKindPrefixed(word: string): boolean {
  const slash = word.indexOf('/');
  return slash > 0 && kindFromWord(word.slice(0, slash)) !== undefined;
}

export interface FleetComparison {
  report: FleetReport;
  /** The locations in the report: every one that could be read. */
  locations: Location[];
  /** Locations left out because their cluster failed (unreachable, timed out, credentials). */
  unread: Array<{location: Location; error: ConfigSyncError}>;
}

/** Reads three or more locations at once (one LIST per kind each) and lines them up. */
export async function compareFleet(
  kube: Kubeconfig,
  words: string[],
  names: string[],
  flags: CompareFlagValues & {baseline?: string},
  note: (text: string) => void,
): Promise<FleetComparison> {
  if (flags['from-context'] || flags['from-namespace'] || flags['to-context'] || flags['to-namespace']) {
    throw new UsageError(
      '--from-context, --from-namespace, --to-context and --to-namespace apply to two locations; with three or more, write each as CONTEXT/NAMESPACE',
    );
  }
  const kinds = kindsToRead(flags.kind, names);
  // A bad -l is the user's typo: say so before any request, not as the server's HTTP 400.
  if (flags.selector !== undefined) parseLabelSelector(flags.selector);
  const defaultContext = flags.context ? kube.resolveContext(flags.context) : undefined;
  const locations = await Promise.all(words.map((word) => resolveLocationWord(kube, word, {}, defaultContext, note, flags.namespace)));
  const baseline = flags.baseline === undefined ? undefined : baselineIndex(flags.baseline, words, locations);
  // Telling two contexts apart asks each cluster who it is: one that cannot answer is left out
  // (and reported) now, rather than failing the comparison or costing a second timeout later.
  const unread: FleetComparison['unread'] = [];
  const failed = new Set<number>();
  const identities = await Promise.allSettled(
    locations.map((location, i) =>
      locations.some((other, j) => j !== i && other.namespace === location.namespace && other.context !== location.context)
        ? kube.cluster(location.context).clusterIdentity()
        : Promise.resolve(undefined),
    ),
  );
  identities.forEach((result, index) => {
    if (result.status === 'fulfilled') return;
    if (!(result.reason instanceof ClusterError) || index === baseline) throw result.reason;
    failed.add(index);
    unread.push({location: locations[index], error: result.reason});
  });
  for (let i = 0; i < locations.length; i++) {
    for (let j = i + 1; j < locations.length; j++) {
      if (failed.has(i) || failed.has(j)) continue;
      if (await sameLocation(kube, locations[i], locations[j])) {
        throw new UsageError(`"${words[i]}" and "${words[j]}" are the same place (${locationName(locations[i])}); name each location once`);
      }
    }
  }
  const rulesFile = flags['no-rules'] ? undefined : await loadRulesFile(flags.rules);
  const ignore = mergeIgnoreRules(rulesFile, {keys: flags['ignore-key'] ?? [], objects: flags['ignore-object'] ?? []});
  // One hung or unreachable cluster costs its --request-timeout and is reported; the others are compared.
  const reads = await Promise.allSettled(
    locations.map((location, index) =>
      failed.has(index) ? Promise.resolve([]) : readLocation(kube.cluster(location.context), location, kinds, names, flags),
    ),
  );
  const read: Array<{location: Location; objects: ConfigObject[]; index: number}> = [];
  reads.forEach((result, index) => {
    if (failed.has(index)) return;
    if (result.status === 'fulfilled') read.push({location: locations[index], objects: result.value, index});
    else if (result.reason instanceof ClusterError && index !== baseline) unread.push({location: locations[index], error: result.reason});
    else throw result.reason;
  });
  if (read.length < 2) throw unread[0].error;
  const readLocations = read.map((r) => r.location);
  const lists = await withCounterparts(
    read.map((r) => ({cluster: kube.cluster(r.location.context), location: r.location, objects: r.objects})),
    flags,
  );
  assertSomethingMatched(names, flags, readLocations, lists.flat(), kube, defaultContext);
  const readBaseline = baseline === undefined ? undefined : read.findIndex((r) => r.index === baseline);
  const report = diffFleet(readLocations, lists, {
    kinds,
    showSecrets: flags['show-secrets'],
    salt: saltForRun(),
    ignore,
    baseline: readBaseline,
  });
  if (rulesFile) for (const warning of unmatchedRules(rulesFile, namesAndKeys(lists.flat()))) note(warning);
  return {report, locations: read.map((r) => r.location), unread};
}

/** --baseline names one of the locations, as typed or as CONTEXT/NAMESPACE. */
function baselineIndex(word: string, words: string[], locations: Location[]): number {
  const index = words.indexOf(word) >= 0 ? words.indexOf(word) : locations.findIndex((l) => locationName(l) === word);
  if (index < 0) throw new UsageError(`--baseline: "${word}" is not one of the locations (${locations.map(locationName).join(', ')})`);
  return index;
}

/**
 * NAME arguments narrow the set; "secret/x" or "configmap/x" pins the kind. A bare NAME
 * matches the kinds of --kind only (a pinned NAME reads its kind whatever --kind says).
 */
export function selectObjects(
  objects: ConfigObject[],
  names: string[],
  includePlatform: boolean,
  kinds: ConfigKind[] = [...CONFIG_KINDS],
): ConfigObject[] {
  const wanted = names.map(parseObjectName);
  return objects.filter((object) => {
    if (!includePlatform && isPlatformObject(object)) return false;
    if (wanted.length === 0) return kinds.includes(object.kind);
    return wanted.some((w) => w.name === object.name && (w.kind ? w.kind === object.kind : kinds.includes(object.kind)));
  });
}

/** The kinds of --kind, plus any a TYPE/NAME argument pins. */
export function kindsToRead(kindFlag: string, names: string[]): ConfigKind[] {
  const kinds = new Set(parseKinds(kindFlag));
  for (const name of names) {
    const pinned = parseObjectName(name).kind;
    if (pinned) kinds.add(pinned);
  }
  return CONFIG_KINDS.filter((k) => kinds.has(k));
}

/**
 * Exit 0 promises that what was asked for was found: a NAME or -l that matches nothing on
 * any side is a usage error naming it (--allow-empty opts out). A bare word that matched
 * nothing may have been meant as a location: say that it is not one.
 */
function assertSomethingMatched(
  names: string[],
  flags: CompareFlagValues,
  locations: Location[],
  objects: ConfigObject[],
  kube: Kubeconfig,
  defaultContext: string | undefined,
): void {
  if (flags['allow-empty']) return;
  const where = locations.map(locationName).join(' or ');
  const kinds = parseKinds(flags.kind);
  const unmatched = names.filter((name) => selectObjects(objects, [name], true, kinds).length === 0);
  if (unmatched.length > 0) {
    const kindWords = (name: string) =>
      parseObjectName(name).kind
        ? ''
        : ` (${kinds.map((k) => (k === 'Secret' ? 'secrets' : 'configmaps')).join(', ')}; write secret/NAME for a Secret)`;
    const first = unmatched[0];
    const current = defaultContext ?? kube.currentContext;
    const notLocation = !first.includes('/') && current ? `; it is not a context, nor a namespace of context "${current}"` : '';
    throw new UsageError(
      `${unmatched.map((n) => `"${n}"`).join(', ')} matched no object in ${where}${kindWords(first)}${notLocation}; nothing was compared (--allow-empty to accept)`,
    );
  }
  if (flags.selector !== undefined && objects.length === 0) {
    throw new UsageError(`-l ${flags.selector} matched no object in ${where}; nothing was compared (--allow-empty to accept)`);
  }
}

function parseObjectName(text: string): {kind?: ConfigKind; name: string} {
  const slash = text.indexOf('/');
  if (slash < 0) return {name: text};
  const kind = kindFromWord(text.slice(0, slash));
  if (!kind) throw new UsageError(`"${text}": expected NAME, configmap/NAME or secret/NAME`);
  return {kind, name: text.slice(slash + 1)};
}

/** One namespace of one cluster, whatever contexts or host names reach it (the cluster identity decides). */
async function sameLocation(kube: Kubeconfig, a: Location, b: Location): Promise<boolean> {
  if (a.namespace !== b.namespace) return false;
  if (a.context === b.context) return true;
  const [first, second] = await Promise.all([kube.cluster(a.context).clusterIdentity(), kube.cluster(b.context).clusterIdentity()]);
  return first.id === second.id;
}
