import type { Diagnostic } from '../../core/diagnostic.js';
import type { KindDeclaration } from '../../core/kind-declaration.js';
import { cloudOfType, declarationOf, type CloudConfiguration } from '../catalog.js';
import type { ResourceDocument } from '../model.js';
import type { DocumentContext } from '../resource-document.js';
import { addressesAreUnique } from './addresses.js';
import { noCycles } from './cycles.js';
import { datesHaveOffsets, obsolescenceAfterDeprecation } from './dates.js';
import { ignoreChangesNamesFields } from './lifecycle.js';
import { oneOwnerPerField } from './ownership.js';
import { imagesActedOnInTheirProvider, referencesAreWellFormed, referencesResolve } from './references.js';
import type { ConfigurationRule, DocumentRule, RuleContext } from './rule.js';

/** Rules that need no cloud and hold for every cloud, in the order they report. */
export const DOCUMENT_RULES: readonly DocumentRule[] = [
  datesHaveOffsets,
  obsolescenceAfterDeprecation,
  ignoreChangesNamesFields,
  referencesAreWellFormed,
];

export const CONFIGURATION_RULES: readonly ConfigurationRule[] = [
  addressesAreUnique,
  referencesResolve,
  imagesActedOnInTheirProvider,
  noCycles,
  oneOwnerPerField,
];

/** The declarations of the documents' kinds, from their providers' clouds. */
export function ruleContext(context: DocumentContext): RuleContext {
  const clouds = new Map<string, CloudConfiguration>();
  for (const provider of context.providers) {
    const cloud = cloudOfType(context.catalog, provider.type);
    if (cloud) clouds.set(provider.name, cloud);
  }
  // A provider of an unknown type (the settings' error) may have any kind: nothing more is said of its documents.
  const known = clouds.size === context.providers.length ? [...clouds.values()] : context.catalog.clouds;
  const kinds = [...new Set(known.flatMap((cloud) => cloud.kinds.map((d) => d.kind)))];
  return {
    declarationOf(document: ResourceDocument): KindDeclaration | undefined {
      const cloud = clouds.get(document.provider);
      return cloud && declarationOf(cloud, document.kind);
    },
    kinds,
  };
}

/**
 * The generic rules over every document, then each provider's cloud rules over that provider's documents: names,
 * limits and images belong to one account and region.
 */
export function runRules(
  documents: readonly ResourceDocument[],
  context: DocumentContext,
  rules: RuleContext = ruleContext(context),
): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  for (const document of documents) for (const rule of DOCUMENT_RULES) diagnostics.push(...rule.check(document, rules));
  for (const rule of CONFIGURATION_RULES) diagnostics.push(...rule.check(documents, rules));
  for (const provider of context.providers) {
    const cloud = cloudOfType(context.catalog, provider.type);
    if (!cloud) continue;
    const own = documents.filter((document) => document.provider === provider.name);
    for (const document of own) {
      for (const rule of cloud.documentRules ?? []) diagnostics.push(...rule.check(document, rules));
    }
    for (const rule of cloud.configurationRules ?? []) diagnostics.push(...rule.check(own, rules));
  }
  return diagnostics;
}
