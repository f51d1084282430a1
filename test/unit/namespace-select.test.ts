import {describe, expect, it} from 'vitest';
import {compileNamespaceSelection, matchesLabelSelector, parseLabelSelector, type NamespaceLike} from '../../src/core/namespace-select.js';

const matches = (selector: string, labels: Record<string, string>) => matchesLabelSelector(parseLabelSelector(selector), labels);

describe('parseLabelSelector', () => {
  it('reads every operator kubectl accepts', () => {
    expect(parseLabelSelector('team in (a, b),env=prod,tier!=db,!legacy,owner,x==y,z notin (q)')).toEqual([
      {key: 'team', op: 'in', values: ['a', 'b']},
      {key: 'env', op: 'in', values: ['prod']},
      {key: 'tier', op: 'notin', values: ['db']},
      {key: 'legacy', op: 'not-exists'},
      {key: 'owner', op: 'exists'},
      {key: 'x', op: 'in', values: ['y']},
      {key: 'z', op: 'notin', values: ['q']},
    ]);
  });

  it('accepts prefixed keys and an empty selector', () => {
    expect(parseLabelSelector('example.com/team=a')).toEqual([{key: 'example.com/team', op: 'in', values: ['a']}]);
    expect(parseLabelSelector('')).toEqual([]);
  });

  it.each(['team in (a', 'team=a,', '=a', 'a b', 'team=a b', 'team in a,b', '!', 'x=' + 'v'.repeat(64)])(
    'refuses %j as a usage error',
    (text) => {
      expect(() => parseLabelSelector(text)).toThrow(/invalid label selector/);
    },
  );
});

describe('matchesLabelSelector', () => {
  it('applies set, equality, inequality and existence', () => {
    expect(matches('team in (a,b)', {team: 'b'})).toBe(true);
    expect(matches('team in (a,b)', {team: 'c'})).toBe(false);
    expect(matches('team in (a,b)', {})).toBe(false);
    expect(matches('env=prod,tier!=db', {env: 'prod', tier: 'web'})).toBe(true);
    expect(matches('env=prod,tier!=db', {env: 'prod'})).toBe(true);
    expect(matches('env=prod,tier!=db', {env: 'prod', tier: 'db'})).toBe(false);
    expect(matches('!key', {other: 'x'})).toBe(true);
    expect(matches('!key', {key: ''})).toBe(false);
    expect(matches('key', {key: ''})).toBe(true);
    expect(matches('team notin (a)', {})).toBe(true);
  });
});

describe('compileNamespaceSelection', () => {
  const namespaces: NamespaceLike[] = [
    {name: 'default', labels: {}},
    {name: 'kube-system', labels: {team: 'a'}},
    {name: 'kube-public', labels: {}},
    {name: 'team-a', labels: {team: 'a'}},
    {name: 'team-b', labels: {team: 'b'}},
    {name: 'team-c', labels: {team: 'c'}, phase: 'Terminating'},
    {name: 'web', labels: {team: 'a'}},
  ];

  it('all namespaces leave out system and terminating ones', () => {
    expect(compileNamespaceSelection({all: true})(namespaces).selected).toEqual(['default', 'team-a', 'team-b', 'web']);
  });

  it('selector and regex narrow together; system namespaces only when named', () => {
    expect(compileNamespaceSelection({selector: 'team=a'})(namespaces).selected).toEqual(['team-a', 'web']);
    expect(compileNamespaceSelection({selector: 'team=a', regex: '^team-'})(namespaces).selected).toEqual(['team-a']);
    expect(compileNamespaceSelection({selector: 'team=a', names: ['kube-system']})(namespaces).selected).toEqual([
      'kube-system',
      'team-a',
      'web',
    ]);
  });

  it('excludes, and reports named namespaces that do not exist', () => {
    const choice = compileNamespaceSelection({all: true, exclude: ['web'], names: ['nope', 'team-b']})(namespaces);
    expect(choice).toEqual({selected: ['default', 'team-a', 'team-b'], missing: ['nope'], terminating: []});
  });

  it('refuses a bad regex before any request', () => {
    expect(() => compileNamespaceSelection({regex: '('})).toThrow(/--namespace-regex/);
  });
});
