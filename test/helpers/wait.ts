export interface WaitOptions {
  /** What is awaited, for the failure message: "the image to exist". */
  what: string;
  /** Generous by default: a loaded 2-core machine can be many times slower than a quiet one. */
  timeoutMs?: number;
  intervalMs?: number;
  /** Adds what was last seen to the failure message (e.g. a child's output so far). */
  detail?: () => string;
}

/**
 * Polls `condition` until it returns a value other than undefined or false, and returns that value; fails naming
 * what it waited for after `timeoutMs`. Tests wait on the thing they need (a file, a status, an output line) with
 * this, never with a fixed sleep, so they do not depend on the machine's speed. An error thrown by `condition`
 * ends the wait.
 */
export async function waitFor<T>(
  condition: () => T | undefined | false | Promise<T | undefined | false>,
  { what, timeoutMs = 120_000, intervalMs = 25, detail }: WaitOptions,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await condition();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) {
      const seen = detail ? `; last seen: ${detail()}` : '';
      throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}${seen}`);
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
