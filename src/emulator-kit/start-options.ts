import { randomBytes } from 'node:crypto';
import { CoalescingWriter, readCloudFile } from './persistence.js';

/** What every emulator's start takes, checked once here (DESIGN.md §6). */
export interface CommonStartOptions {
  host?: string;
  timeScale?: number;
  apiKey?: string;
  tokenTtlSeconds?: number;
}

export interface CheckedStartOptions {
  host: string;
  timeScale: number;
  /** The one secret: the caller's, or a random one. */
  apiKey: string;
  tokenTtlSeconds: number;
}

export function checkStartOptions(options: CommonStartOptions): CheckedStartOptions {
  const timeScale = options.timeScale ?? 1;
  if (!(timeScale >= 0) || !Number.isFinite(timeScale))
    throw new Error(`timeScale must be a number >= 0, not ${timeScale}`);
  const tokenTtlSeconds = options.tokenTtlSeconds ?? 3600;
  if (!(tokenTtlSeconds > 0)) throw new Error(`tokenTtlSeconds must be > 0, not ${tokenTtlSeconds}`);
  return {
    host: options.host ?? '127.0.0.1',
    timeScale,
    apiKey: options.apiKey ?? randomBytes(24).toString('base64url'),
    tokenTtlSeconds,
  };
}

/** Each of a model's default delays (milliseconds) multiplied by the time scale. */
export function scaleDelays<T extends Record<string, number>>(
  base: T,
  timeScale: number,
): { -readonly [K in keyof T]: number } {
  const result = {} as { -readonly [K in keyof T]: number };
  for (const key of Object.keys(base) as (keyof T)[]) result[key] = Math.round(base[key]! * timeScale);
  return result;
}

/**
 * The cloud kept in `dataFile` (restored when the file exists, else made empty and written at once, so a restart
 * finds the same account), with the writer the kit persists it through; in memory when there is no file.
 */
export async function persistedCloud<C extends { toSnapshot(): unknown }>(
  dataFile: string | undefined,
  restore: (snapshot: unknown) => C,
  empty: () => C,
  /** Settings applied before the first write (a frozen clock), so the file holds them from the start. */
  prepare: (cloud: C) => void = () => undefined,
): Promise<{ cloud: C; writer: CoalescingWriter | undefined }> {
  const stored = dataFile ? await readCloudFile(dataFile) : undefined;
  const cloud = stored ? restore(stored) : empty();
  prepare(cloud);
  const writer = dataFile ? new CoalescingWriter(dataFile, () => JSON.stringify(cloud.toSnapshot())) : undefined;
  if (writer && !stored) await writer.write();
  return { cloud, writer };
}
