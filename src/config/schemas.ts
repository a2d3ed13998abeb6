import { createRequire } from 'node:module';
import type { Ajv, ErrorObject, ValidateFunction } from 'ajv';
import type * as AjvModule from 'ajv';
import type { KindDeclaration } from '../core/kind-declaration.js';
import { cloudOfType, type CloudCatalog, type CloudConfiguration } from './catalog.js';
import {
  defsSchema,
  kindSchema,
  kindSchemaPath,
  providerEntrySchema,
  settingsEnvelopeSchema,
  type JsonSchema,
} from './schema-assembly.js';

/** The schemas directory, from src/config/ and dist/config/ alike. */
export const SCHEMA_DIRECTORY = new URL('../../schemas/', import.meta.url);

/** Annotations for editors (VS Code, yaml-language-server) that our error mapping reads too. */
export const MESSAGE_KEYWORDS = ['errorMessage', 'patternErrorMessage'] as const;

/**
 * The ajv every schema is compiled with (tests compile the files of schemas/ with it too). `fast` is for the run
 * itself, where compiling is a good part of a small `validate`: no check of each schema against the JSON Schema
 * meta-schema (ours are generated from the declarations, and schemas.test.ts checks the same schemas with it on),
 * and no optimising pass over the generated code (the same checks, a few more statements).
 */
export function newAjv(options: { fast?: boolean; standalone?: boolean } = {}): Ajv {
  // Loaded on first use: ~110 ms of CPU at start that a run with the precompiled validators never spends.
  const require = createRequire(import.meta.url);
  const { Ajv } = require('ajv') as typeof AjvModule;
  const addFormats = require('ajv-formats') as (ajv: Ajv, options: { formats: string[] }) => Ajv;
  const ajv = new Ajv({
    validateSchema: !options.fast,
    code: { optimize: !options.fast, ...(options.standalone ? { source: true, esm: true } : {}) },
    allErrors: true,
    verbose: true,
    strict: true,
    strictTypes: false,
    strictRequired: false,
    allowUnionTypes: true,
    // Dates are checked by the named date rule, which explains what is wrong; editors still see the format.
    formats: { 'date-time': true },
  });
  addFormats(ajv, { formats: ['uri'] });
  for (const keyword of MESSAGE_KEYWORDS) ajv.addKeyword({ keyword, schemaType: 'string' });
  return ajv;
}

interface CatalogValidators {
  ajv?: Ajv;
  /** Whether the catalog's defs schema is the one the precompiled validators were generated with. */
  defsPrecompiled: boolean;
  compiled: Map<string, ValidateFunction>;
}

const byCatalog = new WeakMap<CloudCatalog, CatalogValidators>();

/**
 * Every schema validation compiles for a catalog, by the key it is registered under (kind schemas by their path
 * below schemas/, so their `../defs.schema.json` resolves): what scripts/generate-validators.ts precompiles.
 */
export function validatedSchemas(catalog: CloudCatalog): Map<string, JsonSchema> {
  const schemas = new Map<string, JsonSchema>([['imageform.schema.json', settingsEnvelopeSchema()]]);
  for (const cloud of catalog.clouds) {
    schemas.set(`${cloud.type}/provider.schema.json`, providerEntrySchema(cloud));
    for (const declaration of cloud.kinds) {
      schemas.set(kindSchemaPath(cloud, declaration.kind), kindSchema(cloud, declaration, '../defs.schema.json'));
    }
  }
  return schemas;
}

/** The text a precompiled validator is checked against: the schema with its key as $id. */
export function schemaText(key: string, schema: JsonSchema): string {
  return JSON.stringify({ ...schema, $id: key });
}

/**
 * A validator once per process and catalog, on first use: the one precompiled from exactly this schema
 * (the catalog's, generated ahead), else compiled by ajv, loaded then.
 */
function validator(catalog: CloudCatalog, key: string, build: () => JsonSchema): ValidateFunction {
  let validators = byCatalog.get(catalog);
  if (!validators) {
    const defsPrecompiled = catalog.precompiled?.schemas['defs.schema.json'] === JSON.stringify(defsSchema());
    validators = { defsPrecompiled, compiled: new Map() };
    byCatalog.set(catalog, validators);
  }
  let validate = validators.compiled.get(key);
  if (!validate) {
    const schema = build();
    const text = schemaText(key, schema);
    const precompiled = catalog.precompiled?.validators[key] as ValidateFunction | undefined;
    if (validators.defsPrecompiled && precompiled && catalog.precompiled?.schemas[key] === text) {
      validate = precompiled;
    } else {
      if (!validators.ajv) {
        validators.ajv = newAjv({ fast: true });
        validators.ajv.addSchema(defsSchema());
      }
      validate = validators.ajv.compile({ ...schema, $id: key });
    }
    validators.compiled.set(key, validate);
  }
  return validate;
}

function run(validate: ValidateFunction, value: unknown): ErrorObject[] {
  return validate(value) ? [] : [...(validate.errors ?? [])];
}

/** A document of a kind of a cloud of the catalog; ajv's raw errors (mapped by schema-diagnostics.ts). */
export function validateDocument(
  catalog: CloudCatalog,
  cloud: CloudConfiguration,
  declaration: KindDeclaration,
  value: unknown,
): ErrorObject[] {
  // Found by its cloud and declaration for every document after the first: no key to build and look up each time.
  let byCloud = kindValidators.get(catalog);
  if (!byCloud) {
    byCloud = new WeakMap();
    kindValidators.set(catalog, byCloud);
  }
  let byDeclaration = byCloud.get(cloud);
  if (!byDeclaration) {
    byDeclaration = new WeakMap();
    byCloud.set(cloud, byDeclaration);
  }
  let validate = byDeclaration.get(declaration);
  if (!validate) {
    const key = kindSchemaPath(cloud, declaration.kind);
    validate = validator(catalog, key, () => kindSchema(cloud, declaration, '../defs.schema.json'));
    byDeclaration.set(declaration, validate);
  }
  return run(validate, value);
}

const kindValidators = new WeakMap<
  CloudCatalog,
  WeakMap<CloudConfiguration, WeakMap<KindDeclaration, ValidateFunction>>
>();

/** imageform.yaml's keys, the provider entries only as mappings. */
export function validateSettingsEnvelope(catalog: CloudCatalog, value: unknown): ErrorObject[] {
  return run(validator(catalog, 'imageform.schema.json', settingsEnvelopeSchema), value);
}

/** One provider entry against its cloud's settings schema. */
export function validateProviderEntry(catalog: CloudCatalog, type: string, value: unknown): ErrorObject[] {
  const cloud = cloudOfType(catalog, type)!;
  return run(
    validator(catalog, `${type}/provider.schema.json`, () => providerEntrySchema(cloud)),
    value,
  );
}

/** The property names a schema object allows (for did-you-mean on unknown keys). */
export function allowedProperties(schema: unknown): string[] {
  const properties = (schema as { properties?: Record<string, unknown> } | undefined)?.properties;
  return properties ? Object.keys(properties) : [];
}
