import { describe, expect, it } from 'vitest';
import { KNOWN_AFTER_APPLY } from '../../../src/core/plan-types.js';
import { UNKNOWN } from '../../../src/core/unknown.js';
import { leafChanges, sameSet, setChanges } from '../../../src/engine/nested-diff.js';

describe('leafChanges', () => {
  it('names the one leaf that changed, below the field', () => {
    expect(leafChanges('storage_bucket', { name: 'a', crn: 'crn:v1:x' }, { name: 'b', crn: 'crn:v1:x' })).toEqual([
      { path: 'storage_bucket.name', before: 'a', after: 'b' },
    ]);
  });

  it('gives one change per changed leaf, sorted by path whatever the order of the keys', () => {
    const before = { os_version: '22.04', os_distro: 'ubuntu', arch: 'x86_64', kept: 'same' };
    const after = { os_version: '24.04', arch: 'aarch64', kept: 'same', os_distro: 'debian' };
    expect(leafChanges('properties', before, after)).toEqual([
      { path: 'properties.arch', before: 'x86_64', after: 'aarch64' },
      { path: 'properties.os_distro', before: 'ubuntu', after: 'debian' },
      { path: 'properties.os_version', before: '22.04', after: '24.04' },
    ]);
  });

  it('shows an added key with before null and a removed key with after null', () => {
    expect(leafChanges('properties', { old: 'x', kept: 'k' }, { kept: 'k', new: 'y' })).toEqual([
      { path: 'properties.new', before: null, after: 'y' },
      { path: 'properties.old', before: 'x', after: null },
    ]);
  });

  it('goes down to the leaves of nested maps, also of a map that appeared or went away', () => {
    const before = { disk: { boot: { size: 10, type: 'ssd' } }, gone: { a: { b: 1 } } };
    const after = { disk: { boot: { size: 20, type: 'ssd' } }, added: { c: { d: 2 }, e: 3 } };
    expect(leafChanges('spec', before, after)).toEqual([
      { path: 'spec.added.c.d', before: null, after: 2 },
      { path: 'spec.added.e', before: null, after: 3 },
      { path: 'spec.disk.boot.size', before: 10, after: 20 },
      { path: 'spec.gone.a.b', before: 1, after: null },
    ]);
  });

  it('takes a whole value for a field that was not set at all', () => {
    expect(leafChanges('storage_bucket', null, { name: 'a' })).toEqual([
      { path: 'storage_bucket.name', before: null, after: 'a' },
    ]);
    expect(leafChanges('name', 'old', 'new')).toEqual([{ path: 'name', before: 'old', after: 'new' }]);
  });

  it('quotes a key that is not a plain word, so a dot in a key is not read as a level', () => {
    expect(leafChanges('properties', { 'os.distro': 'a' }, { 'os.distro': 'b' })).toEqual([
      { path: 'properties."os.distro"', before: 'a', after: 'b' },
    ]);
  });

  it('changes a list as a whole value of its field, order included', () => {
    expect(leafChanges('spec', { tags: ['a', 'b'], n: 1 }, { tags: ['a', 'b', 'c'], n: 1 })).toEqual([
      { path: 'spec.tags', before: ['a', 'b'], after: ['a', 'b', 'c'] },
    ]);
    expect(leafChanges('spec', { tags: ['a', 'b'] }, { tags: ['b', 'a'] })).toEqual([
      { path: 'spec.tags', before: ['a', 'b'], after: ['b', 'a'] },
    ]);
    expect(leafChanges('spec', { rules: [{ port: 22 }] }, { rules: [{ port: 443 }] })).toEqual([
      { path: 'spec.rules', before: [{ port: 22 }], after: [{ port: 443 }] },
    ]);
  });

  it('compares a set as a set: order alone is no change, a new member is', () => {
    expect(leafChanges('spec', { tags: ['a', 'b'] }, { tags: ['b', 'a'] }, { sets: ['spec.tags'] })).toEqual([]);
    expect(setChanges('tags', ['a', 'b'], ['b', 'a'])).toEqual([]);
    expect(setChanges('tags', ['a', 'b'], ['b', 'c'])).toEqual([
      { path: 'tags', before: ['a', 'b'], after: ['b', 'c'] },
    ]);
    expect(setChanges('tags', null, ['a'])).toEqual([{ path: 'tags', before: null, after: ['a'] }]);
    expect(sameSet(['a', 'a', 'b'], ['b', 'a'])).toBe(true);
    expect(sameSet(['a'], ['a', 'b'])).toBe(false);
  });

  it('finds no change in equal values, however deep', () => {
    const value = { a: { b: { c: [1, { d: 'x' }] } }, e: null };
    expect(leafChanges('spec', value, structuredClone(value))).toEqual([]);
    expect(leafChanges('spec', { a: null }, {})).toEqual([]);
    expect(leafChanges('name', 'same', 'same')).toEqual([]);
  });

  it('shows a nested unknown value as known after apply, even where the old value was unknown too', () => {
    expect(leafChanges('source', { image: 'r006-1', zone: 'z' }, { image: UNKNOWN, zone: 'z' })).toEqual([
      { path: 'source.image', before: 'r006-1', after: KNOWN_AFTER_APPLY, known_after_apply: true },
    ]);
    expect(leafChanges('source', { image: UNKNOWN }, { image: UNKNOWN })).toEqual([
      { path: 'source.image', before: UNKNOWN, after: KNOWN_AFTER_APPLY, known_after_apply: true },
    ]);
    expect(leafChanges('source', {}, { ref: { id: UNKNOWN } })).toEqual([
      { path: 'source.ref.id', before: null, after: KNOWN_AFTER_APPLY, known_after_apply: true },
    ]);
    expect(leafChanges('spec', { images: ['r006-1'] }, { images: ['r006-1', UNKNOWN] })).toEqual([
      { path: 'spec.images', before: ['r006-1'], after: KNOWN_AFTER_APPLY, known_after_apply: true },
    ]);
    expect(leafChanges('image', 'r006-1', UNKNOWN)).toEqual([
      { path: 'image', before: 'r006-1', after: KNOWN_AFTER_APPLY, known_after_apply: true },
    ]);
  });
});
