import { boundedMemo } from '../core/bounded-memo.js';
/**
 * RFC 3339 date-times with an explicit offset (`Z` or `+01:00`), compared as instants.
 * Stricter than Date.parse: no date-only forms, no missing offset, no impossible calendar dates.
 */
const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

// Files repeat the same few dates, and several rules read each one.
export const parseInstant: (text: string) => number | undefined = boundedMemo(readInstant);

function readInstant(text: string): number | undefined {
  const match = RFC3339.exec(text);
  if (!match) return undefined;
  const [, year, month, day, hour, minute, second, , offset] = match as unknown as string[];
  const y = Number(year);
  const m = Number(month);
  const d = Number(day);
  if (m < 1 || m > 12 || d < 1 || d > daysInMonth(y, m)) return undefined;
  if (Number(hour) > 23 || Number(minute) > 59 || Number(second) > 59) return undefined;
  if (offset !== 'Z' && offset !== 'z') {
    const [offsetHours, offsetMinutes] = offset!.slice(1).split(':').map(Number) as [number, number];
    if (offsetHours > 23 || offsetMinutes > 59) return undefined;
  }
  const instant = Date.parse(text.toUpperCase());
  return Number.isNaN(instant) ? undefined : instant;
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** Why a string is not an acceptable date, in a few words. */
export function describeBadDate(text: string): string {
  if (/^\d{4}-\d{2}-\d{2}$/.test(text)) return 'is a date without a time and offset';
  if (/^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(text)) return 'has no UTC offset';
  if (/^\d{4}-\d{2}-\d{2} /.test(text)) return 'must separate date and time with "T"';
  if (RFC3339.test(text)) return 'is not a real date and time';
  return 'is not an RFC 3339 date-time';
}

/** An example in the right form, on the user's own day when it can be read. */
export function exampleDate(text: string): string {
  const day = /^(\d{4}-\d{2}-\d{2})/.exec(text)?.[1];
  const candidate = day ? `${day}T00:00:00Z` : '';
  return day && parseInstant(candidate) !== undefined ? candidate : '2035-01-15T00:00:00Z';
}
