import type { KindDeclaration } from '../../core/kind-declaration.js';
import { parseReference } from '../references.js';
import type { ResourceDocument } from '../model.js';
import type { RuleContext } from './rule.js';

/** The spec field that holds the image a kind acts on (DESIGN.md §2), if the kind acts on one. */
export function imageField(declaration: KindDeclaration | undefined): string | undefined {
  if (!declaration) return undefined;
  if (!imageFields.has(declaration)) {
    imageFields.set(declaration, Object.entries(declaration.fields).find(([, facts]) => facts.imageReference)?.[0]);
  }
  return imageFields.get(declaration);
}

/** Read for every document by several rules: found once per declaration. */
const imageFields = new WeakMap<KindDeclaration, string | undefined>();

/**
 * The image a document acts on, as a key shared by everyone acting on it: the address for a managed image
 * (`image.web`), the literal ID otherwise. Undefined when unreadable or when the kind acts on no image.
 */
export function imageTarget(document: ResourceDocument, context: RuleContext): string | undefined {
  const field = imageField(context.declarationOf(document));
  const value = field === undefined ? undefined : document.spec[field];
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
