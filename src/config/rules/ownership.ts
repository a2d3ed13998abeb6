import type { Diagnostic } from '../../core/diagnostic.js';
import { error } from '../../core/diagnostic.js';
import type { ResourceDocument } from '../model.js';
import { has, where } from './rule.js';
import type { ConfigurationRule } from './rule.js';
import { imageField } from './targets.js';

/**
 * One owner per field: a kind that owns fields of the image it acts on (an immediate deprecation owns its
 * deprecation_at) shares them with no one. The image document managing the same field, or a second document of
 * that kind on the same image, is an error.
 */
export const oneOwnerPerField: ConfigurationRule = {
  name: 'one-owner-per-field',
  check(documents, context) {
    const owners = new Map<string, ResourceDocument>();
    const problems: Diagnostic[] = [];
    for (let i = 0; i < documents.length; i++) {
      const document = documents[i]!;
      const declaration = context.declarationOf(document);
      const owned = declaration?.ownsImageFields;
      if (owned === undefined || owned.length === 0) continue;
      const target = context.imageTarget(document);
      if (!target) continue;
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
      const image = context.addresses(documents).get(target);
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
