import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openEmbeddedGlance, openGlance } from '../../../../src/clouds/openstack-glance/open.js';
import type { ProviderSettings } from '../../../../src/config/model.js';

const provider = (options: Record<string, unknown>): ProviderSettings => ({
  name: 'vk',
  type: 'openstack-glance',
  embedded: false,
  options,
});
const SETTINGS = { auth_url: 'https://keystone.invalid/v3', project_id: 'p1' };

async function refusal(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(Error);
  return (error as Error).message;
}

describe('opening a Glance provider', () => {
  it('says which setting or variable is missing, before any request', async () => {
    const context = { dir: '.', env: {}, name: 'vk' };
    expect(await refusal(openGlance(provider({ project_id: 'p1' }), context))).toMatch(
      /^providers\.vk\.auth_url is not set \(give the Keystone v3 URL/,
    );
    expect(await refusal(openGlance(provider({ auth_url: SETTINGS.auth_url }), context))).toMatch(
      /^providers\.vk names no project \(give project_id/,
    );
    expect(await refusal(openGlance(provider(SETTINGS), context))).toMatch(
      /^OS_USERNAME is not set \(export OS_USERNAME=/,
    );
    const named = provider({ ...SETTINGS, password_env: 'VK_PASSWORD' });
    expect(await refusal(openGlance(named, { ...context, env: { OS_USERNAME: 'ci' } }))).toMatch(
      /^VK_PASSWORD is not set \(export VK_PASSWORD=/,
    );
  });

  it('embedded: starts the emulator in-process, signs in to its Keystone, and stops it on close', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'imageform-glance-open-'));
    try {
      const api = await openEmbeddedGlance(provider({}), {
        dir,
        env: {},
        name: 'vk',
        dataFile: join(dir, 'cloud-vk.json'),
      });
      expect(await api.listImages()).toEqual([]);
      expect(api.tokenRequestCount).toBe(1);
      await api.close();
      await expect(api.listImages()).rejects.toThrow(/the provider is closed/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
