import { createHash } from 'node:crypto';
import { isUnknown, UNKNOWN, type Unknown } from '../../../core/unknown.js';
export { stableJson } from '../../../core/stable-json.js';

/**
 * Spec values accept a short and a long form where the cloud takes an object: `resource_group: rg-id` or
 * `resource_group: {id: rg-id}`; `encryption_key: crn:...` or `{crn: ...}`. These read either.
 */
export function idOf(value: unknown): string | Unknown | undefined {
  if (isUnknown(value)) return UNKNOWN;
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    for (const key of ['id', 'crn', 'href', 'name']) {
      const inner = record[key];
      if (isUnknown(inner)) return UNKNOWN;
      if (typeof inner === 'string') return inner;
    }
  }
  return undefined;
}

export function stringOf(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** The form state keeps of a secret: enough to notice a change, useless to an attacker of a random key. */
export function secretHash(value: string): string {
  return `sha256:${createHash('sha256').update(value).digest('hex')}`;
}
