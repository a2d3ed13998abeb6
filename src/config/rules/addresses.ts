import type { Diagnostic } from '../../core/diagnostic.js';
import { error } from '../../core/diagnostic.js';
import type { ResourceDocument } from '../model.js';
import { has, where } from './rule.js';
import type { ConfigurationRule } from './rule.js';
import { imageTarget } from './targets.js';

/** An address is defined once across all files; the second definition names the first. */
export const addressesAreUnique: ConfigurationRule = {
  name: 'addresses-are-unique',
  check(documents) {
    const first = new Map<string, ResourceDocument>();
    const problems: Diagnostic[] = [];
    for (const document of documents) {
      const earlier = first.get(document.address);
      if (!earlier) {
        first.set(document.address, document);
        continue;
      }
      problems.push(
        error(
          'rule.duplicate-address',
          `${document.address} is defined twice: here and at ${where(earlier.locate(['name']))}`,
          document.locate(['name']),
          'rename one of them or delete the copy',
        ),
      );
    }
    return problems;
  },
};

/** Where a document's cloud name comes from: spec.name, else the logical name. */
function nameAt(document: ResourceDocument) {
  return document.locate(has(document.spec, 'name') ? ['spec', 'name'] : ['name']);
}

/** Image names are unique per account and region; export job names are unique per image. */
export const cloudNamesAreUnique: ConfigurationRule = {
  name: 'cloud-names-are-unique',
  check(documents) {
    const taken = new Map<string, ResourceDocument>();
    const problems: Diagnostic[] = [];
    for (const document of documents) {
      let scope: string | undefined;
      if (document.kind === 'image') scope = 'image';
      else if (document.kind === 'image_export_job') scope = imageTarget(document);
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
