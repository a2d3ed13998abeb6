import { describe, expect, it } from 'vitest';
import { serializeState } from '../../src/state/serialize.js';
import type { StateDocument } from '../../src/state/state.js';

/** The textual form, spelled out: the ordered document as JSON.stringify(…, null, 2) prints it. */
function ordered(document: StateDocument): string {
  const sorted = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(sorted);
    if (value === null || typeof value !== 'object') return value;
    const keys = Object.keys(value).sort();
    return Object.fromEntries(keys.map((key) => [key, sorted((value as Record<string, unknown>)[key])]));
  };
  const resources = Object.fromEntries(
    Object.keys(document.resources)
      .sort()
      .map((address) => {
        const { kind, id, attributes, dependencies, lifecycle, intent, ...rest } = document.resources[address]!;
        const entry: Record<string, unknown> = {
          kind,
          id,
          attributes: sorted(attributes),
          dependencies: [...dependencies].sort(),
          lifecycle: sorted(lifecycle),
        };
        if (intent !== undefined) entry.intent = sorted(intent);
        for (const key of Object.keys(rest).sort()) entry[key] = sorted((rest as Record<string, unknown>)[key]);
        return [address, entry];
      }),
  );
  const { version, lineage, serial } = document;
  return `${JSON.stringify({ version, lineage, serial, resources }, null, 2)}\n`;
}

const lifecycle = { prevent_destroy: false, deletion_policy: 'delete' as const };

describe('serializeState', () => {
  it('prints the ordered document exactly as JSON.stringify does, empty or not, whatever the values', () => {
    const documents: StateDocument[] = [
      { version: 1, lineage: 'l-1', serial: 0, resources: {} },
      {
        version: 1,
        lineage: 'quote " and\nnewline',
        serial: 7,
        resources: {
          'image.b': {
            kind: 'image',
            id: null,
            attributes: {},
            dependencies: [],
            lifecycle,
            intent: { action: 'create', name: 'b', key: 'imageform-creating-1', started_at: '2026-12-02T00:00:00Z' },
          },
          'image.a': {
            kind: 'image',
            provider: 'left',
            id: 'r006-1',
            attributes: { z: [1, { b: 2, a: 'two\nlines' }], a: { y: [], x: {} }, n: null, u: '\u2028 é' },
            dependencies: ['image.c', 'image.b'],
            lifecycle,
          },
        },
      },
    ];
    for (const document of documents) expect(serializeState(document)).toBe(ordered(document));
  });

  it('prints an entry replaced since the last document as it now is, and the others as before', () => {
    const first = { kind: 'image', id: 'r006-1', attributes: { status: 'pending' }, dependencies: [], lifecycle };
    const document: StateDocument = { version: 1, lineage: 'l', serial: 1, resources: { 'image.a': first } };
    expect(serializeState(document)).toBe(ordered(document));
    const next: StateDocument = {
      ...document,
      serial: 2,
      resources: { ...document.resources, 'image.a': { ...first, attributes: { status: 'available' } } },
    };
    expect(serializeState(next)).toBe(ordered(next));
    expect(serializeState(next)).toContain('"status": "available"');
    expect(serializeState(document)).toContain('"status": "pending"');
  });
});
