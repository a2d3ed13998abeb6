import { describe, expect, it } from 'vitest';
import { startGlance } from './glance-client.js';

describe('--time-scale', () => {
  it('stretches the save delay: at 10, saving lasts 5 s of the cloud clock instead of 0.5 s', async () => {
    const glance = await startGlance({ timeScale: 10 });
    try {
      const image = await glance.createImage();
      await glance.api('PUT', `/v2/images/${image.id}/file`, undefined, {
        raw: 'data',
        contentType: 'application/octet-stream',
      });
      await glance.advance(1);
      expect((await glance.api('GET', `/v2/images/${image.id}`)).body.status).toBe('saving');
      await glance.advance(4);
      expect((await glance.api('GET', `/v2/images/${image.id}`)).body.status).toBe('active');
    } finally {
      await glance.stop();
    }
  });

  it('at 0, data is active as soon as it has arrived', async () => {
    const glance = await startGlance({ timeScale: 0 });
    try {
      const image = await glance.createImage();
      await glance.api('PUT', `/v2/images/${image.id}/file`, undefined, {
        raw: 'data',
        contentType: 'application/octet-stream',
      });
      expect((await glance.api('GET', `/v2/images/${image.id}`)).body.status).toBe('active');
    } finally {
      await glance.stop();
    }
  });
});
