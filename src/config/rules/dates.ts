import type { Diagnostic } from '../../core/diagnostic.js';
import { error } from '../../core/diagnostic.js';
import { describeBadDate, exampleDate, parseInstant } from '../dates.js';
import type { DocumentRule } from './rule.js';

/** The tri-state lifecycle dates (DESIGN.md §2), on every kind that declares them. */
const DATE_FIELDS = ['deprecation_at', 'obsolescence_at'] as const;

/** Dates are RFC 3339 with an explicit offset, or null. */
export const datesHaveOffsets: DocumentRule = {
  name: 'dates-have-offsets',
  check(document, context) {
    const fields = context.declarationOf(document)?.fields ?? {};
    const problems: Diagnostic[] = [];
    for (const field of DATE_FIELDS) {
      const value = document.spec[field];
      if (!fields[field] || typeof value !== 'string' || parseInstant(value) !== undefined) continue;
      problems.push(
        error(
          'rule.date-format',
          `spec.${field} ${JSON.stringify(value)} ${describeBadDate(value)}`,
          document.locate(['spec', field]),
          `write the date with an offset, e.g. ${exampleDate(value)}`,
        ),
      );
    }
    return problems;
  },
};

/** obsolescence_at comes after deprecation_at when both are set, compared as instants. */
export const obsolescenceAfterDeprecation: DocumentRule = {
  name: 'obsolescence-after-deprecation',
  check(document, context) {
    const fields = context.declarationOf(document)?.fields ?? {};
    if (!fields.deprecation_at || !fields.obsolescence_at) return [];
    const deprecation = document.spec.deprecation_at;
    const obsolescence = document.spec.obsolescence_at;
    if (typeof deprecation !== 'string' || typeof obsolescence !== 'string') return [];
    const from = parseInstant(deprecation);
    const to = parseInstant(obsolescence);
    if (from === undefined || to === undefined || to > from) return [];
    return [
      error(
        'rule.date-order',
        `spec.obsolescence_at must be after spec.deprecation_at (${deprecation})`,
        // At the deprecation date the message quotes (DESIGN.md §2's example points there: line 7, column 19).
        document.locate(['spec', 'deprecation_at']),
      ),
    ];
  },
};
