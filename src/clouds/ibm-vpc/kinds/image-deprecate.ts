import { imageStatusActionKind } from './image-status-action.js';

/** kind: image_deprecate — POST /images/{id}/deprecate; destroy reverts with PATCH deprecation_at: null. */
export const imageDeprecateKind = imageStatusActionKind({
  kind: 'image_deprecate',
  status: 'deprecated',
  dateField: 'deprecation_at',
  holds: ['deprecated', 'obsolete'],
  allowedFrom: ['available'],
  call: (context, id) => context.provider.deprecateImage(id),
});
