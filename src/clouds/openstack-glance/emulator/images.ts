import { randomUUID } from 'node:crypto';
import type { EmulatorRequest } from '../../../emulator-kit/emulated-cloud.js';
import { parseJson, requireObject } from '../../../emulator-kit/request-body.js';
import { changed, ok, type Handler } from './api.js';
import type { Cloud } from './cloud.js';
import { badRequest, conflict, forbidden, GlanceError, imageNotFound, readOnly } from './errors.js';
import { importMethods, propertyQuota, tagQuota, type StoredImage } from './model.js';
import { checkBase, checkCustom, isUuid, writableBase, type Writable } from './validate.js';
import { imageView } from './views.js';

export function findImage(request: EmulatorRequest, cloud: Cloud): StoredImage {
  const id = request.params.id!;
  const image = cloud.images.get(id);
  if (!image) throw imageNotFound(id);
  return image;
}

export const propertyLimit = (attempted: number) =>
  new GlanceError(
    413,
    `The limit has been exceeded on the number of allowed image properties. Attempted: ${attempted}, Maximum: ${propertyQuota}`,
  );
export const tagLimit = (attempted: number) =>
  new GlanceError(
    413,
    `The limit has been exceeded on the number of allowed image tags. Attempted: ${attempted}, Maximum: ${tagQuota}`,
  );

/** Refused in a create body before anything else (G-CODE RequestDeserializer, domain `new_image`). */
const disallowedOnCreate = ['direct_url', 'self', 'file', 'schema', 'stores'];
const readOnlyOnCreate = [
  'created_at',
  'updated_at',
  'status',
  'checksum',
  'os_hash_algo',
  'os_hash_value',
  'size',
  'virtual_size',
];

/** The import methods header Glance adds to a created image (REF §5.1). */
export const importMethodsHeader = { 'OpenStack-image-import-methods': importMethods.join(',') };

// POST /v2/images -----------------------------------------------------------------------------------------------

export const createImage: Handler = async (request, cloud) => {
  const body = requireObject(parseJson(await request.body()));
  for (const key of disallowedOnCreate) if (key in body) throw readOnly(key);
  for (const key of readOnlyOnCreate) if (key in body) throw readOnly(key);
  if ('locations' in body) throw forbidden("Attribute 'locations' is reserved.");

  let id: string = randomUUID();
  if (body.id !== undefined) {
    if (typeof body.id !== 'string' || !isUuid(body.id))
      throw badRequest(
        `Provided object does not match schema 'image': ${JSON.stringify(body.id)} does not match the id pattern`,
      );
    id = body.id.toLowerCase();
    if (cloud.idTaken(id)) throw conflict(`Image with identifier ${id} already exists!`);
  }

  const fields: Writable = {
    name: null,
    visibility: 'shared', // the domain's default (REF §3)
    protected: false,
    os_hidden: false,
    disk_format: null,
    container_format: null,
    min_disk: 0,
    min_ram: 0,
    owner: cloud.projectId,
    tags: [],
  };
  const properties: Record<string, string> = {};
  for (const [key, value] of Object.entries(body)) {
    if (key === 'id') continue;
    if (writableBase.has(key)) {
      (fields as unknown as Record<string, unknown>)[key] = checkBase(key as keyof Writable, value);
    } else {
      properties[key] = checkCustom(key, value);
    }
  }
  if (Object.keys(properties).length > propertyQuota) throw propertyLimit(Object.keys(properties).length);
  if (fields.tags.length > tagQuota) throw tagLimit(fields.tags.length);

  const { now } = request;
  const image: StoredImage = {
    seq: cloud.takeSeq(),
    id,
    ...fields,
    properties,
    status: 'queued',
    created_at: now,
    updated_at: now,
    tasks: [],
  };
  cloud.addImage(image);
  return changed(201, imageView(image), {
    Location: `${request.baseUrl}/v2/images/${id}`,
    ...importMethodsHeader,
  });
};

// GET /v2/images/{id} ---------------------------------------------------------------------------------------------

export const getImage: Handler = (request, cloud) => ok(imageView(findImage(request, cloud)));

// DELETE /v2/images/{id} ------------------------------------------------------------------------------------------

export const deleteImage: Handler = (request, cloud) => {
  const image = findImage(request, cloud);
  if (image.protected) throw forbidden(`Image ${image.id} is protected and cannot be deleted.`);
  cloud.removeImage(image);
  return changed(204);
};
