import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ErrorObject } from 'ajv';
import { describe, expect, it } from 'vitest';
import { CATALOG } from '../../../src/app/catalog.js';
import { kindSchemaPath } from '../../../src/config/schema-assembly.js';
import { newAjv, SCHEMA_DIRECTORY } from '../../../src/config/schemas.js';
import { committedSchemaPaths, renderedSchemas } from '../../../scripts/generate-schemas.js';

const directory = fileURLToPath(SCHEMA_DIRECTORY);
const read = (name: string) => JSON.parse(readFileSync(`${directory}${name}`, 'utf8')) as Record<string, any>;
const files = (await committedSchemaPaths()).sort();

/** The committed files as an editor reads them, each under its path below schemas/ (so relative $refs resolve). */
const ajv = newAjv();
for (const file of files) ajv.addSchema({ ...read(file), $id: file });
function validateAgainst(name: string, value: unknown): ErrorObject[] {
  const validate = ajv.getSchema(`${name}.schema.json`)!;
  return validate(value) ? [] : [...(validate.errors ?? [])];
}

describe('schemas/', () => {
  it('is exactly what scripts/generate-schemas.ts writes from the declarations (npm run schemas)', async () => {
    const rendered = await renderedSchemas();
    expect(files).toEqual([...rendered.keys()].sort());
    for (const [path, text] of rendered) expect(readFileSync(`${directory}${path}`, 'utf8'), path).toBe(text);
  });

  it('has one schema per cloud and kind plus imageform.yaml, each with an $id and a description', () => {
    for (const cloud of CATALOG.clouds) {
      for (const { kind } of cloud.kinds) expect(files).toContain(kindSchemaPath(cloud, kind));
    }
    expect(files).toContain('imageform.schema.json');
    expect(files).toContain('document.schema.json');
    for (const file of files) {
      const schema = read(file);
      expect(schema.$id).toBe(basename(file));
      expect(typeof schema.description).toBe('string');
    }
  });

  it('lists exactly the spec fields of the declarations', () => {
    for (const cloud of CATALOG.clouds) {
      for (const declaration of cloud.kinds) {
        const spec = read(kindSchemaPath(cloud, declaration.kind)).properties.spec;
        expect(Object.keys(spec.properties).sort()).toEqual(Object.keys(declaration.fields).sort());
        expect(spec.additionalProperties).toBe(false);
        const required = (declaration.specSchema.required ?? []) as string[];
        for (const field of required) expect(spec.required).toContain(field);
      }
    }
  });

  it('accepts minimal documents of every kind', () => {
    const image = '${image.web.id}';
    expect(
      validateAgainst('ibm-vpc/image', {
        kind: 'image',
        name: 'web',
        spec: { file: 'cos://us-south/b/x.qcow2', operating_system: 'debian-12-amd64' },
      }),
    ).toEqual([]);
    expect(validateAgainst('ibm-vpc/image_deprecate', { kind: 'image_deprecate', name: 'd', spec: { image } })).toEqual(
      [],
    );
    expect(
      validateAgainst('ibm-vpc/image_obsolete', {
        kind: 'image_obsolete',
        name: 'o',
        spec: { image: 'r006-1a2b3c4d-0000-4000-8000-0123456789ab' },
      }),
    ).toEqual([]);
    expect(
      validateAgainst('ibm-vpc/image_export_job', {
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
    // Editors cannot tell the provider's cloud, so a kind any cloud has is checked against each cloud's schema of it.
    expect(keywords(validateAgainst('document', typo))).toEqual([
      ...keywords(validateAgainst('ibm-vpc/image', typo)),
      ...keywords(validateAgainst('openstack-glance/image', typo)),
      ...keywords(validateAgainst('alibaba-ecs/image', typo)),
      ['anyOf', {}],
    ]);
  });

  it('accepts null dates and leaves date syntax to the date rule', () => {
    const spec = {
      source_volume: { id: 'v' },
      operating_system: 'x1',
      deprecation_at: null,
      obsolescence_at: 'not a date',
    };
    expect(validateAgainst('ibm-vpc/image', { kind: 'image', name: 'web', spec })).toEqual([]);
  });

  it('describes both settings forms for editors: providers by name, or the single provider, not both', () => {
    expect(validateAgainst('imageform', { providers: { ibm: { type: 'ibm-vpc', embedded: true } } })).toEqual([]);
    expect(validateAgainst('imageform', { provider: { type: 'embedded', region: 'eu-de' } })).toEqual([]);
    const typo = validateAgainst('imageform', { providers: { ibm: { type: 'ibm-vpc', regoin: 'eu-de' } } });
    expect(typo.some((e) => e.keyword === 'additionalProperties' && e.params.additionalProperty === 'regoin')).toBe(
      true,
    );
    const both = validateAgainst('imageform', { provider: {}, providers: {} });
    expect(both.map((e) => e.keyword)).toContain('not');
  });
});
