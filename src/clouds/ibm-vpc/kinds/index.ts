import { imageKind } from './image.js';
import { imageDeprecateKind } from './image-deprecate.js';
import { imageExportJobKind } from './image-export-job.js';
import { imageObsoleteKind } from './image-obsolete.js';
import type { IbmKind } from './ibm-kind.js';

/** The kinds of IBM Cloud VPC (DESIGN.md §2). */
export const IBM_KINDS: readonly IbmKind[] = [imageKind, imageDeprecateKind, imageObsoleteKind, imageExportJobKind];
