import { createHash, timingSafeEqual } from 'node:crypto';

const digest = (text: string) => createHash('sha256').update(text).digest();

/**
 * `Authorization: Bearer KEY` with the emulator's own key: what every emulator accepts on its test endpoints, on
 * top of the cloud's own credential (DESIGN.md §6), so a test or a script can reach them without the cloud's
 * identity service. Compared in constant time.
 */
export function carriesTestKey(header: string | undefined, apiKey: string): boolean {
  const match = /^Bearer\s+(\S+)$/i.exec(header ?? '');
  return match !== null && timingSafeEqual(digest(match[1]!), digest(apiKey));
}
