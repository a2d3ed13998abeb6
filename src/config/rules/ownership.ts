import type { Diagnostic } from '../../core/diagnostic.js';
import { error } from '../../core/diagnostic.js';
import type { ResourceDocument } from '../model.js';
import { has, where } from './rule.js';
import type { ConfigurationRule } from './rule.js';
import { byAddress, imageField, imageTarget } from './targets.js';

/**
 * One owner per field: a kind that owns fields of the image it acts on (an immediate deprecation owns its
 * deprecation_at) shares them with no one. The image document managing the same field, or a second document of
 * that kind on the same image, is an error.
 */
export const oneOwnerPerField: ConfigurationRule = {
  name: 'one-owner-per-field',
  check(documents, context) {
    const addresses = byAddress(documents);
    const owners = new Map<string, ResourceDocument>();
    const problems: Diagnostic[] = [];
    for (const document of documents) {
      const declaration = context.declarationOf(document);
      const owned = declaration?.ownsImageFields ?? [];
      const target = imageTarget(document, context);
      if (owned.length === 0 || !target) continue;
      const field = imageField(declaration)!;
      // Only a problem needs the place; locating reads the file's positions.
      const location = () => document.locate(['spec', field]);
      const key = `${document.kind}\u0000${target}`;
      const earlier = owners.get(key);
      if (earlier && earlier.address !== document.address) {
        problems.push(
          error(
            'rule.field-owner',
            `${document.address} and ${earlier.address} (${where(earlier.locate(['spec', field]))}) both manage ${owned.join(', ')} of ${target}`,
            location(),
            `keep only one ${document.kind} per image`,
          ),
        );
        continue;
      }
      owners.set(key, document);
      const image = addresses.get(target);
      if (image?.kind !== 'image') continue;
      for (const imageField of owned) {
        if (!has(image.spec, imageField)) continue;
        problems.push(
          error(
            'rule.field-owner',
            `${document.address} and ${image.address} (${where(image.locate(['spec', imageField]))}) both manage ${imageField} of ${image.address}`,
            location(),
            `remove spec.${imageField} from ${image.address} or delete ${document.address}`,
          ),
        );
      }
    }
    return problems;
  },
};
