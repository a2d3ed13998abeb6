import type { Diagnostic, SourceLocation } from '../../core/diagnostic.js';
import { formatLocation } from '../../core/diagnostic.js';
import type { ResourceDocument } from '../model.js';

/** A named check over one document, run after the schema; it must tolerate values the schema rejected. */
export interface DocumentRule {
  name: string;
  check(document: ResourceDocument): Diagnostic[];
}

/** A named check across every document of the configuration. */
export interface ConfigurationRule {
  name: string;
  check(documents: readonly ResourceDocument[]): Diagnostic[];
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
