import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startGlance } from './glance-client.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'imageform-glance-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('persistence (--data)', () => {
  it('a restarted emulator keeps its images, their data (beside the file, not in it), deleted ids, the moved clock and its tokens', async () => {
    const dataFile = join(dir, 'cloud.json');
    const first = await startGlance({ dataFile, apiKey: 'key-1' });
    const marker = Buffer.from('0123456789abcdef-the-bytes-themselves');
    const active = await first.activeImage({ name: 'kept', os_distro: 'ubuntu', tags: ['t'] }, marker);
    const saving = await first.createImage({ name: 'saving' });
    await first.api('PUT', `/v2/images/${saving.id}/file`, undefined, {
      raw: 'x',
      contentType: 'application/octet-stream',
    });
    const gone = await first.createImage({ name: 'gone' });
    await first.api('DELETE', `/v2/images/${gone.id}`);
    const clockBefore = (await first.hook('GET', '/clock')).body.now;
    await first.stop();

    expect(await readFile(dataFile, 'utf8')).not.toContain(marker.toString());
    const again = await startGlance({ dataFile, apiKey: 'key-1' });
    try {
      expect((await again.api('GET', `/v2/images/${active.id}`, undefined, { token: first.token })).status).toBe(200);
      expect((await again.api('GET', `/v2/images/${active.id}`)).body).toEqual(active);
      const download = await again.api('GET', `/v2/images/${active.id}/file`);
      expect([download.status, download.text]).toEqual([200, marker.toString()]);
      expect((await again.api('GET', `/v2/images/${saving.id}`)).body.status).toBe('saving');
      await again.advance(5);
      // the transition that was due still happens after the restart
      expect((await again.api('GET', `/v2/images/${saving.id}`)).body.status).toBe('active');
      expect((await again.api('POST', '/v2/images', { id: gone.id })).status).toBe(409);
      expect(Date.parse((await again.hook('GET', '/clock')).body.now)).toBeGreaterThanOrEqual(Date.parse(clockBefore));
    } finally {
      await again.stop();
    }
    // another key, another Keystone: the old tokens are refused
    const other = await startGlance({ dataFile, apiKey: 'key-2' });
    try {
      expect((await other.api('GET', '/v2/images', undefined, { token: first.token })).status).toBe(401);
    } finally {
      await other.stop();
    }
  });
});
