import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DEFAULT_PROVIDER_NAME, type ProviderSettings } from '../config/model.js';
import { UserError } from '../core/errors.js';
import type { CloudClient } from '../engine/cloud.js';
import { cloudOfType } from './clouds.js';

export const TIME_SCALE_ENV = 'IMAGEFORM_EMULATOR_TIME_SCALE';

/**
 * The client of one provider of the settings, opened by its cloud. One code path per cloud, the HTTP one:
 * `embedded: true` starts the cloud's emulator in-process (its data in .imageform/cloud.json for the single
 * default provider, .imageform/cloud-NAME.json for a named one) and points the same client at it.
 */
export async function openProvider(
  dir: string,
  provider: ProviderSettings,
  env: NodeJS.ProcessEnv,
): Promise<CloudClient> {
  const cloud = cloudOfType(provider.type);
  const context = { dir, env, name: provider.name };
  if (!provider.embedded) return cloud.open(provider, context);
  const timeScale = readTimeScale(env);
  const workDir = await ensureWorkDir(dir);
  const file = provider.name === DEFAULT_PROVIDER_NAME ? 'cloud.json' : `cloud-${provider.name}.json`;
  return cloud.openEmbedded(provider, {
    ...context,
    dataFile: join(workDir, file),
    ...(timeScale === undefined ? {} : { timeScale }),
  });
}

function readTimeScale(env: NodeJS.ProcessEnv): number | undefined {
  const raw = env[TIME_SCALE_ENV];
  if (raw === undefined || raw === '') return undefined;
  const value = Number(raw);
  // 0 is allowed: every emulated delay vanishes.
  if (!Number.isFinite(value) || value < 0) {
    throw UserError.of(
      'provider.time-scale-invalid',
      `${TIME_SCALE_ENV} must be a number >= 0, got "${raw}"`,
      `e.g. ${TIME_SCALE_ENV}=0.1 makes the emulator 10 times faster`,
    );
  }
  return value;
}

/** DIR/.imageform, git-ignored as a whole: it holds local state, the embedded clouds and the lock. */
export async function ensureWorkDir(dir: string): Promise<string> {
  const workDir = join(dir, '.imageform');
  await mkdir(workDir, { recursive: true });
  await writeFile(join(workDir, '.gitignore'), '*\n', { flag: 'wx' }).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== 'EEXIST') throw error;
  });
  return workDir;
}
