import { randomBytes } from 'node:crypto';
import { mkdir, open, readFile, rename, unlink } from 'node:fs/promises';
import { dirname } from 'node:path';

/** Reads the cloud file, or undefined when it does not exist yet. */
export async function readCloudFile(file: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new Error(`${file}: not a valid emulator cloud file (JSON does not parse)`);
  }
}

/** Temp file in the same directory, fsync, rename over the target, fsync the directory: all or nothing. */
export async function writeFileAtomically(file: string, text: string): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  const temp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  const handle = await open(temp, 'w', 0o600);
  try {
    await handle.writeFile(text);
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await rename(temp, file);
  } catch (err) {
    await unlink(temp).catch(() => undefined);
    throw err;
  }
  const directory = await open(dirname(file), 'r').catch(() => undefined);
  if (directory) {
    await directory.sync().catch(() => undefined);
    await directory.close();
  }
}

/**
 * Coalesces writes: a request that changed the cloud waits for a write that started after its change. While a
 * write is running, every change made meanwhile joins the next one, so N concurrent creates cost at most two
 * writes, never a torn file.
 */
export class CoalescingWriter {
  private running: Promise<void> | undefined;
  private next: { promise: Promise<void>; resolve: () => void; reject: (err: unknown) => void } | undefined;

  constructor(
    private readonly file: string,
    private readonly render: () => string,
  ) {}

  write(): Promise<void> {
    if (!this.next) {
      let resolve!: () => void;
      let reject!: (err: unknown) => void;
      const promise = new Promise<void>((res, rej) => {
        resolve = res;
        reject = rej;
      });
      this.next = { promise, resolve, reject };
      if (!this.running) this.startNext();
      return promise;
    }
    return this.next.promise;
  }

  /** Resolves once nothing is being or waiting to be written. */
  async flush(): Promise<void> {
    while (this.running || this.next) await (this.running ?? this.next?.promise)?.catch(() => undefined);
  }

  private startNext(): void {
    const batch = this.next;
    if (!batch) return;
    this.next = undefined;
    const text = this.render();
    this.running = writeFileAtomically(this.file, text)
      .then(batch.resolve, batch.reject)
      .finally(() => {
        this.running = undefined;
        this.startNext();
      });
  }
}
