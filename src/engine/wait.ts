/** A pause between two reads of the cloud (a poll interval, a backoff): never a synchronisation. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export interface WaitOptions<T> {
  /** Give up after this long. */
  timeoutMs: number;
  /** First pause between reads; it grows by half each time up to `maxIntervalMs`. */
  intervalMs: number;
  /** Longest pause between reads (default 2 s, or intervalMs if larger). */
  maxIntervalMs?: number;
  /** Called with every value read that is not yet done. */
  onProgress?: (value: T) => void;
  /** What is awaited, for the timeout message: `image "web" to become available`. */
  describe: string;
  /** Optional short account of the last value read, added to the timeout message, e.g. `status pending`. */
  summarize?: (value: T) => string;
  /** Stops the wait early (the read in flight completes first). */
  signal?: AbortSignal;
}

/** A wait that ran out of time; the message names what was awaited. */
export class WaitTimeoutError extends Error {
  constructor(
    message: string,
    readonly describe: string,
  ) {
    super(message);
    this.name = 'WaitTimeoutError';
  }
}

/**
 * Polls `read` until `done` holds for its value, and returns that value. Errors from `read` end the wait (the
 * provider has already retried what deserves a retry). The pause starts at `intervalMs` and backs off to about 2 s,
 * so short operations finish quickly and long ones do not flood the API.
 */
export async function waitFor<T>(
  read: () => Promise<T>,
  done: (value: T) => boolean,
  options: WaitOptions<T>,
): Promise<T> {
  const started = performance.now();
  const maxInterval = Math.max(options.maxIntervalMs ?? 2_000, options.intervalMs);
  let interval = Math.max(1, options.intervalMs);
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    options.onProgress?.(value);
    const elapsed = performance.now() - started;
    const remaining = options.timeoutMs - elapsed;
    if (remaining <= 0) {
      const last = options.summarize ? ` (last seen: ${options.summarize(value)})` : '';
      throw new WaitTimeoutError(
        `timed out after ${formatDuration(options.timeoutMs)} waiting for ${options.describe}${last}`,
        options.describe,
      );
    }
    if (options.signal?.aborted) throw new Error(`stopped waiting for ${options.describe}`);
    // One last read right at the deadline rather than sleeping past it.
    await sleep(Math.min(interval, remaining));
    interval = Math.min(maxInterval, interval * 1.5);
  }
}

export function formatDuration(ms: number): string {
  if (ms < 1_000) return `${Math.round(ms)}ms`;
  const seconds = Math.round(ms / 1_000);
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  const rest = seconds % 60;
  return rest ? `${minutes}m${rest}s` : `${minutes}m`;
}
