import { DONE, formatElapsed } from './action-words.js';
import type { ApplyOutcome, ResourceRowState } from './apply-state.js';

/** `Apply complete! Resources: ...` or `Apply failed: N of M operations failed.` and one line per error. */
export function outcomeLines(outcome: ApplyOutcome): string[] {
  if (outcome.failed === 0) {
    const { added, changed, replaced, destroyed, forgotten } = outcome.counts;
    const forgot = forgotten > 0 ? `, ${forgotten} forgotten` : '';
    if (outcome.operation === 'destroy') return [`Destroy complete! Resources: ${destroyed} destroyed${forgot}.`];
    return [`Apply complete! Resources: ${added} added, ${changed} changed, ${replaced} replaced, ${destroyed} destroyed${forgot}.`];
  }
  return [
    `${outcome.operation === 'destroy' ? 'Destroy' : 'Apply'} failed: ${outcome.failed} of ${outcome.total} operations failed.`,
    ...outcome.errors.map((error) => `  ${error.address}: ${error.message}`),
  ];
}

/** The line for a resource that has ended: `image.web: created (r006-...) [1.2s]` or `image.web: failed: ...`. */
export function finishedRowText(row: ResourceRowState): string {
  if (row.status === 'failed') return `${row.address}: failed: ${row.error ?? 'failed'}`;
  const id = row.id ? ` (${row.id})` : '';
  return `${row.address}: ${DONE[row.action]}${id} [${formatElapsed(row.elapsedMs ?? 0)}]`;
}
