import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ProviderSettings } from '../config/model.js';
import { UserError } from '../core/errors.js';
import { createIbmVpcProvider } from '../clouds/ibm-vpc/client.js';
import type { Provider } from '../clouds/ibm-vpc/api-types.js';

export const DEFAULT_IAM_ENDPOINT = 'https://iam.cloud.ibm.com';
export const TIME_SCALE_ENV = 'IMAGEFORM_EMULATOR_TIME_SCALE';

export function defaultEndpoint(region: string): string {
  return `https://${region}.iaas.cloud.ibm.com`;
}

/**
 * The provider the settings ask for. There is one code path, the IBM VPC HTTP client: `embedded` starts the emulator
 * in-process on a random loopback port (its cloud in DIR/.imageform/cloud.json, a fresh random API key) and points
 * the client at it; closing the provider stops the emulator.
 */
export async function openProvider(dir: string, settings: ProviderSettings, env: NodeJS.ProcessEnv): Promise<Provider> {
  if (settings.type === 'embedded') return openEmbedded(dir, env);
  const apiKey = env[settings.api_key_env];
  if (!apiKey) {
    throw UserError.of(
      'provider.api-key-missing',
      `${settings.api_key_env} is not set`,
      `export ${settings.api_key_env}=<your IBM Cloud API key>; the key is read from the environment only (provider.api_key_env in imageform.yaml names the variable)`,
    );
  }
  const endpoint = settings.endpoint ?? defaultEndpoint(settings.region);
  return createIbmVpcProvider({
    endpoint,
    iamEndpoint: settings.iam_endpoint ?? defaultIamEndpoint(endpoint),
    apiKey,
    apiKeyEnv: settings.api_key_env,
  });
}

/**
 * IBM's token service, except for an API on this machine (a running `imageform emulator`), which serves its own
 * tokens: pointing only `endpoint` at it is enough.
 */
export function defaultIamEndpoint(endpoint: string): string {
  const host = new URL(endpoint).hostname;
  const loopback = host === 'localhost' || host === '[::1]' || host === '::1' || /^127\./.test(host);
  return loopback ? endpoint : DEFAULT_IAM_ENDPOINT;
}

async function openEmbedded(dir: string, env: NodeJS.ProcessEnv): Promise<Provider> {
  const timeScale = readTimeScale(env);
  const workDir = await ensureWorkDir(dir);
  // Loaded only when needed: a real-cloud run never pays for the emulator.
  const { startEmulator } = await import('../clouds/ibm-vpc/emulator/index.js');
  const emulator = await startEmulator({
    dataFile: join(workDir, 'cloud.json'),
    port: 0,
    host: '127.0.0.1',
    apiKey: randomBytes(24).toString('base64url'),
    ...(timeScale === undefined ? {} : { timeScale }),
  });
  return createIbmVpcProvider({
    endpoint: emulator.url,
    iamEndpoint: emulator.url,
    apiKey: emulator.apiKey,
    credentialHint: 'the embedded emulator refused its own key, which is a bug',
    onClose: () => emulator.stop(),
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

/** DIR/.imageform, git-ignored as a whole: it holds local state, the embedded cloud and the lock. */
export async function ensureWorkDir(dir: string): Promise<string> {
  const workDir = join(dir, '.imageform');
  await mkdir(workDir, { recursive: true });
  await writeFile(join(workDir, '.gitignore'), '*\n', { flag: 'wx' }).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== 'EEXIST') throw error;
  });
  return workDir;
}
