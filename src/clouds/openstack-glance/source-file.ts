import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { ResourceDocument } from '../../core/document.js';

/** The absolute path of an image document's `source.file`: relative to the file that holds it (DESIGN.md §8.2). */
export function sourceFilePath(document: ResourceDocument): string | undefined {
  if (document.kind !== 'image') return undefined;
  const source = document.spec.source;
  if (!source || typeof source !== 'object') return undefined;
  const file = (source as Record<string, unknown>).file;
  return typeof file === 'string' ? resolve(dirname(document.location.file), file) : undefined;
}

/** `sha512:HEX` of a file's content, read as a stream; `unreadable` when it cannot be read (validate said so). */
export async function fileDigest(path: string): Promise<string> {
  const hash = createHash('sha512');
  try {
    for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  } catch {
    return 'unreadable';
  }
  return `sha512:${hash.digest('hex')}`;
}
