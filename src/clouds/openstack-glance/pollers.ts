import { SweepPoller } from '../../engine/sweep-poller.js';
import type { GlanceApi, GlanceImage } from './glance-api.js';

/**
 * Glance's image poller (DESIGN.md §9), one per client: every waiting image is read in one `id=in:` listing a
 * sweep (batches of 50 ids), not one GET per image per interval.
 */
const imagePollers = new WeakMap<GlanceApi, SweepPoller<GlanceImage>>();

export function imagePoller(api: GlanceApi): SweepPoller<GlanceImage> {
  let poller = imagePollers.get(api);
  if (!poller) {
    poller = new SweepPoller<GlanceImage>({
      read: async (ids) => new Map((await api.listImagesById(ids)).map((image) => [image.id, image])),
    });
    imagePollers.set(api, poller);
  }
  return poller;
}
