import { constants } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { error } from '../diagnostics/diagnostic.js';
import { MAX_FILE_BYTES, parseYamlText, type ParsedFile } from './source-document.js';

/**
 * Read and parse one YAML file. Only a regular file is read: the file is opened without blocking (a named pipe
 * would otherwise wait forever for a writer) and its type and size are checked on the open handle, so nothing can
 * swap the file between the check and the read. A file too large is refused from its size alone.
 */
export async function readYamlFile(absolutePath: string, shownPath: string): Promise<ParsedFile> {
  const refuse = (diagnostic: Diagnostic): ParsedFile => ({ documents: [], diagnostics: [diagnostic] });
  const start = { file: shownPath, line: 1, col: 1 };
  let handle: FileHandle;
  try {
    handle = await open(absolutePath, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch {
    return refuse(error('load.unreadable', 'cannot read the file', start));
  }
  try {
    const stats = await handle.stat();
    if (!stats.isFile()) {
      return refuse(
        error('load.not-a-file', `is ${fileType(stats)}, not a regular file`, start, 'replace it with a regular file holding the YAML'),
      );
    }
    if (stats.size > MAX_FILE_BYTES) {
      const mebibytes = (stats.size / (1024 * 1024)).toFixed(1);
      return refuse(
        error('load.too-large', `file is ${mebibytes} MiB; the limit is ${MAX_FILE_BYTES / (1024 * 1024)} MiB`, start, 'split it into smaller files'),
      );
    }
    let text: string;
    try {
      text = await handle.readFile('utf8');
    } catch {
      return refuse(error('load.unreadable', 'cannot read the file', start));
    }
    return parseYamlText(text, shownPath);
  } finally {
    await handle.close();
  }
}

function fileType(stats: Stats): string {
  if (stats.isFIFO()) return 'a named pipe';
  if (stats.isSocket()) return 'a socket';
  if (stats.isCharacterDevice() || stats.isBlockDevice()) return 'a device';
  if (stats.isDirectory()) return 'a directory';
  return 'something else';
}
