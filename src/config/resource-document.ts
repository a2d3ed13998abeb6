import type { Diagnostic } from '../core/diagnostic.js';
import { error } from '../core/diagnostic.js';
import { didYouMean } from '../core/did-you-mean.js';
import { KINDS, type Kind, type Lifecycle, type ResourceDocument } from './model.js';
import { isPlainObject } from './rules/rule.js';
import { schemaDiagnostics } from './schema-diagnostics.js';
import { validateAgainst } from './schemas.js';
import type { SourceDocument } from './source-document.js';

function describeValue(value: unknown): string {
  if (Array.isArray(value)) return 'a list';
  if (value === null) return 'null';
  return `a ${typeof value}`;
}

/**
 * Check one parsed document against its kind's schema and build the ResourceDocument the rules and the engine
 * use. The document is returned whenever it has a known kind and a string name, even with schema errors, so the
 * cross-document rules still see it.
 */
export function toResourceDocument(source: SourceDocument): { document?: ResourceDocument; diagnostics: Diagnostic[] } {
  const value = source.value;
  if (!isPlainObject(value)) {
    return {
      diagnostics: [
        error(
          'schema.not-a-mapping',
          `a document must be a mapping with kind, name and spec, not ${describeValue(value)}`,
          source.start,
        ),
      ],
    };
  }
  if (!Object.prototype.hasOwnProperty.call(value, 'kind')) {
    return { diagnostics: [error('schema.required', 'kind is required', source.start, `one of ${KINDS.join(', ')}`)] };
  }
  if (typeof value.kind !== 'string' || !(KINDS as readonly string[]).includes(value.kind)) {
    const guess = typeof value.kind === 'string' ? didYouMean(value.kind, KINDS) : undefined;
    const shown = typeof value.kind === 'string' ? `"${value.kind}"` : describeValue(value.kind);
    return {
      diagnostics: [
        error(
          'schema.unknown-kind',
          `unknown kind ${shown}`,
          source.locate(['kind']),
          guess ? `did you mean "${guess}"?` : `one of ${KINDS.join(', ')}`,
        ),
      ],
    };
  }
  const kind = value.kind as Kind;
  const diagnostics = schemaDiagnostics(validateAgainst(kind, value), source, kind);
  if (typeof value.name !== 'string') return { diagnostics };
  const document: ResourceDocument = {
    kind,
    name: value.name,
    address: `${kind}.${value.name}`,
    provider: 'default',
    spec: isPlainObject(value.spec) ? value.spec : {},
    lifecycle: readLifecycle(value.lifecycle),
    location: source.start,
    locate: (path) => source.locate(path),
  };
  return { document, diagnostics };
}

/** Defaults for anything absent or mistyped (the schema reports the mistake). */
function readLifecycle(value: unknown): Lifecycle {
  const lifecycle = isPlainObject(value) ? value : {};
  return {
    prevent_destroy: lifecycle.prevent_destroy === true,
    ignore_changes: Array.isArray(lifecycle.ignore_changes)
      ? lifecycle.ignore_changes.filter((entry): entry is string => typeof entry === 'string')
      : [],
    deletion_policy: lifecycle.deletion_policy === 'orphan' ? 'orphan' : 'delete',
  };
}
