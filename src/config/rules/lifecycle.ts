import type { Diagnostic } from '../../core/diagnostic.js';
import { error } from '../../core/diagnostic.js';
import { didYouMean } from '../../core/did-you-mean.js';
import type { KindDeclaration } from '../../core/kind-declaration.js';
import type { DocumentRule } from './rule.js';

/** lifecycle.ignore_changes names real spec fields of the kind (a typo would silently ignore nothing). */
export const ignoreChangesNamesFields: DocumentRule = {
  name: 'ignore-changes-names-fields',
  check(document, context) {
    const ignored = document.lifecycle.ignore_changes;
    if (ignored.length === 0) return [];
    const declaration = context.declarationOf(document);
    if (!declaration) return [];
    const fields = fieldNames(declaration);
    const problems: Diagnostic[] = [];
    ignored.forEach((entry, index) => {
      if (typeof entry !== 'string') return;
      const field = entry.startsWith('spec.') ? entry.slice('spec.'.length) : entry;
      const dot = field.indexOf('.');
      if (fields.includes(dot === -1 ? field : field.slice(0, dot))) return;
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

/** The spec fields of a kind, in declaration order: read for every document that ignores changes. */
function fieldNames(declaration: KindDeclaration): readonly string[] {
  let names = fieldNamesOf.get(declaration);
  if (!names) {
    names = Object.keys(declaration.fields);
    fieldNamesOf.set(declaration, names);
  }
  return names;
}

const fieldNamesOf = new WeakMap<KindDeclaration, readonly string[]>();
