import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cloudErrorOf } from '../../../helpers/cloud-error.js';
import {
  ACCESS_KEY_ID,
  startEmulator,
  type RunningEmulator,
} from '../../../../src/clouds/alibaba-ecs/emulator/index.js';
import { EcsApi, type EcsApiOptions, type EcsImage } from '../../../../src/clouds/alibaba-ecs/ecs-api.js';

const SECRET = 'ecs-api-test-secret-value';
let cloud: RunningEmulator;
const apis: EcsApi[] = [];

beforeAll(async () => {
  cloud = await startEmulator({ apiKey: SECRET, timeScale: 0 });
});
afterAll(async () => {
  for (const api of apis) api.close();
  await cloud.stop();
});

function ecs(overrides: Partial<EcsApiOptions> = {}): EcsApi {
  const api = new EcsApi({
    endpoint: cloud.url,
    regionId: 'cn-hangzhou',
    accessKeyId: ACCESS_KEY_ID,
    accessKeySecret: SECRET,
    retryBaseMs: 1,
    ...overrides,
  });
  apis.push(api);
  return api;
}

async function importImage(api: EcsApi, name: string, clientToken: string): Promise<string> {
  const answer = await api.call<{ ImageId: string }>('ImportImage', {
    ImageName: name,
    OSType: 'linux',
    Platform: 'Ubuntu',
    Architecture: 'x86_64',
    'DiskDeviceMapping.1.OSSBucket': 'img-src',
    'DiskDeviceMapping.1.OSSObject': `${name}.qcow2`,
    'DiskDeviceMapping.1.Format': 'QCOW2',
    ClientToken: clientToken,
  });
  return answer.ImageId;
}

describe('EcsApi (signature V3) against the ECS emulator', () => {
  it('imports under a ClientToken: the same token gives the same image, which every status listing finds', async () => {
    const api = ecs();
    const first = await importImage(api, 'noble', 'token-noble-1');
    expect(first).toMatch(/^m-/);
    expect(await importImage(api, 'noble', 'token-noble-1')).toBe(first);
    const listed = await api.describeAllImages();
    expect(listed.filter((image: EcsImage) => image.ImageId === first)).toHaveLength(1);
    expect(listed.find((image) => image.ImageId === first)?.ImageName).toBe('noble');
  });

  it('modifies and deletes with ECS parameters, and reports ECS refusals by code', async () => {
    const api = ecs();
    const id = await importImage(api, 'jammy', 'token-jammy-1');
    await api.call('ModifyImageAttribute', { ImageId: id, Description: 'second build', ImageFamily: 'ubuntu-lts' });
    const [image] = await api.describeAllImages({ ImageId: id });
    expect(image).toMatchObject({ ImageId: id, Description: 'second build', ImageFamily: 'ubuntu-lts' });
    const twin = await cloudErrorOf(importImage(api, 'jammy', 'token-jammy-2'));
    expect(twin.code).toBe('InvalidImageName.Duplicated');
    expect(twin.message).toMatch(/^ImportImage: .+ \[request .+\] \(InvalidImageName\.Duplicated, HTTP 400\)$/);
    await api.call('DeleteImage', { ImageId: id });
    expect(await api.describeAllImages({ ImageId: id })).toEqual([]);
  });

  it('pages DescribeImages by 100 until TotalCount is read', async () => {
    const api = ecs({ regionId: 'cn-shanghai' });
    for (let i = 0; i < 105; i++) await importImage(api, `paged-${i}`, `token-paged-${i}`);
    const listed = await api.describeAllImages();
    expect(new Set(listed.map((image) => image.ImageId)).size).toBe(105);
  });

  it('refuses a wrong secret as SignatureDoesNotMatch, with the hint, and never prints the secret', async () => {
    const refused = await cloudErrorOf(ecs({ accessKeySecret: 'not-the-secret-at-all' }).call('DescribeImages'));
    expect(refused.code).toBe('SignatureDoesNotMatch');
    expect(refused.message).toContain('check the AccessKey imageform-emulator and its secret');
    expect(refused.message).not.toContain('not-the-secret-at-all');
    expect(refused.message).not.toContain(SECRET);
  });

  it("reads the cloud's clock from the Date header", async () => {
    const moved = await fetch(`${cloud.url}/emulator/v1/clock`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${SECRET}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ advance_seconds: 10 * 86_400 }),
    });
    expect(moved.status).toBe(200);
    const now = await ecs().now();
    expect(now.getTime() - Date.now()).toBeGreaterThan(9 * 86_400_000);
  });
});
