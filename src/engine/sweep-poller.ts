import { formatDuration, sleep, WaitTimeoutError } from './wait.js';

/**
 * One poller per provider and kind (DESIGN.md §9): every operation waiting for an object of that kind registers
 * here, and one loop reads all of them in as few requests as the API allows (the cloud's `read`: one filtered list
 * for all pending images, one list per image for export jobs, many ids a call on ECS) instead of one GET per object
 * per interval. Each waiter is woken when its own object is done. The loop sleeps longer as the oldest wait ages,
 * from `minIntervalMs` up to `maxIntervalMs`, so short creations finish quickly and long ones do not flood the API.
 */
export interface SweepSource<T> {
  /** The current objects of these ids; an id missing from the answer could not be read (gone, 404). */
  read(ids: readonly string[]): Promise<ReadonlyMap<string, T>>;
}

export interface SweepWait<T> {
  /** Done: the waiter resumes with the object (undefined: the object is gone). */
  done(value: T | undefined): boolean;
  timeoutMs: number;
  /** What is awaited, for the timeout message: `image "web" to become available`. */
  describe: string;
  /** Optional short account of the last value read, added to the timeout message, e.g. `status pending`. */
  summarize?: (value: T | undefined) => string;
  /** Called with every value read that is not yet done. */
  onProgress?: (value: T | undefined) => void;
}

interface Waiter<T> extends SweepWait<T> {
  id: string;
  started: number;
  last?: T | undefined;
  resolve(value: T | undefined): void;
  reject(err: unknown): void;
}

export interface SweepPollerOptions {
  minIntervalMs?: number;
  maxIntervalMs?: number;
  /** Sweeps that may fail in a row (the client already retried each) before the waiters are told. */
  maxFailedSweeps?: number;
}

export class SweepPoller<T> {
  private readonly waiters = new Set<Waiter<T>>();
  private looping = false;
  private readonly minIntervalMs: number;
  private readonly maxIntervalMs: number;
  private readonly maxFailedSweeps: number;

  constructor(
    private readonly source: SweepSource<T>,
    options: SweepPollerOptions = {},
  ) {
    this.minIntervalMs = options.minIntervalMs ?? 200;
    this.maxIntervalMs = Math.max(this.minIntervalMs, options.maxIntervalMs ?? 2_000);
    this.maxFailedSweeps = options.maxFailedSweeps ?? 3;
  }

  /** Resolves with the object once `done` holds for it (undefined: gone), or rejects at the timeout. */
  wait(id: string, wait: SweepWait<T>): Promise<T | undefined> {
    return new Promise<T | undefined>((resolve, reject) => {
      this.waiters.add({ ...wait, id, started: performance.now(), resolve, reject });
      if (!this.looping) void this.loop();
    });
  }

  private async loop(): Promise<void> {
    this.looping = true;
    let failed = 0;
    try {
      while (this.waiters.size) {
        await sleep(this.interval());
        const waiting = [...this.waiters];
        const ids = [...new Set(waiting.map((waiter) => waiter.id))];
        let seen: ReadonlyMap<string, T>;
        try {
          seen = await this.source.read(ids);
          failed = 0;
        } catch (err) {
          // The client retried what deserves a retry; a few sweeps in a row failing end the waits with the cause.
          if (++failed < this.maxFailedSweeps) continue;
          for (const waiter of waiting) this.settle(waiter, () => waiter.reject(err));
          failed = 0;
          continue;
        }
        const now = performance.now();
        for (const waiter of waiting) {
          const value = seen.get(waiter.id);
          waiter.last = value;
          if (waiter.done(value)) this.settle(waiter, () => waiter.resolve(value));
          else if (now - waiter.started >= waiter.timeoutMs) this.settle(waiter, () => waiter.reject(timeout(waiter)));
          else waiter.onProgress?.(value);
        }
      }
    } finally {
      this.looping = false;
    }
  }

  private settle(waiter: Waiter<T>, finish: () => void): void {
    if (!this.waiters.delete(waiter)) return;
    finish();
  }

  /** A tenth of the oldest wait's age, within bounds: a sweep every ~1 s for a 10 s creation, 2 s for long ones. */
  private interval(): number {
    let oldest = performance.now();
    for (const waiter of this.waiters) oldest = Math.min(oldest, waiter.started);
    const age = performance.now() - oldest;
    return Math.min(this.maxIntervalMs, Math.max(this.minIntervalMs, age / 10));
  }
}

function timeout<T>(waiter: Waiter<T>): WaitTimeoutError {
  const last = waiter.summarize ? ` (last seen: ${waiter.summarize(waiter.last)})` : '';
  return new WaitTimeoutError(
    `timed out after ${formatDuration(waiter.timeoutMs)} waiting for ${waiter.describe}${last}`,
    waiter.describe,
  );
}
