import type { Diagnostic } from '../../core/diagnostic.js';
import type { ResourceDocument } from '../model.js';
import { addressesAreUnique, cloudNamesAreUnique } from './addresses.js';
import { noCycles } from './cycles.js';
import { datesHaveOffsets, obsolescenceAfterDeprecation } from './dates.js';
import { encryptionFieldsMatchTheSource } from '../../clouds/ibm-vpc/rules/encryption.js';
import { encryptedImagesExportAsQcow2, exportJobsWithinLimit } from '../../clouds/ibm-vpc/rules/exports.js';
import { ignoreChangesNamesFields } from './lifecycle.js';
import { defaultCloudNameIsValid } from '../../clouds/ibm-vpc/rules/names.js';
import { oneOwnerPerField } from './ownership.js';
import { referencesAreWellFormed, referencesResolve } from './references.js';
import type { ConfigurationRule, DocumentRule } from './rule.js';

/** Rules that need no cloud, in the order they report. */
export const DOCUMENT_RULES: readonly DocumentRule[] = [
  datesHaveOffsets,
  obsolescenceAfterDeprecation,
  encryptionFieldsMatchTheSource,
  defaultCloudNameIsValid,
  ignoreChangesNamesFields,
  referencesAreWellFormed,
];

export const CONFIGURATION_RULES: readonly ConfigurationRule[] = [
  addressesAreUnique,
  cloudNamesAreUnique,
  referencesResolve,
  noCycles,
  oneOwnerPerField,
  encryptedImagesExportAsQcow2,
  exportJobsWithinLimit,
];

export function runRules(documents: readonly ResourceDocument[]): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  for (const document of documents) for (const rule of DOCUMENT_RULES) diagnostics.push(...rule.check(document));
  for (const rule of CONFIGURATION_RULES) diagnostics.push(...rule.check(documents));
  return diagnostics;
}
