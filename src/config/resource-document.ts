import type { ErrorObject } from 'ajv';
import type { Diagnostic, SourceLocation } from '../core/diagnostic.js';
import type { KindDeclaration } from '../core/kind-declaration.js';
import { error } from '../core/diagnostic.js';
import { didYouMean } from '../core/did-you-mean.js';
import { cloudOfType, declarationOf, type CloudCatalog, type CloudConfiguration } from './catalog.js';
import type { Lifecycle, NodePath, ProviderSettings, ResourceDocument } from './model.js';
import { isPlainObject } from './rules/rule.js';
import { schemaDiagnostics } from './schema-diagnostics.js';
import { validateDocument } from './schemas.js';
import { withoutInterpolations } from './references.js';
import type { SourceDocument } from './source-document.js';

/** What reading a document needs: the registered clouds and the providers the settings configure. */
export interface DocumentContext {
  catalog: CloudCatalog;
  /** At least one, in the order of the settings. */
  providers: readonly ProviderSettings[];
  /** The directory the documents' shown paths are relative to (the process's, unless a caller says otherwise). */
  cwd?: string;
}

function describeValue(value: unknown): string {
  if (Array.isArray(value)) return 'a list';
  if (value === null) return 'null';
  return `a ${typeof value}`;
}

/**
 * Check one parsed document against its kind's schema in its provider's cloud and build the ResourceDocument the
 * rules and the engine use. The document is returned whenever it has a known kind and a string name, even with
 * schema errors, so the cross-document rules still see it.
 */
export function toResourceDocument(
  source: SourceDocument,
  context: DocumentContext,
): { document?: ResourceDocument; diagnostics: Diagnostic[] } {
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
  const { provider, problem } = resolveProvider(value, source, context.providers);
  const diagnostics = problem ? [problem] : [];
  const cloud = cloudOfType(context.catalog, provider.type);
  // A provider of an unknown type is the settings' error: its documents are kept unchecked, for references.
  if (!cloud) {
    if (typeof value.kind !== 'string' || typeof value.name !== 'string') return { diagnostics };
    return { document: new SourceResourceDocument(source, value, value.kind, provider), diagnostics };
  }
  if (!Object.prototype.hasOwnProperty.call(value, 'kind')) {
    const kinds = cloud.kinds.map((declaration) => declaration.kind);
    diagnostics.push(error('schema.required', 'kind is required', source.start, `one of ${kinds.join(', ')}`));
    return { diagnostics };
  }
  const declaration = typeof value.kind === 'string' ? declarationOf(cloud, value.kind) : undefined;
  if (!declaration) {
    diagnostics.push(kindProblem(value.kind, source, context.catalog, cloud, provider));
    return { diagnostics };
  }
  const kind = declaration.kind;
  const errors = validateDocument(context.catalog, cloud, declaration, value);
  if (errors.length > 0) {
    const reported = errors.filter(reportedElsewhere);
    if (reported.length > 0)
      diagnostics.push(...schemaDiagnostics(reported, source, kind, { sensitive: sensitiveFields(declaration) }));
  }
  if (typeof value.name !== 'string') return { diagnostics };
  return { document: new SourceResourceDocument(source, value, kind, provider), diagnostics };
}

/**
 * A document of the files. A class, not an object with a closure for `locate`: a configuration holds thousands,
 * and a closure a document (with its context) was a good part of what the garbage collector copied.
 */
class SourceResourceDocument implements ResourceDocument {
  // Declared, not class fields: a field is defined (as undefined) before the constructor assigns it, twice the work.
  declare readonly kind: string;
  declare readonly name: string;
  declare readonly address: string;
  declare readonly provider: string;
  declare readonly spec: Record<string, unknown>;
  declare readonly lifecycle: Lifecycle;
  declare readonly location: SourceLocation;
  readonly #source: SourceDocument;

  constructor(source: SourceDocument, value: Record<string, unknown>, kind: string, provider: ProviderSettings) {
    const name = value.name as string;
    this.kind = kind;
    this.name = name;
    this.address = `${kind}.${name}`;
    this.provider = provider.name;
    this.spec = isPlainObject(value.spec) ? value.spec : {};
    if (source.interpolates === false) withoutInterpolations(this.spec);
    this.lifecycle = readLifecycle(value.lifecycle);
    this.location = source.start;
    this.#source = source;
  }

  locate(path: NodePath): SourceLocation {
    return this.#source.locate(path);
  }
}

function sensitiveFields(declaration: KindDeclaration): Set<string> {
  return new Set(Object.keys(declaration.fields).filter((field) => declaration.fields[field]!.sensitive));
}

/**
 * Errors said better elsewhere: the provider by resolveProvider, a wrong ignore_changes entry by the
 * ignore-changes rule (with a did-you-mean); a mistyped entry is still the schema's.
 */
function reportedElsewhere(e: ErrorObject): boolean {
  if (e.instancePath === '/provider') return false;
  return !(/^\/lifecycle\/ignore_changes\/\d+$/.test(e.instancePath) && e.keyword !== 'type');
}

/**
 * The provider a document names, or the only one. A problem still resolves to a provider (the first), so the
 * document is checked and the cross-document rules see it; the problem fails the run.
 */
function resolveProvider(
  value: Record<string, unknown>,
  source: SourceDocument,
  providers: readonly ProviderSettings[],
): { provider: ProviderSettings; problem?: Diagnostic } {
  const first = providers[0]!;
  if (!Object.prototype.hasOwnProperty.call(value, 'provider')) {
    if (providers.length === 1) return { provider: first };
    const names = providers.map((provider) => provider.name);
    return {
      provider: first,
      problem: error(
        'document.provider-required',
        `the document names no provider, and imageform.yaml configures ${providers.length}`,
        source.start,
        `add provider: with one of ${names.join(', ')}`,
      ),
    };
  }
  // Only a problem needs the place; locating reads the file's positions.
  const at = () => source.locate(['provider']);
  if (typeof value.provider !== 'string') {
    return { provider: first, problem: error('schema.type', 'provider must be a string', at()) };
  }
  const named = providers.find((provider) => provider.name === value.provider);
  if (named) return { provider: named };
  const names = providers.map((provider) => provider.name);
  const guess = didYouMean(value.provider, names);
  return {
    provider: first,
    problem: error(
      'document.unknown-provider',
      `unknown provider "${value.provider}"`,
      at(),
      guess ? `did you mean "${guess}"?` : `the providers of imageform.yaml: ${names.join(', ')}`,
    ),
  };
}

/** A kind this document's cloud lacks: one another cloud has, one this cloud says to replace, or a typo. */
function kindProblem(
  kind: unknown,
  source: SourceDocument,
  catalog: CloudCatalog,
  cloud: CloudConfiguration,
  provider: ProviderSettings,
): Diagnostic {
  const at = source.locate(['kind']);
  const kinds = cloud.kinds.map((declaration) => declaration.kind);
  if (typeof kind !== 'string') {
    return error('schema.unknown-kind', `unknown kind ${describeValue(kind)}`, at, `one of ${kinds.join(', ')}`);
  }
  const elsewhere = catalog.clouds.filter((other) => other !== cloud && declarationOf(other, kind)).map((c) => c.type);
  const instead = cloud.unsupportedKinds?.[kind];
  if (instead !== undefined || elsewhere.length > 0) {
    const owners = elsewhere.length > 0 ? ` (a kind of ${elsewhere.join(', ')})` : '';
    return error(
      'schema.unsupported-kind',
      `${cloud.type} has no kind "${kind}"${owners}; this document belongs to provider ${provider.name}`,
      at,
      instead ?? `kinds of ${cloud.type}: ${kinds.join(', ')}`,
    );
  }
  const guess = didYouMean(kind, kinds);
  return error(
    'schema.unknown-kind',
    `unknown kind "${kind}"`,
    at,
    guess ? `did you mean "${guess}"?` : `one of ${kinds.join(', ')}`,
  );
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
