import {describe, expect, it} from 'vitest';
import {UsageError} from '../../src/core/errors.js';
import {isValidNamespaceName, resolveLocation, type ContextInfo} from '../../src/core/location.js';

const ARN = 'arn:aws:eks:eu-west-1:123456789012:cluster/prod';
const contexts: ContextInfo[] = [{name: 'alpha', namespace: 'team-a'}, {name: 'beta'}, {name: ARN}, {name: 'gke_proj_europe-west1_main'}];

describe('resolveLocation', () => {
  it('reads an exact context name as that context and its namespace', () => {
    expect(resolveLocation('alpha', contexts, 'beta')).toEqual({
      location: {context: 'alpha', namespace: 'team-a', label: 'alpha'},
      readAs: 'context',
    });
    expect(resolveLocation('beta', contexts, 'alpha').location).toEqual({context: 'beta', namespace: 'default', label: 'beta'});
  });

  it('lets an exact ARN-like context name win over the split at "/"', () => {
    const {location, readAs} = resolveLocation(ARN, contexts, 'alpha');
    expect(readAs).toBe('context');
    expect(location).toEqual({context: ARN, namespace: 'default', label: ARN});
  });

  it('splits ARN/NAMESPACE at the last "/"', () => {
    const {location, readAs} = resolveLocation(`${ARN}/payments`, contexts, 'alpha');
    expect(readAs).toBe('context/namespace');
    expect(location).toEqual({context: ARN, namespace: 'payments', label: `${ARN}/payments`});
  });

  it('splits CONTEXT/NAMESPACE', () => {
    expect(resolveLocation('beta/prod', contexts, 'alpha').location).toEqual({context: 'beta', namespace: 'prod', label: 'beta/prod'});
  });

  it('reads any other word as a namespace of the current context', () => {
    const {location, readAs} = resolveLocation('staging', contexts, 'alpha');
    expect(readAs).toBe('namespace');
    expect(location).toEqual({context: 'alpha', namespace: 'staging', label: 'staging'});
  });

  it('applies explicit context and namespace overrides', () => {
    expect(resolveLocation('staging', contexts, 'alpha', {context: 'beta'}).location).toMatchObject({
      context: 'beta',
      namespace: 'staging',
    });
    expect(resolveLocation('alpha', contexts, 'alpha', {namespace: 'other'}).location).toMatchObject({
      context: 'alpha',
      namespace: 'other',
    });
    expect(resolveLocation(ARN, contexts, 'alpha', {namespace: 'web'}).location).toMatchObject({context: ARN, namespace: 'web'});
  });

  it('rejects an unknown context, an invalid namespace, an empty word and a missing current context', () => {
    expect(() => resolveLocation('gamma/prod', contexts, 'alpha')).toThrow(
      /unknown context "gamma" in location "gamma\/prod" \(contexts: alpha, beta, /,
    );
    expect(() => resolveLocation('arn:aws:eks:us-east-1:1:cluster/x/prod', contexts, 'alpha')).toThrow(UsageError);
    expect(() => resolveLocation('beta/Not_Valid', contexts, 'alpha')).toThrow(/invalid namespace "Not_Valid"/);
    expect(() => resolveLocation('Prod', contexts, 'alpha')).toThrow(/neither a context .* nor a valid namespace name/);
    expect(() => resolveLocation('', contexts, 'alpha')).toThrow(/empty location/);
    expect(() => resolveLocation('staging', contexts, undefined)).toThrow(/no current context/);
    expect(() => resolveLocation('staging', contexts, 'alpha', {context: 'nope'})).toThrow(/unknown context "nope"/);
  });

  it('gives every failure the usage exit code', () => {
    try {
      resolveLocation('gamma/prod', contexts, 'alpha');
      expect.unreachable();
    } catch (error) {
      expect((error as UsageError).exitCode).toBe(2);
    }
  });
});

describe('isValidNamespaceName', () => {
  it('follows the DNS label rules', () => {
    expect(['prod', 'team-a', 'a1', 'x'.repeat(63)].map(isValidNamespaceName)).toEqual([true, true, true, true]);
    expect(['Prod', '-a', 'a-', 'a_b', 'a.b', 'x'.repeat(64), ''].map(isValidNamespaceName)).toEqual([
      false,
      false,
      false,
      false,
      false,
      false,
      false,
    ]);
  });
});
