import { randomFillSync } from 'node:crypto';

/**
 * The create key of IBM images (DESIGN.md §5). IBM's API takes no client token and an image name proves nothing
 * when two states race for it, so an image is created under a temporary name only its intent could have made
 * (80 random bits), and renamed to the document's name once its id is recorded. Within IBM's name pattern: a
 * lowercase letter first, lowercase letters, digits and hyphens, 63 characters at most (39 here).
 */
export const CREATE_KEY_PREFIX = 'imageform-creating-';

const KEY_BYTES = 10;
/** Random bytes drawn 256 keys at a time: one system call for a large apply's creates, not one each. */
const pool = Buffer.alloc(KEY_BYTES * 256);
let drawn = pool.length;

export function newCreateKey(): string {
  if (drawn === pool.length) {
    randomFillSync(pool);
    drawn = 0;
  }
  const key = pool.toString('hex', drawn, drawn + KEY_BYTES);
  drawn += KEY_BYTES;
  return `${CREATE_KEY_PREFIX}${key}`;
}
