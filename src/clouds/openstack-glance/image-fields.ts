import type { LifecycleDates } from '../../core/lifecycle-dates.js';
import type { GlanceImage } from './glance-api.js';

/**
 * How imageform's `image` fields sit on a Glance image (reference §3): the base fields under their Glance names,
 * user properties beside Glance's own, and imageform's date marks as properties (DESIGN.md §8.4).
 */
export const DATE_MARKS = {
  deprecation_at: 'imageform_deprecation_at',
  obsolescence_at: 'imageform_obsolescence_at',
} as const;

/** Keys of an image that are not user properties: Glance's base fields and the ones it owns. */
const BASE_FIELDS = new Set([
  'id',
  'name',
  'status',
  'visibility',
  'protected',
  'os_hidden',
  'disk_format',
  'container_format',
  'min_disk',
  'min_ram',
  'tags',
  'checksum',
  'os_hash_algo',
  'os_hash_value',
  'size',
  'virtual_size',
  'created_at',
  'updated_at',
  'self',
  'file',
  'schema',
  'owner',
  'direct_url',
  'locations',
  'stores',
]);

/** The properties a user manages: not Glance's base fields, not `os_glance_*`/`os_hash_*`, not imageform's marks. */
export function userProperties(image: GlanceImage): Record<string, string> {
  const properties: Record<string, string> = {};
  for (const [key, value] of Object.entries(image)) {
    if (BASE_FIELDS.has(key) || /^(os_glance|os_hash_|imageform_)/.test(key) || typeof value !== 'string') continue;
    properties[key] = value;
  }
  return properties;
}

/** The dates imageform wrote onto the image. */
export function dateMarks(image: GlanceImage): LifecycleDates {
  const marks: LifecycleDates = {};
  for (const [field, key] of Object.entries(DATE_MARKS) as [keyof typeof DATE_MARKS, string][]) {
    const value = image[key];
    if (typeof value === 'string' && value !== '') marks[field] = value;
  }
  return marks;
}
