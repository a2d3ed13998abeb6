import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** The largest image whose bytes are kept: bigger ones keep their digests only (README "Data"). */
export const KEPT_BYTES_LIMIT = 64 * 1024 * 1024;

/**
 * The bytes of image data, by their sha512 (so equal data is stored once), as Glance's default store keeps them
 * for downloads: in memory, or with `--data FILE` in the folder FILE.blobs beside the cloud's file, so a restarted
 * emulator still serves them.
 */
export class BlobStore {
  private readonly memory = new Map<string, Buffer>();

  constructor(private readonly directory?: string) {
    if (directory) mkdirSync(directory, { recursive: true });
  }

  put(sha512: string, bytes: Buffer): void {
    if (!this.directory) {
      this.memory.set(sha512, bytes);
      return;
    }
    const path = join(this.directory, sha512);
    const temporary = `${path}.${process.pid}.tmp`;
    writeFileSync(temporary, bytes);
    renameSync(temporary, path);
  }

  get(sha512: string): Buffer | undefined {
    if (!this.directory) return this.memory.get(sha512);
    try {
      return readFileSync(join(this.directory, sha512));
    } catch {
      return undefined;
    }
  }
}
