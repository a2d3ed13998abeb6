import type { Diagnostic, SourceLocation } from '../../core/diagnostic.js';
import { formatLocation } from '../../core/diagnostic.js';
import type { KindDeclaration } from '../../core/kind-declaration.js';
import type { ResourceDocument } from '../model.js';

/**
 * What rules know beyond the documents: the declarations of their kinds, from the catalog, and what several rules
 * read of the same documents, found once per run (a context lives for one run of the rules).
 */
export interface RuleContext {
  /** The declaration of a document's kind in its provider's cloud. */
  declarationOf(document: ResourceDocument): KindDeclaration | undefined;
  /** The kinds a document may have here: those of the configured providers' clouds, each once. */
  kinds: readonly string[];
  /** A list of documents by address, the first one winning when an address is defined twice (targets.ts). */
  addresses(documents: readonly ResourceDocument[]): ReadonlyMap<string, ResourceDocument>;
  /** The image a document acts on (targets.ts imageTarget). */
  imageTarget(document: ResourceDocument): string | undefined;
  /** The absolute path of `path` written in a document: relative to the file that holds it. */
  pathFrom(document: ResourceDocument, path: string): string;
}

/** A named check over one document, run after the schema; it must tolerate values the schema rejected. */
export interface DocumentRule {
  name: string;
  check(document: ResourceDocument, context: RuleContext): Diagnostic[];
}

/**
 * A named check across documents: the generic ones see every document; a cloud's own see the documents of one
 * provider of that cloud at a time (names, limits and images belong to one account and region).
 */
export interface ConfigurationRule {
  name: string;
  check(documents: readonly ResourceDocument[], context: RuleContext): Diagnostic[];
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

export function has(object: Record<string, unknown>, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(object, key);
}

/** "images/web.yaml:3:7", for messages that name a second place. */
export function where(location: SourceLocation): string {
  return formatLocation(location);
}
