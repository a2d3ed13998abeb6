import type { Diagnostic } from '../../core/diagnostic.js';
import { error } from '../../core/diagnostic.js';
import { didYouMean } from '../../core/did-you-mean.js';
import type { DocumentRule } from './rule.js';

/** lifecycle.ignore_changes names real spec fields of the kind (a typo would silently ignore nothing). */
export const ignoreChangesNamesFields: DocumentRule = {
  name: 'ignore-changes-names-fields',
  check(document, context) {
    const declaration = context.declarationOf(document);
    if (!declaration) return [];
    const fields = Object.keys(declaration.fields);
    const problems: Diagnostic[] = [];
    document.lifecycle.ignore_changes.forEach((entry, index) => {
      if (typeof entry !== 'string') return;
      const field = entry.startsWith('spec.') ? entry.slice('spec.'.length) : entry;
      if (fields.includes(field.split('.')[0]!)) return;
      const guess = didYouMean(field, fields);
      problems.push(
        error(
          'rule.ignore-changes',
          `lifecycle.ignore_changes[${index}] "${entry}" is not a spec field of ${document.kind}`,
          document.locate(['lifecycle', 'ignore_changes', index]),
          guess ? `did you mean "${guess}"?` : `fields of ${document.kind}: ${fields.join(', ')}`,
        ),
      );
    });
    return problems;
  },
};
