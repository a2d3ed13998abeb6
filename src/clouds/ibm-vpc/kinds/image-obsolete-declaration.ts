import type { KindDeclaration } from '../../../core/kind-declaration.js';

/** `image_obsolete` on IBM Cloud VPC: makes an image obsolete now; it owns the image's `obsolescence_at`. */
export const imageObsoleteDeclaration: KindDeclaration = {
  kind: 'image_obsolete',
  description: 'Makes an image obsolete now (POST /images/{id}/obsolete); deleting the document reverts it.',
  specSchema: {
    type: 'object',
    additionalProperties: false,
    required: ['image'],
    properties: { image: {} },
  },
  fields: { image: { effect: 'replace', imageReference: true } },
  referenceAttributes: ['id', 'image', 'status', 'obsolescence_at'],
  ownsImageFields: ['obsolescence_at'],
};
