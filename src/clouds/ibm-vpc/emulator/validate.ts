import { ApiError, fieldError } from './errors.js';
import { maxNameLength } from './names.js';

/** Field checks shared by the handlers; each throws IBM-shaped 400s naming the field. */

export function requireObject(body: unknown, what = 'request body'): Record<string, unknown> {
  if (!body || typeof body !== 'object' || Array.isArray(body))
    throw new ApiError(400, 'bad_request', `The ${what} must be a JSON object`);
  return body as Record<string, unknown>;
}

export function optionalObject(body: Record<string, unknown>, field: string): Record<string, unknown> | undefined {
  const value = body[field];
  if (value === undefined) return undefined;
  if (!value || typeof value !== 'object' || Array.isArray(value)) {
    throw fieldError('validation_invalid_field_type', field, `${field} must be an object`, value);
  }
  return value as Record<string, unknown>;
}

export function optionalString(body: Record<string, unknown>, field: string, label = field): string | undefined {
  const value = body[field];
  if (value === undefined) return undefined;
  if (typeof value !== 'string')
    throw fieldError('validation_invalid_field_type', label, `${label} must be a string`, value);
  return value;
}

export function checkName(name: unknown, field: string, pattern: RegExp): string {
  if (typeof name !== 'string')
    throw fieldError('validation_invalid_field_type', field, `${field} must be a string`, name);
  if (name.length < 1 || name.length > maxNameLength) {
    throw fieldError('validation_invalid_name', field, `${field} must be 1 to ${maxNameLength} characters long`, name);
  }
  if (!pattern.test(name)) {
    throw fieldError(
      'validation_invalid_name',
      field,
      `${field} "${name}" must match ${pattern.source} (lowercase letters, digits and hyphens)`,
      name,
    );
  }
  return name;
}

const rfc3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/i;

/** A date-time field: an RFC 3339 string with an offset, returned as epoch milliseconds. */
export function parseDateTime(value: unknown, field: string): number {
  const instant =
    typeof value === 'string' && rfc3339.test(value) && isCalendarDate(value) ? Date.parse(value) : Number.NaN;
  if (Number.isNaN(instant)) {
    throw fieldError(
      'validation_invalid_field_type',
      field,
      `${field} must be a date-time such as 2027-01-15T00:00:00Z`,
      value,
    );
  }
  return instant;
}

/** Date.parse rolls 2027-02-30 over into March; the API would refuse it. */
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
