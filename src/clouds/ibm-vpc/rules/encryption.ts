import type { Diagnostic } from '../../../core/diagnostic.js';
import { error } from '../../../core/diagnostic.js';
import type { DocumentRule } from '../../../config/rules/rule.js';

/**
 * The encryption fields each way of creating an image takes (reference §2): an encrypted import from a file needs
 * both the wrapped data key and the root key; an image from a volume takes only a root key (the volume's by default).
 */
export const encryptionFieldsMatchTheSource: DocumentRule = {
  name: 'encryption-fields-match-the-source',
  check(document) {
    if (document.kind !== 'image') return [];
    const spec = document.spec;
    const problems: Diagnostic[] = [];
    if (spec.file !== undefined && spec.encryption_key !== undefined && spec.encrypted_data_key === undefined) {
      problems.push(
        error(
          'rule.encryption-incomplete',
          'spec.encryption_key needs spec.encrypted_data_key for an image imported from a file',
          document.locate(['spec', 'encryption_key']),
          'add the data key wrapped by this root key as encrypted_data_key, or remove encryption_key for an unencrypted image',
        ),
      );
    }
    if (spec.source_volume !== undefined && spec.encrypted_data_key !== undefined) {
      problems.push(
        error(
          'rule.encryption-volume-data-key',
          'spec.encrypted_data_key applies only to an image imported from a file, not from a source_volume',
          document.locate(['spec', 'encrypted_data_key']),
          "remove encrypted_data_key; an image from a volume is encrypted with encryption_key, or the volume's own key",
        ),
      );
    }
    return problems;
  },
};
