import type { Diagnostic, SourceLocation } from '../core/diagnostic.js';

/** The resource kinds of DESIGN.md §2. */
export const KINDS = ['image', 'image_deprecate', 'image_obsolete', 'image_export_job'] as const;
export type Kind = (typeof KINDS)[number];

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
  spec: Record<string, unknown>;
  lifecycle: Lifecycle;
  /** Where the document starts (its `kind:` key). */
  location: SourceLocation;
  /** Position of any node of this document (falls back to the nearest existing ancestor). */
  locate(path: NodePath): SourceLocation;
}

export interface ProviderSettings {
  type: 'embedded' | 'ibm-vpc';
  region: string;
  endpoint?: string;
  iam_endpoint?: string;
  api_key_env: string;
}

export interface StateSettings {
  backend: 'local' | 'postgres';
  url_env: string;
  workspace: string;
  schema?: string;
}

export interface Settings {
  provider: ProviderSettings;
  state: StateSettings;
  /** Where imageform.yaml was read from, if it exists. */
  file?: string;
}

export interface Configuration {
  /** Absolute path of the configuration directory. */
  dir: string;
  settings: Settings;
  /** Sorted by file path, then position in file. */
  documents: ResourceDocument[];
}

export interface LoadResult {
  configuration: Configuration;
  /** Errors and warnings; the configuration is only usable when there are no errors. */
  diagnostics: Diagnostic[];
}

/** A parsed `${kind.name.attribute}` reference. */
export interface Reference {
  address: string;
  kind: string;
  name: string;
  attribute: string;
}
