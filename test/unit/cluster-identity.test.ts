import {describe, expect, it} from 'vitest';
import {endpointIdentity, normalizeServerUrl, uidIdentity} from '../../src/core/cluster-identity.js';

describe('normalizeServerUrl', () => {
  it('spells one server one way: case, loopback names, default port, trailing slash', () => {
    expect(normalizeServerUrl('https://LOCALHOST:6443/')).toBe('https://127.0.0.1:6443');
    expect(normalizeServerUrl('https://127.0.0.1:6443')).toBe('https://127.0.0.1:6443');
    expect(normalizeServerUrl('https://[::1]:6443')).toBe('https://127.0.0.1:6443');
    expect(normalizeServerUrl('https://api.example.com')).toBe('https://api.example.com:443');
    expect(normalizeServerUrl('https://api.example.com:443/k8s/')).toBe('https://api.example.com:443/k8s');
  });
});

describe('endpointIdentity', () => {
  const ca = '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n';
  it('is equal for spellings of one server with one CA, and differs by server or CA', () => {
    const a = endpointIdentity('https://localhost:6443', ca);
    expect(a.id).toMatch(/^endpoint-[0-9a-f]{24}$/);
    expect(a.source).toBe('endpoint');
    expect(endpointIdentity('https://127.0.0.1:6443/', ca.replace(/\n/g, '\r\n'))).toEqual(a);
    expect(endpointIdentity('https://127.0.0.1:6444', ca).id).not.toBe(a.id);
    expect(endpointIdentity('https://127.0.0.1:6443', undefined).id).not.toBe(a.id);
  });

  it('never looks like a kube-system UID', () => {
    expect(uidIdentity('5f0c7c1e-0000-4000-8000-000000000000')).toEqual({
      id: '5f0c7c1e-0000-4000-8000-000000000000',
      source: 'kube-system',
    });
  });
});
