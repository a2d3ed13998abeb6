import type { Diagnostic } from '../../../core/diagnostic.js';
import { error } from '../../../core/diagnostic.js';
import type { ResourceDocument } from '../../../config/model.js';
import { has, where } from '../../../config/rules/rule.js';
import type { ConfigurationRule, DocumentRule } from '../../../config/rules/rule.js';
import { isCloudName, LOGICAL_NAME, RESERVED_CLOUD_PREFIX } from './cloud-names.js';

/** Without spec.name the logical name goes to the cloud, so it must be a valid cloud name too. */
export const defaultCloudNameIsValid: DocumentRule = {
  name: 'default-cloud-name-is-valid',
  check(document, context) {
    // Only a name with the reserved prefix can be a logical name and no cloud name (the first is a subset).
    if (!document.name.startsWith(RESERVED_CLOUD_PREFIX)) return [];
    if (!context.declarationOf(document)?.named || has(document.spec, 'name')) return [];
    if (!LOGICAL_NAME.test(document.name) || isCloudName(document.name)) return [];
    return [
      error(
        'rule.cloud-name',
        `name "${document.name}" is also the cloud name, and names starting with "ibm-" are reserved by the cloud`,
        document.locate(['name']),
        'set spec.name to a name that does not start with "ibm-"',
      ),
    ];
  },
};

/** Where a document's cloud name comes from: spec.name, else the logical name. */
function nameAt(document: ResourceDocument) {
  return document.locate(has(document.spec, 'name') ? ['spec', 'name'] : ['name']);
}

/** Image names are unique per account and region; export job names are unique per image. */
export const cloudNamesAreUnique: ConfigurationRule = {
  name: 'cloud-names-are-unique',
  check(documents, context) {
    const taken = new Map<string, ResourceDocument>();
    const problems: Diagnostic[] = [];
    for (const document of documents) {
      let scope: string | undefined;
      if (document.kind === 'image') scope = 'image';
      else if (document.kind === 'image_export_job') scope = context.imageTarget(document);
      if (scope === undefined) continue;
      const cloudName = has(document.spec, 'name') ? document.spec.name : document.name;
      if (typeof cloudName !== 'string') continue;
      const key = `${scope}\u0000${cloudName}`;
      const earlier = taken.get(key);
      if (!earlier) {
        taken.set(key, document);
        continue;
      }
      if (earlier.address === document.address) continue; // the duplicate-address rule reports it
      const rule =
        document.kind === 'image'
          ? 'image names are unique per account and region'
          : 'export job names are unique per image';
      problems.push(
        error(
          'rule.duplicate-cloud-name',
          `cloud name "${cloudName}" of ${document.address} is already used by ${earlier.address} at ${where(nameAt(earlier))}`,
          nameAt(document),
          `${rule}; set a different spec.name`,
        ),
      );
    }
    return problems;
  },
};
