import { randomBytes } from 'node:crypto';

/**
 * The create key of IBM images (DESIGN.md §5). IBM's API takes no client token and an image name proves nothing
 * when two states race for it, so an image is created under a temporary name only its intent could have made
 * (80 random bits), and renamed to the document's name once its id is recorded. Within IBM's name pattern: a
 * lowercase letter first, lowercase letters, digits and hyphens, 63 characters at most (39 here).
 */
export const CREATE_KEY_PREFIX = 'imageform-creating-';

export function newCreateKey(): string {
  return `${CREATE_KEY_PREFIX}${randomBytes(10).toString('hex')}`;
}
