import { Ajv } from 'ajv';
import type { ErrorObject, ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { KindDeclaration } from '../core/kind-declaration.js';
import { cloudOfType, type CloudCatalog, type CloudConfiguration } from './catalog.js';
import {
  defsSchema,
  kindSchema,
  kindSchemaPath,
  providerEntrySchema,
  settingsEnvelopeSchema,
} from './schema-assembly.js';

/** The schemas directory, from src/config/ and dist/config/ alike. */
export const SCHEMA_DIRECTORY = new URL('../../schemas/', import.meta.url);

// ajv-formats is CommonJS: under NodeNext its default export sits one level down.
const addFormats = ((addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ??
  addFormatsModule) as unknown as (ajv: Ajv, options: { formats: string[] }) => Ajv;

/** Annotations for editors (VS Code, yaml-language-server) that our error mapping reads too. */
export const MESSAGE_KEYWORDS = ['errorMessage', 'patternErrorMessage'] as const;

/**
 * The ajv every schema is compiled with (tests compile the files of schemas/ with it too). `fast` is for the run
 * itself, where compiling is a good part of a small `validate`: no check of each schema against the JSON Schema
 * meta-schema (ours are generated from the declarations, and schemas.test.ts checks the same schemas with it on),
 * and no optimising pass over the generated code (the same checks, a few more statements).
 */
export function newAjv(options: { fast?: boolean } = {}): Ajv {
  const ajv = new Ajv({
    validateSchema: !options.fast,
    code: { optimize: !options.fast },
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
  ajv: Ajv;
  compiled: Map<string, ValidateFunction>;
}

const byCatalog = new WeakMap<CloudCatalog, CatalogValidators>();

/**
 * A validator compiled once per process and catalog, on first use (the 1,000-document benchmark depends on it).
 * Kind schemas are registered under their path below schemas/, so their `../defs.schema.json` resolves.
 */
function validator(catalog: CloudCatalog, key: string, build: () => Record<string, unknown>): ValidateFunction {
  let validators = byCatalog.get(catalog);
  if (!validators) {
    const ajv = newAjv({ fast: true });
    ajv.addSchema(defsSchema());
    validators = { ajv, compiled: new Map() };
    byCatalog.set(catalog, validators);
  }
  let validate = validators.compiled.get(key);
  if (!validate) {
    validate = validators.ajv.compile({ ...build(), $id: key });
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
  const key = kindSchemaPath(cloud, declaration.kind);
  return run(
    validator(catalog, key, () => kindSchema(cloud, declaration, '../defs.schema.json')),
    value,
  );
}

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
