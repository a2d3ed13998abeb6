import { error } from '../../../core/diagnostic.js';
import type { DocumentRule } from '../../../config/rules/rule.js';
import { isPlainObject } from '../../../config/rules/rule.js';
import { isSecretKey } from '../../../config/secret-keys.js';

/**
 * The download password of a `source.url` lives in a variable named by `password_env`, read at apply time
 * (DESIGN.md §8.2; seed 003's resource keeps it in plain text in its state): one written in the file is refused,
 * and its value never appears in the message.
 */
export const sourceSecretsComeFromVariables: DocumentRule = {
  name: 'source-secrets-come-from-variables',
  check(document) {
    if (document.kind !== 'image' || !isPlainObject(document.spec.source)) return [];
    return Object.keys(document.spec.source)
      .filter(isSecretKey)
      .map((key) =>
        error(
          'rule.secret-in-file',
          `spec.source.${key} is a secret and is never written in a file`,
          document.locate(['spec', 'source', key]),
          'put it in an environment variable and name that variable with spec.source.password_env',
        ),
      );
  },
};
