import { statusActionDeclaration } from '../../../core/status-action-declaration.js';

/** `image_obsolete` on Glance: deactivates the image now; deleting the document reactivates it. */
export const imageObsoleteDeclaration = statusActionDeclaration(
  'image_obsolete',
  'Makes an image obsolete now (Glance: deactivated, its data cannot be read, so nothing new boots from it); deleting the document reactivates it.',
  'obsolescence_at',
);
