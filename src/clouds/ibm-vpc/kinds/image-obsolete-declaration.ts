import type { KindDeclaration } from '../../../core/kind-declaration.js';

// Temporary stub: replaced by the configuration branch's declaration.
export const imageObsoleteDeclaration: KindDeclaration = {
  kind: 'image_obsolete',
  description: 'An immediate status change',
  specSchema: {},
  fields: { image: { effect: 'replace', imageReference: true } },
  referenceAttributes: ['id'],
  ownsImageFields: ['obsolescence_at'],
};
