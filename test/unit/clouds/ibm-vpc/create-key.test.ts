import { describe, expect, it } from 'vitest';
import { CREATE_KEY_PREFIX, newCreateKey } from '../../../../src/clouds/ibm-vpc/kinds/create-key.js';

describe('create keys', () => {
  it('are IBM image names, 80 random bits each, never the same twice across many draws of the pool', () => {
    const keys = Array.from({ length: 2_000 }, () => newCreateKey());
    expect(new Set(keys).size).toBe(keys.length);
    for (const key of keys) {
      expect(key.startsWith(CREATE_KEY_PREFIX)).toBe(true);
      expect(key).toMatch(/^[a-z][a-z0-9-]{0,62}$/);
      expect(key.slice(CREATE_KEY_PREFIX.length)).toMatch(/^[0-9a-f]{20}$/);
    }
  });
});
