import type { Kind } from '../../../config/model.js';
import { imageKind } from './image.js';
import { imageDeprecateKind } from './image-deprecate.js';
import { imageExportJobKind } from './image-export-job.js';
import { imageObsoleteKind } from './image-obsolete.js';
import type { KindHandler } from '../../../engine/resource-kind.js';

export const KIND_HANDLERS: Record<Kind, KindHandler> = {
  image: imageKind,
  image_deprecate: imageDeprecateKind,
  image_obsolete: imageObsoleteKind,
  image_export_job: imageExportJobKind,
};
