import { describe, expect, it } from 'vitest';
import { parseStateDocument } from '../../src/state/parse.js';

const usual = (id: string) => ({
  kind: 'image',
  id,
  attributes: { name: id },
  dependencies: [],
  lifecycle: { prevent_destroy: false, deletion_policy: 'delete' },
});

describe('reading a state document', () => {
  it('reads entries as imageform writes them as they are, members in their order', () => {
    const document = {
      version: 1,
      lineage: 'l-1',
      serial: 3,
      resources: { 'image.a': usual('r1'), 'image.b': usual('r2') },
    };
    const read = parseStateDocument(JSON.stringify(document), 'state.json');
    expect(JSON.stringify(read)).toBe(JSON.stringify(document));
  });

  it('gives every entry the lifecycle it must have, whatever the entries around it', () => {
    const text = JSON.stringify({
      version: 1,
      lineage: 'l-1',
      serial: 3,
      resources: {
        'image.a': usual('r1'),
        'image.b': { kind: 'image', id: 'r2', attributes: {}, dependencies: [] },
        'image.c': {
          kind: 'image',
          id: 'r3',
          attributes: {},
          dependencies: [],
          lifecycle: { deletion_policy: 'orphan', prevent_destroy: true, note: 'hand-edited' },
        },
        'image.d': usual('r4'),
      },
    });
    const read = parseStateDocument(text, 'state.json');
    expect(Object.keys(read.resources)).toEqual(['image.a', 'image.b', 'image.c', 'image.d']);
    expect(JSON.stringify(read.resources['image.a'])).toBe(JSON.stringify(usual('r1')));
    expect(JSON.stringify(read.resources['image.b']!.lifecycle)).toBe(
      '{"prevent_destroy":false,"deletion_policy":"delete"}',
    );
    expect(JSON.stringify(read.resources['image.c']!.lifecycle)).toBe(
      '{"prevent_destroy":true,"deletion_policy":"orphan"}',
    );
    expect(JSON.stringify(read.resources['image.d'])).toBe(JSON.stringify(usual('r4')));
  });

  it('still refuses an entry whose lifecycle is not one', () => {
    const text = JSON.stringify({
      version: 1,
      lineage: 'l-1',
      serial: 3,
      resources: { 'image.a': usual('r1'), 'image.b': { ...usual('r2'), lifecycle: { prevent_destroy: 'no' } } },
    });
    expect(() => parseStateDocument(text, 'state.json')).toThrow(
      'state.json: resources["image.b"]: not a valid imageform state document: "lifecycle" must be',
    );
  });
});
