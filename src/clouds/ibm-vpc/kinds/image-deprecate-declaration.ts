import { statusActionDeclaration } from '../../../core/status-action-declaration.js';

/** `image_deprecate` on IBM Cloud VPC: deprecates an image now; it owns the image's `deprecation_at`. */
export const imageDeprecateDeclaration = statusActionDeclaration(
  'image_deprecate',
  'Deprecates an image now (POST /images/{id}/deprecate); deleting the document reverts it.',
  'deprecation_at',
);
