import { readFileSync } from 'node:fs';

let cached: string | undefined;

/** imageform's version, from its package.json (one level up from both src/ and dist/); "unknown" if unreadable. */
export function imageformVersion(): string {
  if (cached === undefined) {
    try {
      const text = readFileSync(new URL('../package.json', import.meta.url), 'utf8');
      cached = String((JSON.parse(text) as { version?: unknown }).version ?? 'unknown');
    } catch {
      cached = 'unknown';
    }
  }
  return cached;
}
