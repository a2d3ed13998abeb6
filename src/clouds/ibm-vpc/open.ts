import { randomBytes } from 'node:crypto';
import type { ProviderSettings } from '../../config/model.js';
import { UserError } from '../../core/errors.js';
import type { EmbeddedContext, OpenContext } from '../../engine/cloud.js';
import type { IbmVpcClient } from './api-types.js';
import { createIbmVpcProvider } from './client.js';

export const DEFAULT_REGION = 'us-south';
export const DEFAULT_API_KEY_ENV = 'IBMCLOUD_API_KEY';
export const DEFAULT_IAM_ENDPOINT = 'https://iam.cloud.ibm.com';

export function defaultEndpoint(region: string): string {
  return `https://${region}.iaas.cloud.ibm.com`;
}

/** A provider entry's IBM keys, with DESIGN.md §3's defaults. */
export interface IbmSettings {
  region: string;
  endpoint?: string;
  iam_endpoint?: string;
  api_key_env: string;
}

export function ibmSettings(settings: ProviderSettings): IbmSettings {
  const text = (key: string): string | undefined =>
    typeof settings.options[key] === 'string' ? (settings.options[key] as string) : undefined;
  const endpoint = text('endpoint');
  const iamEndpoint = text('iam_endpoint');
  return {
    region: text('region') ?? DEFAULT_REGION,
    ...(endpoint ? { endpoint } : {}),
    ...(iamEndpoint ? { iam_endpoint: iamEndpoint } : {}),
    api_key_env: text('api_key_env') ?? DEFAULT_API_KEY_ENV,
  };
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

/** The IBM VPC HTTP client for a provider of the settings; the API key from the variable they name. */
export async function openIbmVpc(provider: ProviderSettings, context: OpenContext): Promise<IbmVpcClient> {
  const settings = ibmSettings(provider);
  const apiKey = context.env[settings.api_key_env];
  if (!apiKey) {
    throw UserError.of(
      'provider.api-key-missing',
      `${settings.api_key_env} is not set`,
      `export ${settings.api_key_env}=<your IBM Cloud API key>; the key is read from the environment only (api_key_env in imageform.yaml names the variable)`,
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
 * `embedded: true`: the emulator in-process on a random loopback port, with a fresh random API key, and the same
 * HTTP client pointed at it; closing the client stops the emulator.
 */
export async function openEmbeddedIbmVpc(_provider: ProviderSettings, context: EmbeddedContext): Promise<IbmVpcClient> {
  // Loaded only when needed: a real-cloud run never pays for the emulator.
  const { startEmulator } = await import('./emulator/index.js');
  const emulator = await startEmulator({
    dataFile: context.dataFile,
    port: 0,
    host: '127.0.0.1',
    apiKey: randomBytes(24).toString('base64url'),
    ...(context.timeScale === undefined ? {} : { timeScale: context.timeScale }),
  });
  return createIbmVpcProvider({
    endpoint: emulator.url,
    iamEndpoint: emulator.url,
    apiKey: emulator.apiKey,
    credentialHint: 'the embedded emulator refused its own key, which is a bug',
    onClose: () => emulator.stop(),
  });
}
