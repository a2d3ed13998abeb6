import type { KindDeclaration } from '../../../core/kind-declaration.js';

// Temporary stub: replaced by the configuration branch's declaration.
export const imageExportJobDeclaration: KindDeclaration = {
  kind: 'image_export_job',
  description: 'An export job',
  specSchema: {},
  fields: {
    image: { effect: 'replace', imageReference: true },
    storage_bucket: { effect: 'replace', nested: true },
    format: { effect: 'replace' },
    name: { effect: 'update' },
    wait: { effect: 'none' },
  },
  referenceAttributes: ['id'],
  named: true,
};
