import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ProviderSettings } from '../../src/config/model.js';
import { UserError } from '../../src/core/errors.js';
import { startEmulator } from '../../src/clouds/ibm-vpc/emulator/index.js';
import { openProvider as openAny } from '../../src/app/open-provider.js';
import type { IbmVpcClient } from '../../src/clouds/ibm-vpc/api-types.js';

/** These providers are all IBM's: the client is IBM's. */
const openProvider = async (dir: string, settings: ProviderSettings, env: NodeJS.ProcessEnv): Promise<IbmVpcClient> =>
  (await openAny(dir, settings, env)) as IbmVpcClient;

const embedded: ProviderSettings = { name: 'default', type: 'ibm-vpc', embedded: true, options: {} };
const OS = 'ubuntu-24-04-amd64';

describe('openProvider', () => {
  let dir: string;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'imageform-open-'));
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('starts the embedded emulator with its cloud in .imageform/cloud.json and stops it on close', async () => {
    const provider = await openProvider(dir, embedded, { IMAGEFORM_EMULATOR_TIME_SCALE: '0.05' });
    let closed = false;
    try {
      const image = await provider.createImage({
        name: 'embedded-one',
        file: { href: 'cos://us-south/b/one.qcow2' },
        operating_system: { name: OS },
      });
      expect(image.name).toBe('embedded-one');
      expect(await readFile(join(dir, '.imageform', '.gitignore'), 'utf8')).toBe('*\n');
      await provider.close();
      closed = true;
      expect((await stat(join(dir, '.imageform', 'cloud.json'))).isFile()).toBe(true);
      // The cloud outlives the process: a second run sees the image.
      const again = await openProvider(dir, embedded, {});
      try {
        expect((await again.listImages({ name: 'embedded-one' })).map((i) => i.id)).toEqual([image.id]);
      } finally {
        await again.close();
      }
    } finally {
      if (!closed) await provider.close();
    }
  });

  it('refuses a bad time scale', async () => {
    const error = await openProvider(dir, embedded, { IMAGEFORM_EMULATOR_TIME_SCALE: 'fast' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UserError);
    expect((error as Error).message).toMatch(/^IMAGEFORM_EMULATOR_TIME_SCALE must be a number >= 0, got "fast"/);
  });

  it('names the missing API key variable for ibm-vpc', async () => {
    const settings: ProviderSettings = {
      name: 'default',
      type: 'ibm-vpc',
      embedded: false,
      options: { region: 'eu-de', api_key_env: 'MY_IBM_KEY' },
    };
    const error = await openProvider(dir, settings, {}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UserError);
    expect((error as UserError).diagnostics[0]!.code).toBe('provider.api-key-missing');
    expect((error as Error).message).toMatch(/^MY_IBM_KEY is not set \(export MY_IBM_KEY=/);
  });

  it('talks to any endpoint for ibm-vpc, with the key from the environment', async () => {
    const emulator = await startEmulator({
      port: 0,
      host: '127.0.0.1',
      dataFile: join(dir, 'remote.json'),
      apiKey: 'remote-key-0123456789',
    });
    try {
      const settings: ProviderSettings = {
        name: 'default',
        type: 'ibm-vpc',
        embedded: false,
        options: { region: 'us-south', endpoint: emulator.url, iam_endpoint: emulator.url, api_key_env: 'REMOTE_KEY' },
      };
      const provider = await openProvider(dir, settings, { REMOTE_KEY: 'remote-key-0123456789' });
      try {
        expect(await provider.listImages({ name: 'nothing-here' })).toEqual([]);
      } finally {
        await provider.close();
      }
    } finally {
      await emulator.stop();
    }
  });
});
