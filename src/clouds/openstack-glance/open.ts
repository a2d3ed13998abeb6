import { randomBytes } from 'node:crypto';
import type { ProviderSettings } from '../../config/model.js';
import { UserError } from '../../core/errors.js';
import type { EmbeddedContext, OpenContext } from '../../engine/cloud.js';
import { GlanceApi } from './glance-api.js';

/** A provider entry's Glance keys, with DESIGN.md §3's defaults. */
export interface GlanceSettings {
  auth_url?: string;
  region: string;
  interface: 'public' | 'internal' | 'admin';
  project_id?: string;
  project_name?: string;
  project_domain_name: string;
  user_domain_name: string;
  username_env: string;
  password_env: string;
}

export function glanceSettings(settings: ProviderSettings): GlanceSettings {
  const text = (key: string): string | undefined =>
    typeof settings.options[key] === 'string' ? (settings.options[key] as string) : undefined;
  const face = text('interface');
  return {
    ...(text('auth_url') ? { auth_url: text('auth_url')! } : {}),
    region: text('region') ?? 'RegionOne',
    interface: face === 'internal' || face === 'admin' ? face : 'public',
    ...(text('project_id') ? { project_id: text('project_id')! } : {}),
    ...(text('project_name') ? { project_name: text('project_name')! } : {}),
    project_domain_name: text('project_domain_name') ?? 'Default',
    user_domain_name: text('user_domain_name') ?? 'Default',
    username_env: text('username_env') ?? 'OS_USERNAME',
    password_env: text('password_env') ?? 'OS_PASSWORD',
  };
}

/** The Glance client of a provider of the settings: Keystone credentials from the variables they name. */
export async function openGlance(provider: ProviderSettings, context: OpenContext): Promise<GlanceApi> {
  const settings = glanceSettings(provider);
  const where = `providers.${provider.name}`;
  if (!settings.auth_url)
    throw UserError.of(
      'provider.settings-missing',
      `${where}.auth_url is not set`,
      'give the Keystone v3 URL, e.g. auth_url: https://msk.cloud.vk.com/infra/identity/v3/, or embedded: true for the emulator',
    );
  if (!settings.project_id && !settings.project_name)
    throw UserError.of(
      'provider.settings-missing',
      `${where} names no project`,
      'give project_id (VK Cloud) or project_name (with project_domain_name)',
    );
  const username = context.env[settings.username_env];
  const password = context.env[settings.password_env];
  for (const [variable, value, what] of [
    [settings.username_env, username, 'the Keystone user name'],
    [settings.password_env, password, 'the Keystone password'],
  ] as const) {
    if (!value)
      throw UserError.of(
        'provider.credentials-missing',
        `${variable} is not set`,
        `export ${variable}=<${what}>; it is read from the environment only (${where} names the variable)`,
      );
  }
  return new GlanceApi({
    authUrl: settings.auth_url,
    username: username!,
    password: password!,
    userDomainName: settings.user_domain_name,
    project: settings.project_id
      ? { id: settings.project_id }
      : { name: settings.project_name!, domainName: settings.project_domain_name },
    region: settings.region,
    interface: settings.interface,
    credentialHint: `check the user in ${settings.username_env} and the password in ${settings.password_env}`,
    env: context.env,
  });
}

/**
 * `embedded: true`: the Glance emulator in-process on a random loopback port with a fresh random password, and the
 * same client signed in to its Keystone (DESIGN.md §6: user admin, project admin, domain Default); closing the
 * client stops the emulator.
 */
export async function openEmbeddedGlance(_provider: ProviderSettings, context: EmbeddedContext): Promise<GlanceApi> {
  const { startEmulator } = await import('./emulator/index.js');
  const emulator = await startEmulator({
    dataFile: context.dataFile,
    port: 0,
    host: '127.0.0.1',
    apiKey: randomBytes(24).toString('base64url'),
    ...(context.timeScale === undefined ? {} : { timeScale: context.timeScale }),
  });
  return new GlanceApi({
    authUrl: `${emulator.url}/v3`,
    username: 'admin',
    password: emulator.apiKey,
    userDomainName: 'Default',
    project: { name: 'admin', domainName: 'Default' },
    region: 'RegionOne',
    interface: 'public',
    credentialHint: 'the embedded emulator refused its own password, which is a bug',
    onClose: () => emulator.stop(),
    env: context.env,
  });
}
