import { parseJson } from '../../../emulator-kit/request-body.js';
import { changed, mediaType, type Handler } from './api.js';
import { badRequest, conflict, forbidden, GlanceError, readOnly } from './errors.js';
import { findImage, propertyLimit, tagLimit } from './images.js';
import { propertyQuota, tagQuota } from './model.js';
import {
  baseAttributes,
  checkBase,
  checkCustom,
  checkNotReserved,
  readOnlyAttributes,
  writableBase,
  type Writable,
} from './validate.js';
import { imageView } from './views.js';

/**
 * `PATCH /v2/images/{id}`: an RFC 6902 subset (add, remove, replace) in Glance's media type, applied to a copy
 * and saved only when every operation passed (REF §6).
 */

export const patchMediaTypes = [
  'application/openstack-images-v2.0-json-patch',
  'application/openstack-images-v2.1-json-patch',
];

/** Only while the image has no data may its formats change (REF §3). */
const formatStatuses = new Set(['queued', 'importing']);

function decodePath(path: unknown): string {
  if (typeof path !== 'string' || !path.startsWith('/'))
    throw badRequest(`Unable to find '/' in JSON Schema change: ${JSON.stringify(path)}`);
  const parts = path.slice(1).split('/');
  if (parts.length > 1 && parts[0] !== 'locations') throw badRequest('Nested paths are not allowed');
  if (parts[0] === 'locations') throw forbidden("It's not allowed to update locations if locations are invisible.");
  const key = parts[0]!.replace(/~1/g, '/').replace(/~0/g, '~');
  if (/~(?![01])/.test(parts[0]!)) throw badRequest(`Invalid JSON pointer for this resource: '${path}'`);
  return key;
}

export const patchImage: Handler = async (request, cloud) => {
  const type = mediaType(request.headers['content-type']);
  if (!patchMediaTypes.includes(type)) {
    throw new GlanceError(415, `Unsupported Content-Type ${request.headers['content-type'] ?? '(none)'}`, {
      'Accept-Patch': patchMediaTypes.join(', '),
    });
  }
  const image = findImage(request, cloud);
  const changes = parseJson(await request.body());
  if (!Array.isArray(changes)) throw badRequest('Request body must be a JSON array of operation objects.');

  // Work on copies; the image is touched only once every operation passed.
  const fields: Writable = {
    name: image.name,
    visibility: image.visibility,
    protected: image.protected,
    os_hidden: image.os_hidden,
    disk_format: image.disk_format,
    container_format: image.container_format,
    min_disk: image.min_disk,
    min_ram: image.min_ram,
    owner: image.owner,
    tags: [...image.tags],
  };
  const properties = { ...image.properties };

  for (const change of changes) {
    if (!change || typeof change !== 'object' || Array.isArray(change))
      throw badRequest('Operations must be JSON objects.');
    const { op, path, value } = change as Record<string, unknown>;
    if (op !== 'add' && op !== 'remove' && op !== 'replace')
      throw badRequest(
        `Unable to find \`op\` in JSON Schema change. It must be one of the following: add, remove, replace.`,
      );
    const key = decodePath(path);
    if (op !== 'remove' && !('value' in (change as object)))
      throw badRequest(`Unable to find \`value\` in JSON Schema change.`);
    if (readOnlyAttributes.has(key)) throw readOnly(key);
    checkNotReserved(key);

    if (op === 'remove') {
      if (baseAttributes.has(key)) throw forbidden(`Property ${key} may not be removed.`);
      if (!(key in properties)) throw conflict(`Property ${key} does not exist.`);
      delete properties[key];
      continue;
    }
    if (writableBase.has(key)) {
      if ((key === 'disk_format' || key === 'container_format') && !formatStatuses.has(image.status))
        throw forbidden(`Attribute ${key} can be only replaced for a queued image.`);
      (fields as unknown as Record<string, unknown>)[key] = checkBase(key as keyof Writable, value);
      continue;
    }
    // A custom property: add sets it whether or not it exists (v2.1); replace needs it to exist (REF §6).
    if (op === 'replace' && !(key in properties)) throw conflict(`Property ${key} does not exist.`);
    properties[key] = checkCustom(key, value);
  }
  const ownCount = Object.keys(properties).filter((key) => !key.startsWith('os_glance')).length;
  if (ownCount > propertyQuota) throw propertyLimit(ownCount);
  if (fields.tags.length > tagQuota) throw tagLimit(fields.tags.length);

  Object.assign(image, fields);
  image.properties = properties;
  image.updated_at = request.now;
  return changed(200, imageView(image));
};
