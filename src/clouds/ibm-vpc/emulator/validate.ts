import { parseRfc3339 } from '../../../emulator-kit/date-time.js';
import { fieldError } from './errors.js';
import { maxNameLength } from './names.js';

/** Field checks shared by the handlers; each throws IBM-shaped 400s naming the field. */

/** The kit's: a body that is not an object is a 400 `bad_request` (errors.ts). */
export { requireObject } from '../../../emulator-kit/request-body.js';

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

/** A date-time field: an RFC 3339 string with an offset, returned as epoch milliseconds. */
export function parseDateTime(value: unknown, field: string): number {
  const instant = parseRfc3339(value);
  if (instant === undefined) {
    throw fieldError(
      'validation_invalid_field_type',
      field,
      `${field} must be a date-time such as 2027-01-15T00:00:00Z`,
      value,
    );
  }
  return instant;
}
