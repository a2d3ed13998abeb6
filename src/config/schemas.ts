import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import type { ErrorObject, ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { KINDS, type Kind } from './model.js';

/** The schemas directory, from src/config/ and dist/config/ alike. */
export const SCHEMA_DIRECTORY = new URL('../../schemas/', import.meta.url);

export type SchemaName = Kind | 'imageform' | 'document' | 'defs';

// ajv-formats is CommonJS: under NodeNext its default export sits one level down.
const addFormats = ((addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ??
  addFormatsModule) as unknown as (ajv: Ajv, options: { formats: string[] }) => Ajv;

/** Annotations for editors (VS Code, yaml-language-server) that our error mapping reads too. */
export const MESSAGE_KEYWORDS = ['errorMessage', 'patternErrorMessage'] as const;

let compiled: Map<SchemaName, ValidateFunction> | undefined;

function readSchema(name: SchemaName): Record<string, unknown> {
  return JSON.parse(readFileSync(new URL(`${name}.schema.json`, SCHEMA_DIRECTORY), 'utf8')) as Record<string, unknown>;
}

/** Compiles every schema once per process (the 1,000-document benchmark depends on it). */
function validators(): Map<SchemaName, ValidateFunction> {
  if (compiled) return compiled;
  const ajv = new Ajv({
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
  const names: SchemaName[] = ['defs', ...KINDS, 'imageform', 'document'];
  for (const name of names) ajv.addSchema(readSchema(name), `${name}.schema.json`);
  compiled = new Map();
  for (const name of names) {
    if (name === 'defs') continue;
    compiled.set(name, ajv.getSchema(`${name}.schema.json`)!);
  }
  return compiled;
}

/** Validate a value against one schema; ajv's raw errors (mapped to diagnostics by schema-diagnostics.ts). */
export function validateAgainst(name: Exclude<SchemaName, 'defs'>, value: unknown): ErrorObject[] {
  const validate = validators().get(name)!;
  return validate(value) ? [] : [...(validate.errors ?? [])];
}

/** The property names a schema object allows (for did-you-mean on unknown keys). */
export function allowedProperties(schema: unknown): string[] {
  const properties = (schema as { properties?: Record<string, unknown> } | undefined)?.properties;
  return properties ? Object.keys(properties) : [];
}
