import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ValidateFunction } from 'ajv';
import { describe, expect, it } from 'vitest';
import { CATALOG } from '../../../src/app/catalog.js';
import type { CloudCatalog } from '../../../src/config/catalog.js';
import { PRECOMPILED_SCHEMAS, PRECOMPILED_VALIDATORS } from '../../../src/app/generated/validators.js';
import { defsSchema } from '../../../src/config/schema-assembly.js';
import { newAjv, schemaText, validateDocument, validatedSchemas } from '../../../src/config/schemas.js';
import { parseYamlText } from '../../../src/config/source-document.js';
import { renderedValidators, VALIDATORS_FILE } from '../../../scripts/generate-validators.js';

/** What validation compiled before the precompiled validators: ajv at run time, with the run's options. */
const ajv = newAjv({ fast: true });
ajv.addSchema(defsSchema());
const schemas = validatedSchemas(CATALOG);
const compiled = new Map([...schemas].map(([key, schema]) => [key, ajv.compile({ ...schema, $id: key })]));

function outcome(validate: ValidateFunction, value: unknown) {
  return validate(value) ? [] : [...(validate.errors ?? [])];
}

function yamlBelow(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === '.imageform' || entry.name === 'vendor' ? [] : yamlBelow(path);
    return /\.ya?ml$/.test(entry.name) ? [path] : [];
  });
}

const root = fileURLToPath(new URL('../../../', import.meta.url));
const values = [...yamlBelow(join(root, 'test/fixtures')), ...yamlBelow(join(root, 'examples'))].flatMap((file) =>
  parseYamlText(readFileSync(file, 'utf8'), file).documents.map((document) => document.value),
);

/** Each value, and copies with one field broken in the ways the schemas check: type, pattern, enum, extra keys. */
function variants(value: unknown): unknown[] {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return [value];
  const record = value as Record<string, unknown>;
  const spec = (record.spec ?? {}) as Record<string, unknown>;
  const broken = [1, 'NOT valid', null, [], { x: 1 }, true, ''];
  return [
    value,
    { ...record, extra: 1 },
    { ...record, name: 'Bad_Name' },
    { ...record, lifecycle: { ignore_changes: ['nope', 3], prevent_destroy: 'yes', deletion_policy: 'x' } },
    ...Object.keys(spec).flatMap((field) => broken.map((bad) => ({ ...record, spec: { ...spec, [field]: bad } }))),
    { ...record, spec: { ...spec, unknown_field: 1 } },
    { ...record, spec: 'a string' },
  ];
}

describe('the precompiled validators (src/app/generated/validators.ts)', () => {
  it('are exactly what scripts/generate-validators.ts writes from the declarations', async () => {
    expect(readFileSync(VALIDATORS_FILE, 'utf8')).toBe(await renderedValidators());
  });

  it('cover every schema validation compiles, each from the schema it is checked against', () => {
    expect(Object.keys(PRECOMPILED_VALIDATORS).sort()).toEqual([...schemas.keys()].sort());
    for (const [key, schema] of schemas) expect(PRECOMPILED_SCHEMAS[key]).toBe(schemaText(key, schema));
    expect(PRECOMPILED_SCHEMAS['defs.schema.json']).toBe(JSON.stringify(defsSchema()));
  });

  it('give the errors ajv gives when it compiles the same schema at run time, on every fixture and variant', () => {
    expect(values.length).toBeGreaterThan(50);
    let failing = 0;
    for (const value of values.flatMap(variants)) {
      for (const [key, validate] of compiled) {
        const expected = outcome(validate, value);
        expect(outcome(PRECOMPILED_VALIDATORS[key] as ValidateFunction, value), key).toEqual(expected);
        if (expected.length > 0) failing++;
      }
    }
    expect(failing).toBeGreaterThan(1000);
  });

  it('are used for the catalog they were generated from, and ajv compiles for any other', () => {
    const cloud = CATALOG.clouds[0]!;
    const image = cloud.kinds.find((declaration) => declaration.kind === 'image')!;
    const value = { kind: 'image', name: 'Bad_Name', spec: {} };
    // Another catalog whose image kind declares one more field: its schema is not the precompiled one.
    const properties = { ...(image.specSchema.properties as object), extra_field: { type: 'string' } };
    const changed = { ...image, specSchema: { ...image.specSchema, properties } };
    const other: CloudCatalog = { ...CATALOG, clouds: [{ ...cloud, kinds: [changed] }] };
    const withExtra = { kind: 'image', name: 'web', spec: { file: 'cos://r/b/x.qcow2', extra_field: 'x' } };
    expect(validateDocument(CATALOG, cloud, image, value)).toEqual(
      outcome(compiled.get('ibm-vpc/image.schema.json')!, value),
    );
    const unknown = (errors: { keyword: string; params: unknown }[]) =>
      errors.filter((e) => e.keyword === 'additionalProperties').map((e) => e.params);
    expect(unknown(validateDocument(CATALOG, cloud, image, withExtra))).toContainEqual({
      additionalProperty: 'extra_field',
    });
    expect(unknown(validateDocument(other, other.clouds[0]!, changed, withExtra))).not.toContainEqual({
      additionalProperty: 'extra_field',
    });
  });
});
