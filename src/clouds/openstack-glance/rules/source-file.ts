import { statSync } from 'node:fs';
import { error } from '../../../core/diagnostic.js';
import type { DocumentRule } from '../../../config/rules/rule.js';
import { isPlainObject } from '../../../config/rules/rule.js';

/**
 * `source.file` is read at apply time, relative to the file that holds the document (DESIGN.md §8.2): a path that
 * names no file is found by validate, before any API call, not halfway through an apply.
 */
export const sourceFileExists: DocumentRule = {
  name: 'source-file-exists',
  check(document, context) {
    if (document.kind !== 'image' || !isPlainObject(document.spec.source)) return [];
    const file = document.spec.source.file;
    if (typeof file !== 'string' || file === '' || file.includes('${')) return [];
    const path = context.pathFrom(document, file);
    if (statSync(path, { throwIfNoEntry: false })?.isFile()) return [];
    return [
      error(
        'rule.source-file-missing',
        `spec.source.file "${file}" is not a file (read relative to ${document.location.file})`,
        document.locate(['spec', 'source', 'file']),
        'give the path of the image data relative to this YAML file',
      ),
    ];
  },
};
