import type { SourceLocation } from './diagnostic.js';

/** A resource's kind, as its cloud declares it (`image`, `image_deprecate`, ...). */
export type Kind = string;

export type DeletionPolicy = 'delete' | 'orphan';

export interface Lifecycle {
  prevent_destroy: boolean;
  ignore_changes: string[];
  deletion_policy: DeletionPolicy;
}

/** A path into a document, e.g. ['spec', 'deprecation_at'] or ['spec', 'storage_bucket', 'name']. */
export type NodePath = readonly (string | number)[];

/**
 * One resource document from the files, after schema validation.
 * `spec` keeps key presence exactly as written: an absent key, `null` and a value are three different things
 * (the tri-state dates). Reference strings such as "${image.web.id}" are kept verbatim; the engine resolves them.
 */
export interface ResourceDocument {
  kind: Kind;
  name: string;
  /** `${kind}.${name}` */
  address: string;
  /** The provider (a name from the settings) it belongs to; the only provider's name when it names none. */
  provider: string;
  spec: Record<string, unknown>;
  lifecycle: Lifecycle;
  /** Where the document starts (its `kind:` key). */
  location: SourceLocation;
  /** Position of any node of this document (falls back to the nearest existing ancestor). */
  locate(path: NodePath): SourceLocation;
}

/** A parsed `${kind.name.attribute}` reference. */
export interface Reference {
  address: string;
  kind: string;
  name: string;
  attribute: string;
}
