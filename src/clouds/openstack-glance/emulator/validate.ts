import { badRequest, readOnly, reserved } from './errors.js';
import { containerFormats, diskFormats, visibilities, type StoredImage } from './model.js';

/**
 * The image's writable fields and the checks Glance makes of them (REF §3, G-CODE schema and domain): the same for
 * a create body and a JSON-patch value.
 */

const schemaError = (reason: string) => badRequest(`Provided object does not match schema 'image': ${reason}`);
const show = (value: unknown) => JSON.stringify(value);

/** Never writable (PATCH and create answer 403 "read-only"). */
export const readOnlyAttributes = new Set([
  'created_at',
  'updated_at',
  'status',
  'checksum',
  'size',
  'virtual_size',
  'direct_url',
  'self',
  'file',
  'schema',
  'id',
  'os_hash_algo',
  'os_hash_value',
  'stores',
]);

/** Base properties: always shown, never removed (REF §6). */
export const baseAttributes = new Set([
  ...readOnlyAttributes,
  'name',
  'visibility',
  'protected',
  'os_hidden',
  'owner',
  'container_format',
  'disk_format',
  'tags',
  'min_ram',
  'min_disk',
  'locations',
]);

/** Keys a user may not set (REF §3): Glance's own `os_glance*` namespace and a few legacy names. */
export function checkNotReserved(key: string): void {
  if (key.startsWith('os_glance') || key === 'location' || key === 'deleted' || key === 'deleted_at')
    throw reserved(key);
}

export type Writable = Pick<
  StoredImage,
  | 'name'
  | 'visibility'
  | 'protected'
  | 'os_hidden'
  | 'disk_format'
  | 'container_format'
  | 'min_disk'
  | 'min_ram'
  | 'owner'
  | 'tags'
>;

function nonNegativeInteger(key: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value))
    throw schemaError(`${show(value)} is not of type 'integer'`);
  if (value < 0) throw badRequest(`${key}: Cannot be a negative value`);
  return value;
}

function enumOrNull(key: string, value: unknown, allowed: readonly string[]): string | null {
  if (value === null) return null;
  if (typeof value !== 'string' || !allowed.includes(value))
    throw badRequest(
      `Invalid value '${String(value)}' for parameter '${key}': Valid values are: ${allowed.join(', ')}`,
    );
  return value;
}

function tagList(value: unknown): string[] {
  if (!Array.isArray(value)) throw schemaError(`${show(value)} is not of type 'array'`);
  const tags: string[] = [];
  for (const tag of value) {
    if (typeof tag !== 'string') throw schemaError(`${show(tag)} is not of type 'string'`);
    if (tag.length > 255) throw schemaError(`${show(tag)} is too long`);
    if (!tags.includes(tag)) tags.push(tag); // a set (REF §3)
  }
  return tags;
}

/** Checks one base property's new value; returns it as stored. Unknown keys are custom properties (checkCustom). */
export function checkBase<K extends keyof Writable>(key: K, value: unknown): Writable[K] {
  switch (key) {
    case 'name':
      if (value !== null && typeof value !== 'string')
        throw schemaError(`${show(value)} is not of type 'null', 'string'`);
      if (typeof value === 'string' && value.length > 255) throw schemaError(`${show(value)} is too long`);
      return value as Writable[K];
    case 'visibility':
      if (typeof value !== 'string' || !(visibilities as readonly string[]).includes(value))
        throw badRequest(`Invalid visibility value: ${String(value)}`);
      return value as Writable[K];
    case 'protected':
    case 'os_hidden':
      if (typeof value !== 'boolean') throw schemaError(`${show(value)} is not of type 'boolean'`);
      return value as Writable[K];
    case 'min_disk':
    case 'min_ram':
      return nonNegativeInteger(key, value) as Writable[K];
    case 'disk_format':
      return enumOrNull(key, value, diskFormats) as Writable[K];
    case 'container_format':
      return enumOrNull(key, value, containerFormats) as Writable[K];
    case 'owner':
      if (value !== null && typeof value !== 'string')
        throw schemaError(`${show(value)} is not of type 'null', 'string'`);
      if (typeof value === 'string' && value.length > 255) throw schemaError(`${show(value)} is too long`);
      return value as Writable[K];
    case 'tags':
      return tagList(value) as Writable[K];
    default:
      throw new Error(`not a writable base property: ${String(key)}`);
  }
}

export const writableBase = new Set<string>([
  'name',
  'visibility',
  'protected',
  'os_hidden',
  'disk_format',
  'container_format',
  'min_disk',
  'min_ram',
  'owner',
  'tags',
]);

/** A custom property: a key of at most 255 characters, not reserved, with a string value (REF §3). */
export function checkCustom(key: string, value: unknown): string {
  if (readOnlyAttributes.has(key)) throw readOnly(key);
  checkNotReserved(key);
  if (key.length > 255) throw schemaError(`${show(key)} is too long`);
  if (typeof value !== 'string') throw schemaError(`${show(value)} is not of type 'string'`);
  return value;
}

const uuid = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
export const isUuid = (value: string) => uuid.test(value);
