import type { KindDeclaration } from '../../../core/kind-declaration.js';

/** `image_deprecate` on IBM Cloud VPC: deprecates an image now; it owns the image's `deprecation_at`. */
export const imageDeprecateDeclaration: KindDeclaration = {
  kind: 'image_deprecate',
  description: 'Deprecates an image now (POST /images/{id}/deprecate); deleting the document reverts it.',
  specSchema: {
    type: 'object',
    additionalProperties: false,
    required: ['image'],
    properties: { image: {} },
  },
  fields: { image: { effect: 'replace', imageReference: true } },
  referenceAttributes: ['id', 'image', 'status', 'deprecation_at'],
  ownsImageFields: ['deprecation_at'],
};
