import { statusActionDeclaration } from '../../../core/status-action-declaration.js';

/** `image_obsolete` on IBM Cloud VPC: makes an image obsolete now; it owns the image's `obsolescence_at`. */
export const imageObsoleteDeclaration = statusActionDeclaration(
  'image_obsolete',
  'Makes an image obsolete now (POST /images/{id}/obsolete); deleting the document reverts it.',
  'obsolescence_at',
);
