import type { CloudSnapshot } from '../../engine/snapshot.js';
import type { CloudExportJob, CloudImage } from './api-types.js';

/** What a refresh of IBM Cloud VPC saw (refresh.ts builds it; tests build it by hand). */
export interface IbmSnapshot extends CloudSnapshot {
  /** Every image read, by id. */
  images: Map<string, CloudImage>;
  /** Image ids by cloud name (names are unique per region). */
  imageIdsByName: Map<string, string>;
  /** Image ids that answered 404: they can no longer be read. */
  goneImages: Set<string>;
  /** Export jobs of the images whose jobs were read, by image id. */
  exportJobs: Map<string, CloudExportJob[]>;
}

export function emptySnapshot(now: Date): IbmSnapshot {
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

export function addImage(snapshot: IbmSnapshot, image: CloudImage): void {
  snapshot.images.set(image.id, image);
  snapshot.imageIdsByName.set(image.name, image.id);
}
