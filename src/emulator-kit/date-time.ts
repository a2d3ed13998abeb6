const rfc3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/i;

/** An RFC 3339 date-time with an offset, as epoch milliseconds; undefined for anything else. */
export function parseRfc3339(value: unknown): number | undefined {
  if (typeof value !== 'string' || !rfc3339.test(value) || !isCalendarDate(value)) return undefined;
  const instant = Date.parse(value);
  return Number.isNaN(instant) ? undefined : instant;
}

/** Date.parse rolls 2027-02-30 over into March; an API would refuse it. */
function isCalendarDate(value: string): boolean {
  const [year, month, day] = value.slice(0, 10).split('-').map(Number) as [number, number, number];
  const date = new Date(Date.UTC(year, month - 1, day));
  return (
    date.getUTCMonth() === month - 1 &&
    date.getUTCDate() === day &&
    Number(value.slice(11, 13)) < 24 &&
    Number(value.slice(14, 16)) < 60
  );
}
