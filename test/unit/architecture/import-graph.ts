import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, posix, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The relative imports of every source file under src/, as paths relative to src/ (for the layout rules). */
export const SRC = fileURLToPath(new URL('../../../src/', import.meta.url));

export interface SourceImport {
  /** The importing file, relative to src/ (posix separators). */
  from: string;
  /** The imported file relative to src/, or the bare specifier (`node:fs`, `yaml`) of a package. */
  to: string;
  relative: boolean;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.tsx?$/.test(name) ? [path] : [];
  });
}

const SPECIFIER = /(?:from\s+|import\s*\(\s*)'([^']+)'/g;

export function sourceImports(): SourceImport[] {
  const found: SourceImport[] = [];
  for (const file of sourceFiles(SRC)) {
    const from = relative(SRC, file).split('\\').join('/');
    for (const match of readFileSync(file, 'utf8').matchAll(SPECIFIER)) {
      const specifier = match[1]!;
      if (!specifier.startsWith('.')) {
        found.push({ from, to: specifier, relative: false });
        continue;
      }
      const to = posix.normalize(posix.join(posix.dirname(from), specifier)).replace(/\.js$/, '.ts');
      found.push({ from, to, relative: true });
    }
  }
  return found;
}

/** The folder a file belongs to for the layout rules: a top folder of src/, or one cloud (its emulator apart). */
export function folderOf(path: string): string {
  const parts = path.split('/');
  if (parts.length === 1) return '.';
  if (parts[0] === 'clouds') return parts[2] === 'emulator' ? `clouds/${parts[1]}/emulator` : `clouds/${parts[1]}`;
  return parts[0]!;
}

export { dirname };
