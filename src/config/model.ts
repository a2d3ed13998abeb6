import type { Diagnostic } from '../core/diagnostic.js';
import type { ResourceDocument } from '../core/document.js';

export type { DeletionPolicy, Kind, Lifecycle, NodePath, Reference, ResourceDocument } from '../core/document.js';

/**
 * One provider of `providers:` (DESIGN.md §3). The single-provider form (`provider: {...}`) and no settings at all
 * are one provider named `default`.
 */
export interface ProviderSettings {
  name: string;
  /** The cloud: a type registered by the composition root (e.g. `ibm-vpc`). */
  type: string;
  /** The cloud's emulator in-process instead of the real cloud. */
  embedded: boolean;
  /** The cloud's own keys as written (validated by its settings schema; the cloud applies its defaults). */
  options: Record<string, unknown>;
}

export const DEFAULT_PROVIDER_NAME = 'default';

export interface StateSettings {
  backend: 'local' | 'postgres';
  url_env: string;
  workspace: string;
  schema?: string;
}

export interface Settings {
  /** In the order the settings list them; at least one. */
  providers: ProviderSettings[];
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
