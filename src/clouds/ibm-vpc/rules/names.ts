import { error } from '../../../core/diagnostic.js';
import { NAMED_KINDS } from '../../../config/fields.js';
import { isCloudName, LOGICAL_NAME } from './cloud-names.js';
import { has } from '../../../config/rules/rule.js';
import type { DocumentRule } from '../../../config/rules/rule.js';

/** Without spec.name the logical name goes to the cloud, so it must be a valid cloud name too. */
export const defaultCloudNameIsValid: DocumentRule = {
  name: 'default-cloud-name-is-valid',
  check(document) {
    if (!NAMED_KINDS.includes(document.kind) || has(document.spec, 'name')) return [];
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
