import { randomBytes } from 'node:crypto';
import { closeSync, fchmodSync, fsyncSync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { open, readdir, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { pauseForTest } from './test-pause.js';

/** Temp files being written now: removed if the process exits mid-write (a second Ctrl-C, process.exit). */
const liveTemps = new Set<string>();
let exitHookInstalled = false;

function removeLiveTempsSync(): void {
  for (const temp of liveTemps) {
    try {
      unlinkSync(temp);
    } catch {
      // Already renamed or removed.
    }
  }
  liveTemps.clear();
}

/** `state.json.tmp-PID-HEX`: the pid of the writer is part of the name, so leftovers can be told from live ones. */
function tempPath(path: string): string {
  return `${path}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
}

/**
 * Replace `path` with `text` so that a crash at any moment leaves either the old or the new content, never a mix:
 * write a private temp file beside it, flush it, rename it over, then flush the directory entry.
 */
export async function writeFileAtomic(path: string, text: string, mode = 0o600): Promise<void> {
  const temp = tempPath(path);
  let renamed = false;
  if (!exitHookInstalled) {
    process.on('exit', removeLiveTempsSync);
    exitHookInstalled = true;
  }
  liveTemps.add(temp);
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
    await pauseForTest('state-write');
    await rename(temp, path);
    renamed = true;
    await syncDirectory(dirname(path));
  } finally {
    liveTemps.delete(temp);
    if (!renamed) await unlink(temp).catch(() => undefined);
  }
}

/**
 * `writeFileAtomic` for the one place async calls cannot run: a process `exit` handler (a second Ctrl-C folding the
 * journal into the document on its way out).
 */
export function writeFileAtomicSync(path: string, text: string, mode = 0o600): void {
  const temp = tempPath(path);
  let renamed = false;
  try {
    const fd = openSync(temp, 'wx', mode);
    try {
      fchmodSync(fd, mode);
      const bytes = Buffer.from(text, 'utf8');
      for (let offset = 0; offset < bytes.length;) offset += writeSync(fd, bytes, offset, bytes.length - offset);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, path);
    renamed = true;
    syncDirectorySync(dirname(path));
  } finally {
    if (!renamed) {
      try {
        unlinkSync(temp);
      } catch {
        // Never created.
      }
    }
  }
}

/** Make a rename or unlink in `dir` durable, from an exit handler. */
export function syncDirectorySync(dir: string): void {
  try {
    const fd = openSync(dir, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    // As in syncDirectory: the rename is still atomic where a directory cannot be flushed.
  }
}

/**
 * Remove temp files of `path` left by writers that died mid-write (kill -9): those whose pid is not running any
 * more. `isGone(pid)` decides; the caller holds the lock, so no live writer of this file is racing it.
 */
export async function removeLeftoverTemps(path: string, isGone: (pid: number) => boolean): Promise<void> {
  const prefix = `${basename(path)}.tmp-`;
  const names = await readdir(dirname(path)).catch(() => [] as string[]);
  for (const name of names) {
    if (!name.startsWith(prefix)) continue;
    const pid = Number(/^(\d+)-/.exec(name.slice(prefix.length))?.[1]);
    if (!Number.isInteger(pid) || pid === process.pid || !isGone(pid)) continue;
    await unlink(join(dirname(path), name)).catch(() => undefined);
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
