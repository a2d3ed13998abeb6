import { readFile, stat } from 'node:fs/promises';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { error } from '../diagnostics/diagnostic.js';
import { MAX_FILE_BYTES, parseYamlText, type ParsedFile } from './source-document.js';

/** Read and parse one YAML file; a file too large is refused from its size alone, before reading it. */
export async function readYamlFile(absolutePath: string, shownPath: string): Promise<ParsedFile> {
  const refuse = (diagnostic: Diagnostic): ParsedFile => ({ documents: [], diagnostics: [diagnostic] });
  const start = { file: shownPath, line: 1, col: 1 };
  let size: number;
  try {
    size = (await stat(absolutePath)).size;
  } catch {
    return refuse(error('load.unreadable', 'cannot read the file', start));
  }
  if (size > MAX_FILE_BYTES) {
    const mebibytes = (size / (1024 * 1024)).toFixed(1);
    return refuse(
      error('load.too-large', `file is ${mebibytes} MiB; the limit is ${MAX_FILE_BYTES / (1024 * 1024)} MiB`, start, 'split it into smaller files'),
    );
  }
  let text: string;
  try {
    text = await readFile(absolutePath, 'utf8');
  } catch {
    return refuse(error('load.unreadable', 'cannot read the file', start));
  }
  return parseYamlText(text, shownPath);
}
