import { closeSync, constants, fstatSync, openSync, readFileSync, type Stats } from 'node:fs';
import type { Diagnostic } from '../core/diagnostic.js';
import { error } from '../core/diagnostic.js';
import { MAX_FILE_BYTES, parseYamlText, type ParsedFile } from './source-document.js';

/** Why a file of the repository was not read: absent, not a regular file, too large, or unreadable. */
export type FileRefusal =
  | { reason: 'missing' }
  | { reason: 'not-a-file'; type: string }
  | { reason: 'too-large'; bytes: number }
  | { reason: 'unreadable'; code: string };

/**
 * The text of a regular file of at most `maxBytes`. The file is opened without blocking (a named pipe would
 * otherwise wait forever for a writer) and its type and size are checked on the open descriptor, so nothing can
 * swap the file between the check and the read. Synchronous: for the small files of a configuration, four
 * round trips through the thread pool per file cost more than the reads themselves.
 */
export async function readRegularFile(
  path: string,
  maxBytes = MAX_FILE_BYTES,
): Promise<{ text: string } | FileRefusal> {
  return readRegularFileSync(path, maxBytes);
}

/** readRegularFile, for callers that read many small files one after the other. */
export function readRegularFileSync(path: string, maxBytes = MAX_FILE_BYTES): { text: string } | FileRefusal {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? String(err);
    return code === 'ENOENT' ? { reason: 'missing' } : { reason: 'unreadable', code };
  }
  try {
    const stats = fstatSync(fd);
    if (!stats.isFile()) return { reason: 'not-a-file', type: fileType(stats) };
    if (stats.size > maxBytes) return { reason: 'too-large', bytes: stats.size };
    return { text: readFileSync(fd, 'utf8') };
  } catch (err) {
    return { reason: 'unreadable', code: (err as NodeJS.ErrnoException).code ?? String(err) };
  } finally {
    closeSync(fd);
  }
}

/** A refusal as a diagnostic at the file's start (`missing` reads as unreadable: the caller found the file). */
export function refusalDiagnostic(refusal: FileRefusal, shownPath: string): Diagnostic {
  const start = { file: shownPath, line: 1, col: 1 };
  switch (refusal.reason) {
    case 'not-a-file':
      return error(
        'load.not-a-file',
        `is ${refusal.type}, not a regular file`,
        start,
        'replace it with a regular file',
      );
    case 'too-large': {
      const mebibytes = (refusal.bytes / (1024 * 1024)).toFixed(1);
      return error(
        'load.too-large',
        `file is ${mebibytes} MiB; the limit is ${MAX_FILE_BYTES / (1024 * 1024)} MiB`,
        start,
        'split it into smaller files',
      );
    }
    default:
      return error('load.unreadable', 'cannot read the file', start);
  }
}

/** Read and parse one YAML file; anything but a regular file within the size limit is refused before parsing. */
export async function readYamlFile(absolutePath: string, shownPath: string): Promise<ParsedFile> {
  return readYamlFileSync(absolutePath, shownPath);
}

/** readYamlFile, for callers that read many small files one after the other. */
export function readYamlFileSync(absolutePath: string, shownPath: string): ParsedFile {
  const read = readRegularFileSync(absolutePath);
  if (!('text' in read)) return { documents: [], diagnostics: [refusalDiagnostic(read, shownPath)] };
  return parseYamlText(read.text, shownPath);
}

function fileType(stats: Stats): string {
  if (stats.isFIFO()) return 'a named pipe';
  if (stats.isSocket()) return 'a socket';
  if (stats.isCharacterDevice() || stats.isBlockDevice()) return 'a device';
  if (stats.isDirectory()) return 'a directory';
  return 'something else';
}
