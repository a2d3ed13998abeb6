import { describe, expect, it } from 'vitest';
import { ibmVpcConfiguration } from '../../../src/clouds/ibm-vpc/configuration.js';
import { isMalformedReference, parseReference, referencesIn } from '../../../src/config/references.js';

describe('references', () => {
  it('parses a whole-string reference', () => {
    expect(parseReference('${image.ubuntu-2404.id}')).toEqual({
      address: 'image.ubuntu-2404',
      kind: 'image',
      name: 'ubuntu-2404',
      attribute: 'id',
    });
  });

  it.each([
    'prefix-${image.web.id}',
    '${image.web.id}-suffix',
    '${image.web}',
    '${image.web.id.x}',
    'image.web.id',
    '${ image.web.id }',
    42,
    null,
  ])('rejects %s', (value) => {
    expect(parseReference(value)).toBeUndefined();
  });

  it('recognises malformed attempts but not plain strings', () => {
    expect(isMalformedReference('${image.web}')).toBe(true);
    expect(isMalformedReference('x-${image.web.id}')).toBe(true);
    expect(isMalformedReference('${image.web.id}')).toBe(false);
    expect(isMalformedReference('plain')).toBe(false);
  });

  it('finds references anywhere in a spec, with paths', () => {
    const spec = {
      image: '${image.web.id}',
      storage_bucket: { name: 'b' },
      list: ['x', '${image_export_job.a.name}'],
      source_volume: { id: 'literal' },
    };
    expect(referencesIn(spec)).toEqual([
      { path: ['image'], reference: { address: 'image.web', kind: 'image', name: 'web', attribute: 'id' } },
      {
        path: ['list', 1],
        reference: { address: 'image_export_job.a', kind: 'image_export_job', name: 'a', attribute: 'name' },
      },
    ]);
  });

  it('lists attributes for every kind, images first of all by id', () => {
    const kinds = ibmVpcConfiguration.kinds;
    for (const declaration of kinds) expect(declaration.referenceAttributes.length).toBeGreaterThan(0);
    expect(kinds.find((declaration) => declaration.kind === 'image')!.referenceAttributes).toEqual(
      expect.arrayContaining(['id', 'crn', 'href', 'name', 'status']),
    );
  });
});
