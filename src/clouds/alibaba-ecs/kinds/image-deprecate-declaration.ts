import { statusActionDeclaration } from '../../../core/status-action-declaration.js';

/** `image_deprecate` on ECS: `ModifyImageAttribute Status=Deprecated` now; deleting the document restores it. */
export const imageDeprecateDeclaration = statusActionDeclaration(
  'image_deprecate',
  'Deprecates an image now (ModifyImageAttribute Status=Deprecated: still usable, skipped by its family, cannot be shared or copied); deleting the document restores it.',
  'deprecation_at',
);
