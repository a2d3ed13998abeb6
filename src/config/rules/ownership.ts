import type { Diagnostic } from '../../core/diagnostic.js';
import { error } from '../../core/diagnostic.js';
import type { Kind, ResourceDocument } from '../model.js';
import { has, where } from './rule.js';
import type { ConfigurationRule } from './rule.js';
import { byAddress, imageTarget } from './targets.js';

/** Which image field an immediate status change owns. */
const OWNED_FIELD: Partial<Record<Kind, string>> = {
  image_deprecate: 'deprecation_at',
  image_obsolete: 'obsolescence_at',
};

/**
 * One owner per field: image_deprecate owns the image's deprecation_at, image_obsolete its obsolescence_at.
 * The image document managing the same date, or a second deprecate/obsolete of the same image, is an error.
 */
export const oneOwnerPerField: ConfigurationRule = {
  name: 'one-owner-per-field',
  check(documents) {
    const addresses = byAddress(documents);
    const owners = new Map<string, ResourceDocument>();
    const problems: Diagnostic[] = [];
    for (const document of documents) {
      const field = OWNED_FIELD[document.kind];
      const target = imageTarget(document);
      if (!field || !target) continue;
      const location = document.locate(['spec', 'image']);
      const key = `${document.kind}\u0000${target}`;
      const earlier = owners.get(key);
      if (earlier && earlier.address !== document.address) {
        problems.push(
          error(
            'rule.field-owner',
            `${document.address} and ${earlier.address} (${where(earlier.locate(['spec', 'image']))}) both manage ${field} of ${target}`,
            location,
            `keep only one ${document.kind} per image`,
          ),
        );
        continue;
      }
      owners.set(key, document);
      const image = addresses.get(target);
      if (image?.kind === 'image' && has(image.spec, field)) {
        problems.push(
          error(
            'rule.field-owner',
            `${document.address} and ${image.address} (${where(image.locate(['spec', field]))}) both manage ${field} of ${image.address}`,
            location,
            `remove spec.${field} from ${image.address} or delete ${document.address}`,
          ),
        );
      }
    }
    return problems;
  },
};
