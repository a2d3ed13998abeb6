import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type RunningEmulator } from '../../../../src/clouds/openstack-glance/emulator/index.js';
import { GlanceApi } from '../../../../src/clouds/openstack-glance/glance-api.js';
import { imagePoller } from '../../../../src/clouds/openstack-glance/pollers.js';
import { refresh } from '../../../../src/clouds/openstack-glance/refresh.js';
import type { ResourceState } from '../../../../src/state/state.js';
import { issueToken } from '../../../emulator/openstack-glance/glance-client.js';

const PASSWORD = 'glance-refresh-test-password';
let cloud: RunningEmulator;
let api: GlanceApi;

beforeAll(async () => {
  cloud = await startEmulator({ apiKey: PASSWORD, timeScale: 0.02 });
  api = new GlanceApi({
    authUrl: `${cloud.url}/v3`,
    username: 'admin',
    password: PASSWORD,
    userDomainName: 'Default',
    project: { name: 'admin', domainName: 'Default' },
    region: 'RegionOne',
    interface: 'public',
    pageSize: 3,
  });
});
afterAll(async () => {
  await api.close();
  await cloud.stop();
});

const entry = (fields: Partial<ResourceState>): ResourceState =>
  ({ kind: 'image', id: null, attributes: {}, dependencies: [], ...fields }) as ResourceState;

const newImage = (name: string, id = randomUUID()) =>
  api.createImage({ id, name, disk_format: 'raw', container_format: 'bare' });

describe('Glance refresh', () => {
  it('reads every image (hidden too), adopts a recorded create by its chosen id, and finds managed images gone', async () => {
    const kept = await newImage('kept');
    const hidden = await newImage('hidden');
    await api.updateImage(hidden.id, [{ op: 'replace', path: '/os_hidden', value: true }]);
    const twin = await newImage('kept'); // Glance names are not unique
    const interrupted = await newImage('interrupted');
    const deleted = await newImage('deleted');
    await api.deleteImage(deleted.id);
    const neverSent = randomUUID();

    const started = new Date().toISOString();
    const snapshot = await refresh(api, {
      entries: {
        'image.kept': entry({ id: kept.id }),
        'image.interrupted': entry({
          intent: { action: 'create', name: 'interrupted', key: interrupted.id, started_at: started },
        }),
        'image.never-sent': entry({
          intent: { action: 'create', name: 'never-sent', key: neverSent, started_at: started },
        }),
        'image.deleted': entry({ id: deleted.id }),
      },
      documents: [],
      concurrency: 4,
    });
    expect([...snapshot.images.keys()]).toEqual(expect.arrayContaining([kept.id, hidden.id, twin.id, interrupted.id]));
    expect(snapshot.images.has(deleted.id)).toBe(false);
    expect(snapshot.imageIdsByName.get('kept')).toEqual(expect.arrayContaining([kept.id, twin.id]));
    expect([...snapshot.adoptedIntents]).toEqual([['image.interrupted', interrupted.id]]);
    expect([...snapshot.goneImages]).toEqual([deleted.id]);
    expect(snapshot.now.getTime()).toBeGreaterThan(0);
    expect(snapshot.requests).toBeGreaterThan(1);
  });

  it('wakes each waiting image when its upload has made it active, reading them by id together', async () => {
    const images = await Promise.all([newImage('wait-1'), newImage('wait-2')]);
    const poller = imagePoller(api);
    const waits = images.map((image) =>
      poller.wait(image.id, {
        done: (found) => found?.status === 'active',
        timeoutMs: 60_000,
        describe: `image ${image.id} to become active`,
      }),
    );
    for (const image of images) {
      await fetch(`${cloud.url}/v2/images/${image.id}/file`, {
        method: 'PUT',
        headers: { 'X-Auth-Token': await issueToken(cloud.url, PASSWORD), 'Content-Type': 'application/octet-stream' },
        body: 'data',
      });
    }
    const settled = await Promise.all(waits);
    expect(settled.map((image) => [image?.id, image?.status, image?.size])).toEqual(
      images.map((image) => [image.id, 'active', 4]),
    );
  });
});
