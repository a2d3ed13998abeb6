import type { KindDeclaration } from '../../../core/kind-declaration.js';

// Temporary stub: replaced by the configuration branch's declaration.
export const imageDeprecateDeclaration: KindDeclaration = {
  kind: 'image_deprecate',
  description: 'An immediate status change',
  specSchema: {},
  fields: { image: { effect: 'replace', imageReference: true } },
  referenceAttributes: ['id'],
  ownsImageFields: ['deprecation_at'],
};
