import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const emulatorDir = fileURLToPath(new URL('../../src/emulator/', import.meta.url));

describe('the emulator is an independent model of the cloud', () => {
  it('imports nothing from src/ outside src/emulator/ (relative imports stay in the folder)', async () => {
    const files = (await readdir(emulatorDir)).filter((name) => name.endsWith('.ts'));
    expect(files.length).toBeGreaterThan(5);
    for (const file of files) {
      const text = await readFile(join(emulatorDir, file), 'utf8');
      const specifiers = [...text.matchAll(/from\s+'([^']+)'|import\(\s*'([^']+)'\s*\)/g)].map(
        (match) => match[1] ?? match[2]!,
      );
      for (const specifier of specifiers) {
        const allowed = specifier.startsWith('node:') || (specifier.startsWith('./') && !specifier.includes('..'));
        expect(allowed, `${file} imports ${specifier}`).toBe(true);
      }
    }
  });
});
