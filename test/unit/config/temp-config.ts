import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/** A throwaway directory tree from an inline {path: text} map; remove() cleans it up. */
export function tempConfig(files: Record<string, string>): { root: string; remove(): void } {
  const root = mkdtempSync(join(tmpdir(), 'imageform-config-'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return { root, remove: () => rmSync(root, { recursive: true, force: true }) };
}

export const IMAGE = `kind: image
name: web
spec:
  file: cos://us-south/imageform-examples/ubuntu-24.04.qcow2
  operating_system: ubuntu-24-04-amd64
`;
