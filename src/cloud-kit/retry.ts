import { sleep } from '../engine/wait.js';
import { RequestFailure } from './request-failure.js';

export interface RetryPolicy {
  /** Attempts in all, the first included. */
  maxAttempts: number;
  /** Delay before the second attempt; it doubles each time, with jitter. */
  baseDelayMs: number;
  /** Longest backoff between two attempts. */
  maxDelayMs: number;
  /** Longest wait a server may ask for with `Retry-After`. */
  maxRetryAfterMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxAttempts: 10,
  baseDelayMs: 50,
  maxDelayMs: 2_000,
  maxRetryAfterMs: 30_000,
};

/** Exponential backoff with "equal jitter": half the step is fixed, half random, so retries spread out but never collapse to zero. */
export function backoffDelay(policy: RetryPolicy, failedAttempts: number, retryAfterMs?: number): number {
  const step = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, failedAttempts - 1));
  const jittered = step / 2 + Math.random() * (step / 2);
  if (retryAfterMs === undefined) return jittered;
  return Math.max(jittered, Math.min(retryAfterMs, policy.maxRetryAfterMs));
}

export interface RetryHooks<T> {
  /**
   * Called when the cloud may have acted on an earlier attempt whose answer was lost: after every ambiguous failure,
   * and after a refusal that follows one (e.g. "name not unique" for the create we just tried). Returns the result if
   * the earlier attempt did take effect, undefined to go on.
   */
  settle?: (failure: RequestFailure) => Promise<T | undefined>;
  /** Abandons the loop at once (used when the call has no way to tell whether an ambiguous attempt took effect). */
  giveUpOnAmbiguous?: boolean;
}

/**
 * Runs `attempt` until it succeeds, a failure is final, or the attempts run out. Non-RequestFailure errors are bugs
 * or local problems and pass straight through.
 */
export async function withRetries<T>(
  policy: RetryPolicy,
  attempt: () => Promise<T>,
  hooks: RetryHooks<T> = {},
): Promise<T> {
  let ambiguousSeen = false;
  for (let attemptNumber = 1; ; attemptNumber++) {
    try {
      return await attempt();
    } catch (error) {
      if (!(error instanceof RequestFailure)) throw error;
      if (error.ambiguous) {
        if (hooks.giveUpOnAmbiguous) {
          error.attempts = attemptNumber;
          error.abandonedUnchecked = true;
          throw error;
        }
        ambiguousSeen = true;
      }
      if (ambiguousSeen && hooks.settle && (error.ambiguous || !error.retryable)) {
        const settled = await hooks.settle(error);
        if (settled !== undefined) return settled;
      }
      if (!error.retryable || attemptNumber >= policy.maxAttempts) {
        error.attempts = attemptNumber;
        throw error;
      }
      await sleep(backoffDelay(policy, attemptNumber, error.retryAfterMs));
    }
  }
}
