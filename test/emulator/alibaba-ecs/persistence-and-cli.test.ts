import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../../src/clouds/alibaba-ecs/emulator/index.js';
import { waitFor } from '../../helpers/wait.js';
import { $Ecs, advance, hook, importImage, rpc, sdkClient, SECRET, startTestEmulator } from './ecs-client.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'imageform-ecs-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('persistence (--data)', () => {
  it('a restarted emulator continues where it stopped, and its file holds no secret', async () => {
    const dataFile = join(dir, 'cloud.json');
    const first = await startTestEmulator({ dataFile, frozenClock: true });
    const params = { ImageName: 'kept', ClientToken: 'kept-token', 'Tag.1.Key': 'team', 'Tag.1.Value': 'web' };
    const { ImageId } = await importImage(first, params);
    await advance(first, 5);
    await rpc(first, 'ModifyImageSharePermission', { RegionId: 'cn-hangzhou', ImageId, 'AddAccount.1': '1234567890' });
    const task = await rpc(first, 'ExportImage', { RegionId: 'cn-hangzhou', ImageId, OSSBucket: 'kept-bucket' });
    await advance(first, 3600);
    const clockBefore = Date.parse((await hook(first, 'GET', '/clock')).body.now);
    await first.stop();
    expect(await readFile(dataFile, 'utf8')).not.toContain(SECRET);

    const again = await startTestEmulator({ dataFile, frozenClock: true });
    try {
      const listed = await rpc(again, 'DescribeImages', { RegionId: 'cn-hangzhou', ImageId });
      expect(listed.body.Images.Image[0]).toMatchObject({
        ImageName: 'kept',
        Status: 'Available',
        IsSelfShared: 'True',
      });
      expect(Date.parse((await hook(again, 'GET', '/clock')).body.now)).toBeGreaterThanOrEqual(clockBefore);
      const attribute = await rpc(again, 'DescribeTaskAttribute', {
        RegionId: 'cn-hangzhou',
        TaskId: task.body.TaskId,
      });
      expect(attribute.body.TaskStatus).toBe('Finished');
      const objects = await hook(again, 'GET', '/buckets/kept-bucket/objects');
      expect(objects.body.objects).toHaveLength(1);
      // The ClientToken survives too: a retry after the restart gets the same image.
      expect((await importImage(again, params)).ImageId).toBe(ImageId);
    } finally {
      await again.stop();
    }
  });
});

const mainModule = fileURLToPath(new URL('../../../src/cli/main.ts', import.meta.url));

function spawnEmulator(args: string[], env: NodeJS.ProcessEnv = {}) {
  const script = `import(${JSON.stringify(mainModule)}).then(async (m) => { process.exitCode = await m.main(${JSON.stringify(['emulator', ...args])}); })`;
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...env },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => (stdout += chunk));
  child.stderr.on('data', (chunk) => (stderr += chunk));
  return { child, stdout: () => stdout, stderr: () => stderr };
}

const asEmulator = (url: string, apiKey: string): RunningEmulator => ({
  url,
  port: Number(new URL(url).port),
  apiKey,
  stop: async () => undefined,
});

describe('imageform emulator --cloud alibaba-ecs', () => {
  it('prints its URL and the key it made up, and the official client signs with that key', async () => {
    const { child, stdout, stderr } = spawnEmulator(['--cloud', 'alibaba-ecs', '--port', '0']);
    try {
      const lines = await waitFor(
        () => {
          if (child.exitCode !== null) throw new Error(`exited ${child.exitCode}: ${stderr()}`);
          const printed = stdout().split('\n');
          return printed.length > 2 && printed;
        },
        { what: 'the emulator to print two lines', detail: () => stdout() + stderr() },
      );
      expect(lines[0]).toMatch(/^listening on http:\/\/127\.0\.0\.1:\d+$/);
      expect(lines[1]).toMatch(/^api key: \S+$/);
      const emulator = asEmulator(lines[0]!.slice('listening on '.length), lines[1]!.slice('api key: '.length));
      const regions = await sdkClient(emulator).describeRegions(new $Ecs.DescribeRegionsRequest({}));
      const ids = regions.body!.regions!.region!.map((region) => region.regionId);
      expect(ids).toEqual(expect.arrayContaining(['cn-hangzhou', 'cn-shanghai']));
    } finally {
      child.kill('SIGTERM');
      await once(child, 'exit');
    }
    expect(child.exitCode).toBe(0);
  });

  it('never prints a key given in IMAGEFORM_EMULATOR_API_KEY', async () => {
    const { child, stdout, stderr } = spawnEmulator(['--cloud', 'alibaba-ecs', '--port', '0'], {
      IMAGEFORM_EMULATOR_API_KEY: SECRET,
    });
    try {
      const url = await waitFor(
        () => {
          if (child.exitCode !== null) throw new Error(`exited ${child.exitCode}: ${stderr()}`);
          return /^listening on (\S+)\n/.exec(stdout())?.[1];
        },
        { what: 'the emulator to listen' },
      );
      const reply = await rpc(asEmulator(url, SECRET), 'DescribeImages', { RegionId: 'cn-shanghai' });
      expect(reply.status).toBe(200);
    } finally {
      child.kill('SIGTERM');
      await once(child, 'exit');
    }
    expect(stdout()).not.toContain(SECRET);
    expect(stderr()).not.toContain(SECRET);
    expect(stdout().trim().split('\n')).toHaveLength(1);
  });
});
