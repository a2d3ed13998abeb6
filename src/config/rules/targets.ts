import { parseReference } from '../references.js';
import type { ResourceDocument } from '../model.js';

/**
 * The image a deprecate/obsolete/export document acts on, as a key shared by everyone acting on it:
 * the address for a managed image (`image.web`), the literal ID otherwise. Undefined when unreadable.
 */
export function imageTarget(document: ResourceDocument): string | undefined {
  const value = document.spec.image;
  if (typeof value !== 'string') return undefined;
  const reference = parseReference(value);
  if (reference) return reference.kind === 'image' ? reference.address : undefined;
  return value.includes('${') ? undefined : value;
}

/** Index documents by address (the first one wins when an address is defined twice). */
export function byAddress(documents: readonly ResourceDocument[]): Map<string, ResourceDocument> {
  const index = new Map<string, ResourceDocument>();
  for (const document of documents) if (!index.has(document.address)) index.set(document.address, document);
  return index;
}
