import {describe, expect, it} from 'vitest';
import {renderRequestLine} from '../../src/kube/request-log.js';

describe('renderRequestLine', () => {
  it("prints kubectl's -v=6 line: klog header, method, URL, status, time", () => {
    const at = new Date(2026, 11, 1, 22, 41, 48, 895);
    expect(renderRequestLine(at, 'GET', 'https://127.0.0.1:6443/api/v1/namespaces/a/configmaps?limit=500', '200 OK', 4.6, 13909)).toBe(
      'I1201 22:41:48.895000   13909 request-log] GET https://127.0.0.1:6443/api/v1/namespaces/a/configmaps?limit=500 200 OK in 5 milliseconds',
    );
  });
});
