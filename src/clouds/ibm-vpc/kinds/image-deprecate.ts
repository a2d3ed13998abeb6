import { imageDeprecateDeclaration } from './image-deprecate-declaration.js';
import { imageStatusActionKind } from './image-status-action.js';

/** kind: image_deprecate — POST /images/{id}/deprecate; destroy reverts with PATCH deprecation_at: null. */
export const imageDeprecateKind = imageStatusActionKind({
  declaration: imageDeprecateDeclaration,
  noun: 'deprecation',
  status: 'deprecated',
  dateField: 'deprecation_at',
  holds: ['deprecated', 'obsolete'],
  allowedFrom: ['available'],
  call: (context, id) => context.client.deprecateImage(id),
});
