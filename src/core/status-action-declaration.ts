import type { KindDeclaration } from './kind-declaration.js';

/** An immediate status change on an image: it names the image, and owns the date field it sets. */
export function statusActionDeclaration(
  kind: string,
  description: string,
  dateField: 'deprecation_at' | 'obsolescence_at',
): KindDeclaration {
  return {
    kind,
    description,
    specSchema: {
      type: 'object',
      additionalProperties: false,
      required: ['image'],
      properties: { image: {} },
    },
    fields: { image: { effect: 'replace', imageReference: true } },
    referenceAttributes: ['id', 'image', 'status', dateField],
    ownsImageFields: [dateField],
  };
}
