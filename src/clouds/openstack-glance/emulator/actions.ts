import { changed, type Handler } from './api.js';
import { badRequest, forbidden, GlanceError } from './errors.js';
import { findImage, tagLimit } from './images.js';
import { tagQuota } from './model.js';

/** Deactivate, reactivate (REF §7) and the tag calls (REF §6). */

/** `POST .../actions/deactivate`: active → deactivated; already deactivated is a no-op; else 403. */
export const deactivateImage: Handler = (request, cloud) => {
  const image = findImage(request, cloud);
  if (image.status === 'deactivated') return changed(204);
  if (image.status !== 'active') throw forbidden(`Not allowed to deactivate image in status '${image.status}'`);
  image.status = 'deactivated';
  image.updated_at = request.now;
  return changed(204);
};

/** `POST .../actions/reactivate`: deactivated → active; already active is a no-op; else 403. */
export const reactivateImage: Handler = (request, cloud) => {
  const image = findImage(request, cloud);
  if (image.status === 'active') return changed(204);
  if (image.status !== 'deactivated') throw forbidden(`Not allowed to reactivate image in status '${image.status}'`);
  image.status = 'active';
  image.updated_at = request.now;
  return changed(204);
};

/** `PUT .../tags/{tag}`: adds it (idempotent) → 204. */
export const addTag: Handler = (request, cloud) => {
  const image = findImage(request, cloud);
  const tag = request.params.tag!;
  if (tag.length > 255) throw badRequest(`Provided object does not match schema 'image': '${tag}' is too long`);
  if (!image.tags.includes(tag)) {
    if (image.tags.length >= tagQuota) throw tagLimit(image.tags.length + 1);
    image.tags.push(tag);
    image.updated_at = request.now;
  }
  return changed(204);
};

/** `DELETE .../tags/{tag}` → 204, or 404 when the image has no such tag. */
export const removeTag: Handler = (request, cloud) => {
  const image = findImage(request, cloud);
  const tag = request.params.tag!;
  const index = image.tags.indexOf(tag);
  if (index < 0) throw new GlanceError(404, `Tag ${tag} not found.`);
  image.tags.splice(index, 1);
  image.updated_at = request.now;
  return changed(204);
};
