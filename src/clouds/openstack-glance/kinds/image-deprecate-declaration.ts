import { statusActionDeclaration } from '../../../core/status-action-declaration.js';

/** `image_deprecate` on Glance: hides the image now (`os_hidden: true`); deleting the document reverts it. */
export const imageDeprecateDeclaration = statusActionDeclaration(
  'image_deprecate',
  'Deprecates an image now (Glance: os_hidden true, still bootable, left out of default lists); deleting the document reverts it.',
  'deprecation_at',
);
