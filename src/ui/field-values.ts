import { KNOWN_AFTER_APPLY, SENSITIVE, type FieldChange } from '../core/plan-types.js';

/** Fields that are secret whatever the engine says: a forgotten `sensitive` flag must never leak a key. */
const ALWAYS_SENSITIVE_FIELDS = new Set(['encrypted_data_key']);

export function isSensitive(field: FieldChange): boolean {
  const leaf = field.path.split('.').pop() ?? field.path;
  return field.sensitive === true || ALWAYS_SENSITIVE_FIELDS.has(leaf);
}

export function isKnownAfterApply(field: FieldChange): boolean {
  return field.known_after_apply === true || field.after === KNOWN_AFTER_APPLY;
}

/**
 * A value as the reader sees it: JSON-quoted so `null`, `"null"` and an absent value differ, and so control
 * characters from the cloud (newlines, escape codes) arrive escaped instead of acting on the terminal.
 */
export function formatValue(value: unknown): string {
  if (value === undefined) return '(not set)';
  if (value === KNOWN_AFTER_APPLY || value === SENSITIVE) return value;
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

export function displayBefore(field: FieldChange): string {
  return isSensitive(field) ? sensitiveValue(field.before) : formatValue(field.before);
}

export function displayAfter(field: FieldChange): string {
  if (isKnownAfterApply(field)) return KNOWN_AFTER_APPLY;
  return isSensitive(field) ? sensitiveValue(field.after) : formatValue(field.after);
}

/** Whether a secret is set or removed is not secret; its value is. */
function sensitiveValue(value: unknown): string {
  return value === undefined || value === null ? formatValue(value) : SENSITIVE;
}

/** The redacted form of a field change for machine output: sensitive values never leave as themselves. */
export function redactField(field: FieldChange): FieldChange {
  const sensitive = isSensitive(field);
  const knownAfterApply = isKnownAfterApply(field);
  const redacted: FieldChange = {
    path: field.path,
    before: sensitive && field.before !== undefined && field.before !== null ? SENSITIVE : (field.before ?? null),
    after: knownAfterApply
      ? KNOWN_AFTER_APPLY
      : sensitive && field.after !== undefined && field.after !== null
        ? SENSITIVE
        : (field.after ?? null),
  };
  if (field.forces_replacement) redacted.forces_replacement = true;
  if (knownAfterApply) redacted.known_after_apply = true;
  if (sensitive) redacted.sensitive = true;
  if (field.status) redacted.status = { before: field.status.before, after: field.status.after };
  return redacted;
}
