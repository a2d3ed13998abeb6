import { DOING, DONE, formatElapsed, formatPercent } from './action-words.js';
import type { ApplyOutcome, ResourceRowState } from './apply-state.js';
import { fitToWidth } from './wrap.js';

/** `Apply complete! Resources: ...` or `Apply failed: N of M operations failed.` and one line per error. */
export function outcomeLines(outcome: ApplyOutcome): string[] {
  if (outcome.failed === 0) {
    const { added, changed, replaced, destroyed, forgotten, awaited } = outcome.counts;
    const forgot = `${forgotten > 0 ? `, ${forgotten} forgotten` : ''}${awaited > 0 ? `, ${awaited} awaited` : ''}`;
    if (outcome.operation === 'destroy') return [`Destroy complete! Resources: ${destroyed} destroyed${forgot}.`];
    return [
      `Apply complete! Resources: ${added} added, ${changed} changed, ${replaced} replaced, ${destroyed} destroyed${forgot}.`,
    ];
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

/** The widest and narrowest export progress bar. */
const BAR_MAX = 20;
const BAR_MIN = 5;

/**
 * A running row cut to one line of `width`: `⠋ TEXT [ELAPSED] [BAR] 52%`. The bar shrinks first, then the text
 * loses its end to an ellipsis; the elapsed time always stays. One column is left free so no terminal wraps it.
 */
export function runningRowLayout(
  row: ResourceRowState,
  now: number,
  width: number,
): { text: string; elapsed: string; barWidth?: number } {
  const elapsed = formatElapsed(now - row.startedAt);
  const full = `${row.address}: ${DOING[row.action]}...${row.message ? ` ${row.message}` : ''}`;
  // Short of room, the latest message says more than the verb ("exporting" rather than "creating...").
  const short = row.message ? `${row.address}: ${row.message}` : full;
  const room = Math.max(0, width - 1 - `⠋  [${elapsed}]`.length);
  const barExtra = row.fraction === undefined ? 0 : ` [] ${formatPercent(row.fraction)}`.length;
  const barWidth = row.fraction === undefined ? 0 : Math.min(BAR_MAX, Math.max(BAR_MIN, room - full.length - barExtra));
  const textRoom = Math.max(0, room - barExtra - barWidth);
  const text = fitToWidth(full.length <= textRoom ? full : short, textRoom);
  return row.fraction === undefined ? { text, elapsed } : { text, elapsed, barWidth };
}
