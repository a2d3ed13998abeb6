import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { KIND_FIELDS } from '../../../src/config/fields.js';
import { KINDS } from '../../../src/config/model.js';
import { SCHEMA_DIRECTORY, validateAgainst } from '../../../src/config/schemas.js';

const directory = fileURLToPath(SCHEMA_DIRECTORY);
const read = (name: string) => JSON.parse(readFileSync(`${directory}${name}`, 'utf8')) as Record<string, any>;

describe('schemas/', () => {
  it('has one schema per kind plus imageform.yaml, each with an $id and a description', () => {
    const files = readdirSync(directory).sort();
    for (const kind of KINDS) expect(files).toContain(`${kind}.schema.json`);
    expect(files).toContain('imageform.schema.json');
    expect(files).toContain('document.schema.json');
    for (const file of files) {
      const schema = read(file);
      expect(schema.$id).toBe(file);
      expect(typeof schema.description).toBe('string');
    }
  });

  it('lists exactly the spec fields of KIND_FIELDS', () => {
    for (const kind of KINDS) {
      const spec = read(`${kind}.schema.json`).properties.spec;
      expect(Object.keys(spec.properties).sort()).toEqual([...KIND_FIELDS[kind].fields].sort());
      expect(spec.additionalProperties).toBe(false);
      for (const required of KIND_FIELDS[kind].required) expect(spec.required).toContain(required);
    }
  });

  it('accepts minimal documents of every kind', () => {
    const image = '${image.web.id}';
    expect(
      validateAgainst('image', {
        kind: 'image',
        name: 'web',
        spec: { file: 'cos://us-south/b/x.qcow2', operating_system: 'debian-12-amd64' },
      }),
    ).toEqual([]);
    expect(validateAgainst('image_deprecate', { kind: 'image_deprecate', name: 'd', spec: { image } })).toEqual([]);
    expect(
      validateAgainst('image_obsolete', {
        kind: 'image_obsolete',
        name: 'o',
        spec: { image: 'r006-1a2b3c4d-0000-4000-8000-0123456789ab' },
      }),
    ).toEqual([]);
    expect(
      validateAgainst('image_export_job', {
        kind: 'image_export_job',
        name: 'e',
        spec: { image, storage_bucket: { crn: 'crn:v1:x' } },
      }),
    ).toEqual([]);
    expect(validateAgainst('imageform', {})).toEqual([]);
  });

  it('the whole-document schema picks the kind schema', () => {
    expect(
      validateAgainst('document', { kind: 'image_deprecate', name: 'd', spec: { image: '${image.web.id}' } }),
    ).toEqual([]);
    const errors = validateAgainst('document', {
      kind: 'image_deprecate',
      name: 'd',
      spec: { image: '${image.web.id}', extra: 1 },
    });
    expect(errors.some((e) => e.keyword === 'additionalProperties' && e.params.additionalProperty === 'extra')).toBe(
      true,
    );
    expect(validateAgainst('document', { kind: 'volume' }).some((e) => e.keyword === 'enum')).toBe(true);
  });

  it('the whole-document schema applies only the kind schema, whose kind names start alike', () => {
    const image = { kind: 'image', name: 'web', spec: { file: 'cos://us-south/b/x.qcow2', operating_system: 'x1' } };
    expect(validateAgainst('document', image)).toEqual([]);
    // Exactly the errors of the kind's own schema: none from image_deprecate/image_export_job, whose names start with "image".
    const typo = { kind: 'image', name: 'web', spec: { file: 'cos://us-south/b/x.qcow2', operating_sytem: 'x1' } };
    const keywords = (errors: { keyword: string; params: Record<string, unknown> }[]) =>
      errors.filter((e) => e.keyword !== 'if').map((e) => [e.keyword, e.params]);
    expect(keywords(validateAgainst('document', typo))).toEqual(keywords(validateAgainst('image', typo)));
  });

  it('accepts null dates and leaves date syntax to the date rule', () => {
    const spec = {
      source_volume: { id: 'v' },
      operating_system: 'x1',
      deprecation_at: null,
      obsolescence_at: 'not a date',
    };
    expect(validateAgainst('image', { kind: 'image', name: 'web', spec })).toEqual([]);
  });
});
