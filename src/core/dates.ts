/**
 * Dates are compared as instants, never as strings: 2027-01-15T00:00:00Z, 2027-01-15T00:00:00.000Z and
 * 2027-01-15T01:00:00+01:00 are the same date (DESIGN.md §2).
 */
export function toInstant(value: unknown): number | undefined {
  if (typeof value !== 'string') return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : ms;
}

/** Same instant, or both absent/null. */
export function sameDate(a: unknown, b: unknown): boolean {
  const left = a === undefined ? null : a;
  const right = b === undefined ? null : b;
  if (left === null || right === null) return left === right;
  const x = toInstant(left);
  const y = toInstant(right);
  return x !== undefined && x === y;
}

/** The instant in the cloud's canonical form (UTC, seconds), e.g. for PATCH bodies and state. */
export function canonicalDate(value: string): string {
  const ms = toInstant(value);
  if (ms === undefined) return value;
  return new Date(ms).toISOString().replace(/\.000Z$/, 'Z');
}
