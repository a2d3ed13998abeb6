import { imageStatusActionKind } from './image-status-action.js';

/** kind: image_obsolete — POST /images/{id}/obsolete; destroy reverts with PATCH obsolescence_at: null. */
export const imageObsoleteKind = imageStatusActionKind({
  kind: 'image_obsolete',
  status: 'obsolete',
  dateField: 'obsolescence_at',
  holds: ['obsolete'],
  allowedFrom: ['available', 'deprecated'],
  call: (context, id) => context.provider.obsoleteImage(id),
});
