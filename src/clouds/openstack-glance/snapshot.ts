import type { CloudSnapshot } from '../../engine/snapshot.js';
import type { GlanceImage } from './glance-api.js';

/** What a refresh of Glance saw (refresh.ts builds it; tests build it by hand). */
export interface GlanceSnapshot extends CloudSnapshot {
  /** Every image read, hidden ones included, by id. */
  images: Map<string, GlanceImage>;
  /** Image ids by name: Glance names are not unique, so a name may have several (the plan notes the others). */
  imageIdsByName: Map<string, string[]>;
  /** Managed image ids the cloud no longer has. */
  goneImages: Set<string>;
  /** The sha512 of each image document's `source.file`, by address (a changed file replaces the image). */
  sourceDigests: Map<string, string>;
}

export function emptySnapshot(now: Date): GlanceSnapshot {
  return {
    now,
    images: new Map(),
    imageIdsByName: new Map(),
    goneImages: new Set(),
    sourceDigests: new Map(),
    adoptedIntents: new Map(),
    requests: 0,
  };
}

export function addImage(snapshot: GlanceSnapshot, image: GlanceImage): void {
  snapshot.images.set(image.id, image);
  if (image.name === null) return;
  const ids = snapshot.imageIdsByName.get(image.name);
  if (ids) ids.push(image.id);
  else snapshot.imageIdsByName.set(image.name, [image.id]);
}
