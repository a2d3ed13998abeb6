import type { CloudExportJob, CloudImage } from './api-types.js';

/**
 * What a refresh saw of the cloud: the input to the pure planner. Built by refresh.ts; tests build it by hand.
 */
export interface CloudSnapshot {
  /** The cloud's time when the refresh ended (from its Date header). */
  now: Date;
  /** Every image read, by id. */
  images: Map<string, CloudImage>;
  /** Image ids by cloud name (names are unique per region). */
  imageIdsByName: Map<string, string>;
  /** Image ids that answered 404: they can no longer be read. */
  goneImages: Set<string>;
  /** Export jobs of the images whose jobs were read, by image id. */
  exportJobs: Map<string, CloudExportJob[]>;
  /** Create intents left by an interrupted apply and found in the cloud: address -> id. */
  adoptedIntents: Map<string, string>;
  /** API requests the refresh made. */
  requests: number;
}

export function emptySnapshot(now: Date): CloudSnapshot {
  return {
    now,
    images: new Map(),
    imageIdsByName: new Map(),
    goneImages: new Set(),
    exportJobs: new Map(),
    adoptedIntents: new Map(),
    requests: 0,
  };
}

export function addImage(snapshot: CloudSnapshot, image: CloudImage): void {
  snapshot.images.set(image.id, image);
  snapshot.imageIdsByName.set(image.name, image.id);
}
