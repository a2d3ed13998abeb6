import type { Diagnostic } from '../../core/diagnostic.js';
import { error } from '../../core/diagnostic.js';
import type { ResourceDocument } from '../model.js';
import { where } from './rule.js';
import type { ConfigurationRule } from './rule.js';

/** An address is defined once across all files and providers; the second definition names the first. */
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
