import type { ErrorObject } from 'ajv';
import type { Diagnostic } from '../core/diagnostic.js';
import { error } from '../core/diagnostic.js';
import { didYouMean } from '../core/did-you-mean.js';
import { displayPath, fromJsonPointer } from './node-path.js';
import { allowedProperties } from './schemas.js';
import { mayHoldSecret } from './secret-keys.js';
import type { SourceDocument } from './source-document.js';

interface SchemaWithMessages {
  errorMessage?: string;
  patternErrorMessage?: string;
  oneOf?: { required?: string[]; errorMessage?: string }[];
}

/** A union's message: its own, or the one its branches share (kept there so editors do not show it for every error). */
function unionMessage(schema: SchemaWithMessages): string | undefined {
  const branches = new Set((schema.oneOf ?? []).map((branch) => branch.errorMessage));
  return schema.errorMessage ?? (branches.size === 1 ? [...branches][0] : undefined);
}

export interface SchemaDiagnosticOptions {
  /** Fields whose values are never repeated in a message (the kind's sensitive fields). */
  sensitive?: ReadonlySet<string>;
}

/**
 * Turn ajv's errors into one diagnostic per real problem, placed on the offending YAML node:
 * the key for an unknown key or a missing field's parent, the value otherwise. oneOf noise collapses into
 * the schema's own `errorMessage`, and a "missing" field explained by a typo next to it is not reported twice.
 */
export function schemaDiagnostics(
  errors: readonly ErrorObject[],
  document: SourceDocument,
  subject: string,
  options: SchemaDiagnosticOptions = {},
): Diagnostic[] {
  const unions = errors.filter((e) => e.keyword === 'oneOf' || e.keyword === 'anyOf').map((e) => `${e.schemaPath}/`);
  // A value of the wrong type explains every other complaint about that same value.
  const outsideUnions = errors.filter((e) => !unions.some((prefix) => e.schemaPath.startsWith(prefix)));
  const mistyped = new Set(outsideUnions.filter((e) => e.keyword === 'type').map((e) => e.instancePath));
  // ajv sums up a bad key's own error with "property name must be valid": the key's error says it already.
  const badKeys = new Set(
    outsideUnions.filter((e) => e.propertyName !== undefined).map((e) => `${e.instancePath}\0${e.propertyName}`),
  );
  const meaningful = outsideUnions.filter(
    (e) =>
      (e.keyword === 'type' || !mistyped.has(e.instancePath)) &&
      !(e.keyword === 'propertyNames' && badKeys.has(`${e.instancePath}\0${String(e.params.propertyName)}`)),
  );

  const suggestions = new Map<string, Set<string>>();
  for (const e of meaningful) {
    if (e.keyword !== 'additionalProperties') continue;
    const guess = didYouMean(String(e.params.additionalProperty), allowedProperties(e.parentSchema));
    if (!guess) continue;
    if (!suggestions.has(e.instancePath)) suggestions.set(e.instancePath, new Set());
    suggestions.get(e.instancePath)!.add(guess);
  }
  const explainedByTypo = (e: ErrorObject): boolean => {
    const guessed = suggestions.get(e.instancePath);
    if (!guessed) return false;
    if (e.keyword === 'required') return guessed.has(String(e.params.missingProperty));
    if (e.keyword === 'oneOf' && !e.params.passingSchemas) {
      const alternatives = ((e.parentSchema as SchemaWithMessages).oneOf ?? []).flatMap(
        (branch) => branch.required ?? [],
      );
      return alternatives.some((name) => guessed.has(name));
    }
    return false;
  };

  return meaningful.filter((e) => !explainedByTypo(e)).map((e) => describe(e, document, subject, options));
}

function describe(
  e: ErrorObject,
  document: SourceDocument,
  subject: string,
  options: SchemaDiagnosticOptions,
): Diagnostic {
  const path = fromJsonPointer(e.instancePath);
  const field = displayPath(path);
  const schema = (e.parentSchema ?? {}) as SchemaWithMessages;
  const valueAt = document.locate(path);
  const objectAt = path.length > 0 ? document.locate(path, { key: true }) : document.start;
  // A value put where a variable's name belongs is likely the secret itself.
  const secret = path.some((p) => options.sensitive?.has(String(p)) || mayHoldSecret(String(p)));
  const shown = (value: unknown): string =>
    typeof value === 'string' && value.length <= 80 && !secret ? ` ${JSON.stringify(value)}` : '';

  switch (e.keyword) {
    case 'additionalProperties': {
      const key = String(e.params.additionalProperty);
      const allowed = allowedProperties(e.parentSchema);
      const guess = didYouMean(key, allowed);
      const hint = guess ? `did you mean "${guess}"?` : `${subject} allows: ${allowed.join(', ')}`;
      return error(
        'schema.unknown-field',
        `unknown field ${displayPath([...path, key])} in ${subject}`,
        document.locate([...path, key], { key: true }),
        hint,
      );
    }
    case 'required': {
      const missing = displayPath([...path, String(e.params.missingProperty)]);
      return error('schema.required', `${missing} is required in ${subject}`, objectAt);
    }
    case 'type': {
      const examples = (e.parentSchema as { examples?: unknown[] } | undefined)?.examples;
      const hint =
        examples?.length && e.params.type === 'object'
          ? `write it as ${examples.map(flowMapping).join(' or ')}`
          : undefined;
      return error('schema.type', `${field} must be ${typeWords(e.params.type)}`, valueAt, hint);
    }
    case 'enum': {
      const allowed = (e.params.allowedValues as unknown[]).map(String);
      const guess = typeof e.data === 'string' ? didYouMean(e.data, allowed) : undefined;
      return error(
        'schema.enum',
        `${field}${shown(e.data)} must be one of ${allowed.join(', ')}`,
        valueAt,
        guess ? `did you mean "${guess}"?` : undefined,
      );
    }
    case 'const':
      return error('schema.enum', `${field} must be ${JSON.stringify(e.params.allowedValue)}`, valueAt);
    case 'pattern':
      return error(
        'schema.pattern',
        `${field}${shown(e.data)} ${schema.patternErrorMessage ?? `must match ${String(e.params.pattern)}`}`,
        valueAt,
      );
    case 'maxLength':
      return error('schema.length', `${field} must be at most ${String(e.params.limit)} characters`, valueAt);
    case 'minLength':
      return error('schema.length', `${field} must not be empty`, valueAt);
    case 'oneOf':
    case 'anyOf':
    case 'not': {
      const onObject = e.data !== null && typeof e.data === 'object' && !Array.isArray(e.data);
      const where = onObject ? objectAt : valueAt;
      const code = e.keyword === 'not' ? 'schema.not' : 'schema.one-of';
      return error(
        code,
        `${field}${e.keyword === 'not' ? shown(e.data) : ''} ${unionMessage(schema) ?? 'is not valid'}`,
        where,
      );
    }
    case 'dependencies': {
      const property = String(e.params.property);
      const needed = displayPath([...path, String(e.params.missingProperty)]);
      return error(
        'schema.dependency',
        `${displayPath([...path, property])} needs ${needed}`,
        document.locate([...path, property], { key: true }),
      );
    }
    case 'uniqueItems': {
      const second = Math.max(Number(e.params.i), Number(e.params.j));
      return error(
        'schema.unique-items',
        `${field} lists the same value twice`,
        document.locate([...path, second]),
        'remove the repeated entry',
      );
    }
    case 'format':
      return error(
        'schema.format',
        `${field} must be a ${e.params.format === 'uri' ? 'URL' : String(e.params.format)}`,
        valueAt,
      );
    default:
      return error('schema.invalid', `${field || subject} ${e.message ?? 'is not valid'}`, valueAt);
  }
}

/** A schema's example as a one-line YAML mapping: `{crn: "crn:v1:..."}`, `{name: my-bucket}`. */
function flowMapping(example: unknown): string {
  if (example === null || typeof example !== 'object') return JSON.stringify(example);
  const entries = Object.entries(example).map(
    ([key, value]) =>
      `${key}: ${typeof value === 'string' && /^[a-z0-9-]+$/i.test(value) ? value : JSON.stringify(value)}`,
  );
  return `{${entries.join(', ')}}`;
}

function typeWords(type: unknown): string {
  const words: Record<string, string> = {
    string: 'a string',
    null: 'null',
    object: 'a mapping',
    array: 'a list',
    boolean: 'true or false',
    number: 'a number',
    integer: 'a whole number',
  };
  const list = (Array.isArray(type) ? type : String(type).split(',')).map((t) => words[String(t)] ?? String(t));
  return list.join(' or ');
}
