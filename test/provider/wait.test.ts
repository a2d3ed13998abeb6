import { describe, expect, it } from 'vitest';
import { WaitTimeoutError, formatDuration, waitFor } from '../../src/provider/wait.js';

describe('waitFor', () => {
  it('returns the first value that is done and reports the ones before', async () => {
    let reads = 0;
    const seen: number[] = [];
    const value = await waitFor(
      async () => ++reads,
      (n) => n >= 4,
      { timeoutMs: 5_000, intervalMs: 5, describe: 'the counter to reach 4', onProgress: (n) => seen.push(n) },
    );
    expect(value).toBe(4);
    expect(seen).toEqual([1, 2, 3]);
  });

  it('backs off between reads up to the maximum interval', async () => {
    const times: number[] = [];
    await waitFor(
      async () => times.push(performance.now()),
      (n) => n >= 6,
      { timeoutMs: 5_000, intervalMs: 10, maxIntervalMs: 30, describe: 'six reads' },
    );
    const gaps = times.slice(1).map((t, i) => t - times[i]!);
    expect(gaps[0]).toBeGreaterThanOrEqual(9);
    expect(gaps[gaps.length - 1]).toBeGreaterThanOrEqual(28);
    expect(Math.max(...gaps)).toBeLessThan(200);
  });

  it('fails with a message naming what it waited for and the last value seen', async () => {
    const started = performance.now();
    const error = await waitFor(
      async () => 'pending',
      () => false,
      { timeoutMs: 120, intervalMs: 20, describe: 'image "web" to become available', summarize: (s) => `status ${s}` },
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WaitTimeoutError);
    expect((error as Error).message).toBe('timed out after 120ms waiting for image "web" to become available (last seen: status pending)');
    expect(performance.now() - started).toBeLessThan(1_000);
  });

  it('lets errors from the read end the wait', async () => {
    await expect(
      waitFor(async () => { throw new Error('image disappeared'); }, () => true, { timeoutMs: 1_000, intervalMs: 5, describe: 'x' }),
    ).rejects.toThrow('image disappeared');
  });

  it('formats durations for people', () => {
    expect(formatDuration(250)).toBe('250ms');
    expect(formatDuration(15_000)).toBe('15s');
    expect(formatDuration(600_000)).toBe('10m');
    expect(formatDuration(90_000)).toBe('1m30s');
  });
});
