import type { KindDeclaration } from '../core/kind-declaration.js';
import type { ConfigurationRule, DocumentRule } from './rules/rule.js';

/**
 * What the configuration needs to know of a cloud, handed in by the composition root (config never imports a
 * cloud): its kinds and their schemas, its settings schema, the kinds it lacks and the rules it adds.
 */
export interface CloudConfiguration {
  /** The `type:` of a provider of this cloud, e.g. `ibm-vpc`. */
  type: string;
  kinds: readonly KindDeclaration[];
  /** Kinds other clouds have and this one does not: kind -> what to use instead. */
  unsupportedKinds?: Readonly<Record<string, string>>;
  /** JSON Schema of a provider entry's keys besides `type` and `embedded`. */
  settingsSchema: Record<string, unknown>;
  /** What a literal image id of this cloud looks like (where a reference may stand, DESIGN.md §2). */
  literalImageId: { pattern: string; example: string };
  /** Rules of this cloud that need no API call. */
  documentRules?: readonly DocumentRule[];
  configurationRules?: readonly ConfigurationRule[];
}

/** Every cloud the composition root registered, by type. */
export interface CloudCatalog {
  clouds: readonly CloudConfiguration[];
  /** The cloud of a provider with no `type` (the single-provider default, DESIGN.md §3). */
  defaultType: string;
  /** ajv's standalone code for the catalog's schemas, generated ahead (scripts/generate-validators.ts). */
  precompiled?: PrecompiledValidators;
}

/**
 * Validators compiled ahead, by schema key, with the exact text of the schema each came from: one is used only
 * while its schema is still that text, so a changed declaration is compiled at run time, never validated stale.
 */
export interface PrecompiledValidators {
  validators: Readonly<Record<string, unknown>>;
  schemas: Readonly<Record<string, string>>;
}

export function cloudOfType(catalog: CloudCatalog, type: string): CloudConfiguration | undefined {
  return catalog.clouds.find((cloud) => cloud.type === type);
}

/** The declaration of a kind in a cloud, if the cloud has it. */
export function declarationOf(cloud: CloudConfiguration, kind: string): KindDeclaration | undefined {
  return cloud.kinds.find((declaration) => declaration.kind === kind);
}

/** Every kind of the catalog, in the order the clouds declare them, each once. */
export function catalogKinds(catalog: CloudCatalog): string[] {
  return [...new Set(catalog.clouds.flatMap((cloud) => cloud.kinds.map((declaration) => declaration.kind)))];
}
