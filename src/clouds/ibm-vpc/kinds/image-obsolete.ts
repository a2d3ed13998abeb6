import { imageObsoleteDeclaration } from './image-obsolete-declaration.js';
import { imageStatusActionKind } from './image-status-action.js';

/** kind: image_obsolete — POST /images/{id}/obsolete; destroy reverts with PATCH obsolescence_at: null. */
export const imageObsoleteKind = imageStatusActionKind({
  declaration: imageObsoleteDeclaration,
  noun: 'obsolescence',
  status: 'obsolete',
  dateField: 'obsolescence_at',
  holds: ['obsolete'],
  allowedFrom: ['available', 'deprecated'],
  call: (context, id) => context.client.obsoleteImage(id),
});
