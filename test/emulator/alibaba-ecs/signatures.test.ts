import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../../src/clouds/alibaba-ecs/emulator/index.js';
import { hook, rpc, SECRET, startTestEmulator } from './ecs-client.js';

/** README "Signatures" and "Transport": what the SDK never sends, sent with fetch. */
let emulator: RunningEmulator;
beforeAll(async () => {
  emulator = await startTestEmulator({ frozenClock: true });
});
afterAll(() => emulator.stop());

const describeImages = { RegionId: 'cn-hangzhou' };

describe('V3 ACS3-HMAC-SHA256', () => {
  it('accepts a request signed over its query, headers and empty body', async () => {
    const reply = await rpc(emulator, 'DescribeImages', describeImages);
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({ RegionId: 'cn-hangzhou', TotalCount: 0, PageNumber: 1, PageSize: 10 });
    expect(reply.body.RequestId).toMatch(/^[0-9A-F-]{36}$/);
    expect(reply.headers.get('date')).toBeTruthy();
  });

  it('refuses a query parameter changed after signing', async () => {
    const reply = await rpc(emulator, 'DescribeImages', describeImages, {
      tamper: ({ query }) => query.set('RegionId', 'cn-shanghai'),
    });
    expect(reply.status).toBe(400);
    expect(reply.body).toMatchObject({ Code: 'SignatureDoesNotMatch', HostId: 'ecs.aliyuncs.com' });
    expect(reply.body.RequestId).toBeTruthy();
  });

  it('refuses a form body changed after signing (the payload hash is recomputed)', async () => {
    const ok = await rpc(emulator, 'DescribeImages', describeImages, { form: true });
    expect(ok.status).toBe(200);
    const reply = await rpc(emulator, 'DescribeImages', describeImages, {
      form: true,
      tamper: (request) => (request.body = 'RegionId=cn-shanghai'),
    });
    expect(reply.body.Code).toBe('SignatureDoesNotMatch');
  });

  it('refuses a signed header changed after signing', async () => {
    const reply = await rpc(emulator, 'DescribeImages', describeImages, {
      tamper: ({ headers }) => (headers['x-acs-signature-nonce'] = 'another'),
    });
    expect(reply.body.Code).toBe('SignatureDoesNotMatch');
  });

  it('refuses the wrong secret, an unknown key id, and a stale x-acs-date', async () => {
    expect((await rpc(emulator, 'DescribeImages', describeImages, { secret: 'wrong' })).body.Code).toBe(
      'SignatureDoesNotMatch',
    );
    const unknown = await rpc(emulator, 'DescribeImages', describeImages, { accessKeyId: 'nobody' });
    expect(unknown.status).toBe(404);
    expect(unknown.body.Code).toBe('InvalidAccessKeyId.NotFound');
    const stale = await rpc(emulator, 'DescribeImages', describeImages, { timestamp: '2020-01-01T00:00:00Z' });
    expect(stale.body.Code).toBe('InvalidTimeStamp.Expired');
  });

  it('refuses an Authorization header without SignedHeaders, and an unsigned request', async () => {
    const partial = await rpc(emulator, 'DescribeImages', describeImages, {
      tamper: ({ headers }) => (headers.authorization = headers.authorization!.replace(/SignedHeaders=[^,]*,/, '')),
    });
    expect(partial.body.Code).toBe('IncompleteSignature');
    const unsigned = await rpc(emulator, 'DescribeImages', describeImages, { sign: 'none' });
    expect(unsigned.status).toBe(400);
    expect(unsigned.body.Code).toBe('IncompleteSignature');
  });
});

describe('replays', () => {
  it('refuses a signed request sent a second time with the same nonce (V3 and V2)', async () => {
    for (const sign of ['v3', 'v2'] as const) {
      let sent: { query: URLSearchParams; headers: Record<string, string>; body: string } | undefined;
      const first = await rpc(emulator, 'DescribeImages', describeImages, {
        sign,
        tamper: (request) => (sent = request),
      });
      expect(first.status).toBe(200);
      const replay = await fetch(`${emulator.url}/?${sent!.query.toString().replace(/\+/g, '%20')}`, {
        method: 'POST',
        headers: Object.fromEntries(Object.entries(sent!.headers).filter(([name]) => name !== 'host')),
      });
      expect(replay.status).toBe(400);
      expect(((await replay.json()) as any).Code).toBe('SignatureNonceUsed');
    }
  });
});

describe('the legacy HMAC-SHA1 query signature', () => {
  it('is accepted on POST and GET, in the query or a form body', async () => {
    for (const method of ['POST', 'GET'] as const) {
      const reply = await rpc(emulator, 'DescribeImages', describeImages, { sign: 'v2', method });
      expect(reply.status).toBe(200);
    }
    const form = await rpc(emulator, 'DescribeImages', describeImages, { sign: 'v2', form: true });
    expect(form.status).toBe(200);
  });

  it('refuses a changed parameter, a wrong secret, and a Timestamp outside 31 minutes', async () => {
    const changed = await rpc(emulator, 'DescribeImages', describeImages, {
      sign: 'v2',
      tamper: ({ query }) => query.set('PageSize', '50'),
    });
    expect(changed.body.Code).toBe('SignatureDoesNotMatch');
    expect((await rpc(emulator, 'DescribeImages', describeImages, { sign: 'v2', secret: 'x' })).body.Code).toBe(
      'SignatureDoesNotMatch',
    );
    const old = new Date(Date.now() - 32 * 60_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
    expect((await rpc(emulator, 'DescribeImages', describeImages, { sign: 'v2', timestamp: old })).body.Code).toBe(
      'InvalidTimeStamp.Expired',
    );
    const recent = new Date(Date.now() - 20 * 60_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
    expect((await rpc(emulator, 'DescribeImages', describeImages, { sign: 'v2', timestamp: recent })).status).toBe(200);
    expect(
      (await rpc(emulator, 'DescribeImages', describeImages, { sign: 'v2', timestamp: 'yesterday' })).body.Code,
    ).toBe('InvalidTimeStamp.Format');
  });
});

describe('RPC dispatch', () => {
  it('names an unknown action, a wrong version, a missing or unknown region', async () => {
    const unknown = await rpc(emulator, 'DescribeUnicorns', describeImages);
    expect(unknown.status).toBe(404);
    expect(unknown.body.Code).toBe('InvalidAction.NotFound');
    const wrongVersion = await rpc(emulator, 'DescribeImages', { ...describeImages, Version: '2016-01-01' });
    expect(wrongVersion.body.Code).toBe('InvalidVersion');
    const noRegion = await rpc(emulator, 'DescribeImages', {});
    expect(noRegion.body).toMatchObject({ Code: 'MissingParameter' });
    expect(noRegion.body.Message).toContain('RegionId');
    const badRegion = await rpc(emulator, 'DescribeImages', { RegionId: 'mars-north-1' });
    expect(badRegion.status).toBe(404);
    expect(badRegion.body.Code).toBe('InvalidRegionId.NotFound');
    const shanghai = await rpc(emulator, 'DescribeImages', { RegionId: 'cn-shanghai' });
    expect(shanghai.status).toBe(200);
  });

  it('answers JSON only', async () => {
    const xml = await rpc(emulator, 'DescribeImages', { ...describeImages, Format: 'XML' });
    expect(xml.body.Code).toBe('InvalidParameter');
  });
});

describe('the test endpoints', () => {
  it('take a signed request or Bearer KEY, and refuse anything else before faults', async () => {
    expect((await hook(emulator, 'GET', '/stats')).status).toBe(200);
    const signed = await rpc(emulator, 'Stats', {}, { method: 'GET', path: '/emulator/v1/stats' });
    expect(signed.status).toBe(200);
    expect(signed.body.requests).toBeDefined();
    const wrong = await fetch(`${emulator.url}/emulator/v1/stats`, { headers: { authorization: 'Bearer nope' } });
    expect(wrong.status).toBe(400);
    const body = await wrong.text();
    expect(JSON.parse(body).Code).toBe('IncompleteSignature');
    expect(body).not.toContain(SECRET);
  });
});

describe('faults', () => {
  it('renders a throttle in ECS shape with x-acs-retry-after, and refuses an unsigned call before faults', async () => {
    await hook(emulator, 'POST', '/faults', { error_rate: 1, statuses: [429], seed: 3 });
    try {
      const throttled = await rpc(emulator, 'DescribeImages', describeImages);
      expect(throttled.status).toBe(429);
      expect(throttled.body).toMatchObject({ Code: 'Throttling.User', HostId: 'ecs.aliyuncs.com' });
      expect(throttled.headers.get('x-acs-retry-after')).toBe('1000');
      const unsigned = await rpc(emulator, 'DescribeImages', describeImages, { secret: 'wrong' });
      expect(unsigned.body.Code).toBe('SignatureDoesNotMatch');
      expect((await hook(emulator, 'GET', '/stats')).body.faults.failed).toBe(1);
    } finally {
      await hook(emulator, 'POST', '/faults', {});
    }
  });

  it('settles a lost answer by the ClientToken: the retry gets the image the lost call created', async () => {
    const params = { RegionId: 'cn-shenzhen', SnapshotId: 's-lost', ImageName: 'lost-answer', ClientToken: 'lost-1' };
    await hook(emulator, 'POST', '/faults', { lost_response_rate: 1 });
    try {
      await expect(rpc(emulator, 'CreateImage', params)).rejects.toThrow();
    } finally {
      await hook(emulator, 'POST', '/faults', {});
    }
    const ids = async () =>
      (await rpc(emulator, 'DescribeImages', { RegionId: 'cn-shenzhen', Status: 'ALL' })).body.Images.Image.map(
        (image: any) => image.ImageId,
      );
    const created = await ids();
    expect(created).toHaveLength(1); // the lost call was processed
    const retry = await rpc(emulator, 'CreateImage', params);
    expect(retry.body.ImageId).toBe(created[0]);
    expect(await ids()).toEqual(created);
  });
});
