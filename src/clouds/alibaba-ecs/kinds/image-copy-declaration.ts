import type { KindDeclaration } from '../../../core/kind-declaration.js';
import { ecsNameSchema, TAGS_SCHEMA } from './names.js';

/** `image_copy` on ECS (DESIGN.md §8.3, reference §7): CopyImage to another region, a new image there. */
export const imageCopyDeclaration: KindDeclaration = {
  kind: 'image_copy',
  description: 'Copies an image to another region (CopyImage); deleting the document deletes the copy.',
  specSchema: {
    type: 'object',
    additionalProperties: false,
    required: ['image', 'destination_region'],
    dependencies: { kms_key_id: ['encrypted'] },
    properties: {
      image: {},
      destination_region: {
        type: 'string',
        pattern: '^[a-z]{2}-[a-z0-9-]+$',
        patternErrorMessage: 'must be a region id such as cn-shanghai',
        description: 'Region of the copy. Changing it copies again.',
      },
      name: ecsNameSchema('Name of the copy. Updated in place.', 'ubuntu-2404'),
      description: {
        type: 'string',
        minLength: 2,
        maxLength: 256,
        description: 'Description of the copy. Updated in place.',
      },
      encrypted: { type: 'boolean', description: 'Encrypt the copy. Changing it copies again.' },
      kms_key_id: {
        type: 'string',
        minLength: 1,
        description: 'KMS key of an encrypted copy (needs encrypted). Changing it copies again.',
      },
      tags: TAGS_SCHEMA,
    },
  },
  fields: {
    image: { effect: 'replace', imageReference: true },
    destination_region: { effect: 'replace' },
    name: { effect: 'update' },
    description: { effect: 'update' },
    encrypted: { effect: 'replace' },
    kms_key_id: { effect: 'replace' },
    tags: { effect: 'update', nested: true },
  },
  referenceAttributes: ['id', 'image_id', 'destination_region', 'name', 'status', 'created_at'],
};
