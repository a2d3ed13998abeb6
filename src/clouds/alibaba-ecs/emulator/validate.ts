import type { Cloud } from './cloud.js';
import { EcsError } from './errors.js';

/**
 * Name rules (REF §2, CreateImage): 2-128 characters, a letter (or CJK character) first, then letters, digits,
 * `:`, `_`, `-`, `.`; not starting with `aliyun` or `acs:`, no `http://`/`https://`.
 */
const namePattern = /^\p{L}[\p{L}\p{N}:_.-]{1,127}$/u;
const reserved = (text: string) => /^(aliyun|acs:)/i.test(text) || /https?:\/\//i.test(text);

export function checkImageName(name: string, field = 'ImageName'): void {
  if (!namePattern.test(name) || reserved(name))
    throw new EcsError(400, 'InvalidImageName.Malformed', `The specified ${field} is wrongly formed.`);
}

/** Unique per account and region (REF §2), whatever the other image's status. */
export function checkNameFree(cloud: Cloud, region: string, name: string): void {
  if (cloud.nameTaken(region, name))
    throw new EcsError(400, 'InvalidImageName.Duplicated', 'The specified custom image name already exists.');
}

/** Descriptions: 2-256 characters, not starting with `http://`/`https://` (REF §3). */
export function checkDescription(description: string): void {
  if (description.length < 2 || description.length > 256 || /^https?:\/\//i.test(description))
    throw new EcsError(400, 'InvalidDescription.Malformed', 'The specified description is wrongly formed.');
}

/** Family names: 2-128 characters, not `acs:`/`aliyun` (REF §5); a letter first, as names (CHOICE). */
export function checkFamily(family: string): void {
  if (!namePattern.test(family) || reserved(family))
    throw new EcsError(400, 'InvalidImageFamily.Malformed', 'The specified ImageFamily is wrongly formed.');
}

/** At most 20 tags a resource (CHOICE: ECS's documented tag limit); keys up to 128, values up to 128. */
export const maxTags = 20;

export function checkTags(tags: ReadonlyArray<[string, string]>): void {
  for (const [key, value] of tags) {
    if (key.length > 128 || /^(aliyun|acs:)/i.test(key) || /https?:\/\//i.test(key))
      throw new EcsError(400, 'InvalidTagKey.Malformed', `The specified tag key "${key}" is wrongly formed.`);
    if (value.length > 128 || /https?:\/\//i.test(value))
      throw new EcsError(400, 'InvalidTagValue.Malformed', `The specified tag value for "${key}" is wrongly formed.`);
  }
  if (tags.length > maxTags) throw new EcsError(400, 'InvalidTagCount', `A resource has at most ${maxTags} tags.`);
}

/** Applies tags in order: a key given again takes the new value. */
export function mergeTags(
  into: Array<[string, string]>,
  tags: ReadonlyArray<[string, string]>,
): Array<[string, string]> {
  const merged = new Map(into);
  for (const [key, value] of tags) merged.set(key, value);
  return [...merged];
}
