import { describe, expect, it, vi } from 'vitest';
import { WaitTimeoutError, formatDuration, waitFor } from '../../src/engine/wait.js';

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

  // Fake timers make the pauses exact whatever the load (they round a pause down to whole milliseconds).
  it('backs off between reads up to the maximum interval', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'performance'] });
    try {
      const times: number[] = [];
      const waited = waitFor(
        async () => times.push(performance.now()),
        (n) => n >= 6,
        { timeoutMs: 5_000, intervalMs: 10, maxIntervalMs: 30, describe: 'six reads' },
      );
      await vi.runAllTimersAsync();
      await waited;
      expect(times.slice(1).map((t, i) => t - times[i]!)).toEqual([10, 15, 22, 30, 30]);
    } finally {
      vi.useRealTimers();
    }
  });

  it('fails with a message naming what it waited for and the last value seen, reading one last time at the deadline', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'performance'] });
    try {
      const readAt: number[] = [];
      const started = performance.now();
      const waited = waitFor(
        async () => (readAt.push(performance.now() - started), 'pending'),
        () => false,
        {
          timeoutMs: 120,
          intervalMs: 20,
          describe: 'image "web" to become available',
          summarize: (s) => `status ${s}`,
        },
      ).catch((e: unknown) => e);
      await vi.runAllTimersAsync();
      const error = await waited;
      expect(error).toBeInstanceOf(WaitTimeoutError);
      expect((error as Error).message).toBe(
        'timed out after 120ms waiting for image "web" to become available (last seen: status pending)',
      );
      expect(readAt).toEqual([0, 20, 50, 95, 120]);
    } finally {
      vi.useRealTimers();
    }
  });

  it('lets errors from the read end the wait', async () => {
    await expect(
      waitFor(
        async () => {
          throw new Error('image disappeared');
        },
        () => true,
        { timeoutMs: 1_000, intervalMs: 5, describe: 'x' },
      ),
    ).rejects.toThrow('image disappeared');
  });

  it('formats durations for people', () => {
    expect(formatDuration(250)).toBe('250ms');
    expect(formatDuration(15_000)).toBe('15s');
    expect(formatDuration(600_000)).toBe('10m');
    expect(formatDuration(90_000)).toBe('1m30s');
  });
});
