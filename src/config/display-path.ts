import { isAbsolute, relative, sep } from 'node:path';

/** A path as shown to users: relative to the working directory when below it, with forward slashes. */
export function displayFilePath(absolutePath: string, cwd: string): string {
  const shown = relative(cwd, absolutePath);
  const usable = shown !== '' && !shown.startsWith('..') && !isAbsolute(shown) ? shown : absolutePath;
  return sep === '/' ? usable : usable.split(sep).join('/');
}
