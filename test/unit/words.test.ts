import {describe, expect, it} from 'vitest';
import {counted} from '../../src/core/words.js';

describe('counted', () => {
  it('uses the singular for exactly one, the plural otherwise', () => {
    expect([0, 1, 2].map((n) => counted(n, 'key'))).toEqual(['0 keys', '1 key', '2 keys']);
  });
  it('takes an irregular plural', () => {
    expect([1, 3].map((n) => counted(n, 'copy', 'copies'))).toEqual(['1 copy', '3 copies']);
  });
});
