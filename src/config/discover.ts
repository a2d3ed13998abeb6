import { readdir, realpath, stat } from 'node:fs/promises';
import { join } from 'node:path';

export const SETTINGS_FILE = 'imageform.yaml';

/**
 * Every *.yaml / *.yml below a directory, recursively, sorted by path (DESIGN.md §1): not the top-level
 * imageform.yaml, nothing under a directory whose name starts with "." (.imageform/, .git/), and nothing under
 * node_modules/ (a repository that runs `npm install imageform` would otherwise read its dependencies' YAML).
 * Whatever its type: reading refuses a YAML name that is not a regular file (read-source.ts).
 */
export async function listResourceFiles(dir: string): Promise<string[]> {
  const found: string[] = [];
  // Symbolic links are followed (a file kept elsewhere is still configuration); each real folder is read once.
  const seen = new Set<string>();
  const walk = async (current: string, relative: string): Promise<void> => {
    const real = await realpath(current);
    if (seen.has(real)) return;
    seen.add(real);
    const entries = await readdir(current, { withFileTypes: true });
    for (const entry of entries) {
      const relativePath = relative ? `${relative}/${entry.name}` : entry.name;
      const target = entry.isSymbolicLink() ? await stat(join(current, entry.name)).catch(() => undefined) : entry;
      if (!target) continue;
      if (target.isDirectory()) {
        if (!entry.name.startsWith('.') && entry.name !== 'node_modules')
          await walk(join(current, entry.name), relativePath);
      } else if (/\.ya?ml$/.test(entry.name) && relativePath !== SETTINGS_FILE) {
        found.push(relativePath);
      }
    }
  };
  await walk(dir, '');
  // Code-unit order, not locale order: the same on every machine.
  return found.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)).map((relativePath) => join(dir, relativePath));
}
