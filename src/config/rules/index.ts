import { dirname, resolve } from 'node:path';
import type { Diagnostic } from '../../core/diagnostic.js';
import type { KindDeclaration } from '../../core/kind-declaration.js';
import { cloudOfType, type CloudConfiguration } from '../catalog.js';
import type { ResourceDocument } from '../model.js';
import type { DocumentContext } from '../resource-document.js';
import { addressesAreUnique } from './addresses.js';
import { noCycles } from './cycles.js';
import { datesHaveOffsets, obsolescenceAfterDeprecation } from './dates.js';
import { ignoreChangesNamesFields } from './lifecycle.js';
import { oneOwnerPerField } from './ownership.js';
import { imagesActedOnInTheirProvider, referencesAreWellFormed, referencesResolve } from './references.js';
import type { ConfigurationRule, DocumentRule, RuleContext } from './rule.js';
import { byAddress, imageTarget } from './targets.js';

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

/**
 * The declarations of the documents' kinds, from their providers' clouds, and what several rules read of the same
 * documents (their index by address, the image each acts on), each found once for the run.
 */
export function ruleContext(context: DocumentContext): RuleContext {
  const clouds = new Map<string, CloudConfiguration>();
  /** Provider name -> kind -> declaration, the first a cloud declares of a kind (as declarationOf finds it). */
  const declarations = new Map<string, Map<string, KindDeclaration>>();
  for (const provider of context.providers) {
    const cloud = cloudOfType(context.catalog, provider.type);
    if (!cloud) continue;
    clouds.set(provider.name, cloud);
    const byKind = new Map<string, KindDeclaration>();
    for (const declaration of cloud.kinds) if (!byKind.has(declaration.kind)) byKind.set(declaration.kind, declaration);
    declarations.set(provider.name, byKind);
  }
  // A provider of an unknown type (the settings' error) may have any kind: nothing more is said of its documents.
  const known = clouds.size === context.providers.length ? [...clouds.values()] : context.catalog.clouds;
  const kinds = [...new Set(known.flatMap((cloud) => cloud.kinds.map((d) => d.kind)))];
  const indexes = new WeakMap<readonly ResourceDocument[], ReadonlyMap<string, ResourceDocument>>();
  const targets = new Map<ResourceDocument, string | undefined>();
  const rules: RuleContext = {
    declarationOf(document: ResourceDocument): KindDeclaration | undefined {
      return declarations.get(document.provider)?.get(document.kind);
    },
    kinds,
    addresses(documents) {
      let index = indexes.get(documents);
      if (!index) {
        index = byAddress(documents);
        indexes.set(documents, index);
      }
      return index;
    },
    pathFrom(document, path) {
      return resolve(context.cwd ?? process.cwd(), dirname(document.location.file), path);
    },
    imageTarget(document) {
      if (targets.has(document)) return targets.get(document);
      const target = imageTarget(document, rules);
      targets.set(document, target);
      return target;
    },
  };
  return rules;
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
  // Indexed loops, and a push only of what a rule found: most rules find nothing in most documents.
  for (let i = 0; i < documents.length; i++) {
    const document = documents[i]!;
    for (let r = 0; r < DOCUMENT_RULES.length; r++) add(diagnostics, DOCUMENT_RULES[r]!.check(document, rules));
  }
  for (let r = 0; r < CONFIGURATION_RULES.length; r++)
    add(diagnostics, CONFIGURATION_RULES[r]!.check(documents, rules));
  for (const provider of context.providers) {
    const cloud = cloudOfType(context.catalog, provider.type);
    if (!cloud) continue;
    // The same list when every document is this provider's (the usual case): its index by address is shared.
    const own = documents.every((document) => document.provider === provider.name)
      ? documents
      : documents.filter((document) => document.provider === provider.name);
    const documentRules = cloud.documentRules ?? [];
    for (let i = 0; i < own.length; i++) {
      const document = own[i]!;
      for (let r = 0; r < documentRules.length; r++) add(diagnostics, documentRules[r]!.check(document, rules));
    }
    for (const rule of cloud.configurationRules ?? []) add(diagnostics, rule.check(own, rules));
  }
  return diagnostics;
}

function add(diagnostics: Diagnostic[], found: readonly Diagnostic[]): void {
  for (let i = 0; i < found.length; i++) diagnostics.push(found[i]!);
}
