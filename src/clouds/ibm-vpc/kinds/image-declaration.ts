import type { KindDeclaration } from '../../../core/kind-declaration.js';

// Temporary stub: replaced by the configuration branch's declaration.
export const imageDeclaration: KindDeclaration = {
  kind: 'image',
  description: 'A custom image',
  specSchema: {},
  fields: {
    name: { effect: 'update' },
    file: { effect: 'replace', writeOnly: true },
    source_volume: { effect: 'replace', writeOnly: true, nested: true },
    operating_system: { effect: 'replace' },
    resource_group: { effect: 'replace', nested: true },
    encrypted_data_key: { effect: 'replace', writeOnly: true, sensitive: true },
    encryption_key: { effect: 'replace', nested: true },
    deprecation_at: { effect: 'update' },
    obsolescence_at: { effect: 'update' },
  },
  referenceAttributes: ['id'],
  named: true,
};
