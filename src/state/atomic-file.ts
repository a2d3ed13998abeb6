import { randomBytes } from 'node:crypto';
import { open, rename, unlink } from 'node:fs/promises';
import { dirname } from 'node:path';

/**
 * Replace `path` with `text` so that a crash at any moment leaves either the old or the new content, never a mix:
 * write a private temp file beside it, flush it, rename it over, then flush the directory entry.
 */
export async function writeFileAtomic(path: string, text: string, mode = 0o600): Promise<void> {
  const temp = `${path}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  let renamed = false;
  try {
    const file = await open(temp, 'wx', mode);
    try {
      // open's mode is filtered by the umask; the state may hold infrastructure details, so be explicit.
      await file.chmod(mode);
      await file.writeFile(text, 'utf8');
      await file.sync();
    } finally {
      await file.close();
    }
    await rename(temp, path);
    renamed = true;
    await syncDirectory(dirname(path));
  } finally {
    if (!renamed) await unlink(temp).catch(() => undefined);
  }
}

/** Make a rename or unlink in `dir` durable. */
export async function syncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } catch {
    // Some filesystems refuse fsync on a directory; the rename itself is still atomic there.
  } finally {
    await handle.close();
  }
}
