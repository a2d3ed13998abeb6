import { randomBytes } from 'node:crypto';
import { changed, ok, type ApiReply, type ApiRequest } from './api.js';
import { fieldError } from './errors.js';
import { findImage } from './images.js';
import { newId, resourceNamePattern } from './names.js';
import { findOperatingSystem } from './operating-systems.js';
import { checkName, optionalObject, optionalString, requireObject } from './validate.js';
import { imageView, volumeView } from './views.js';

/**
 * IBM's endpoints under /emulator/v1 that reach what the real cloud keeps out of the Images API (README "Test
 * hooks"); the clock, faults and stats endpoints come from the kit.
 */

/** Puts an image into (or takes it out of) a private catalog: `{managed: true, version?: {crn}}`. */
export function setCatalogOffering(request: ApiRequest): ApiReply {
  const image = findImage(request);
  const body = requireObject(request.body);
  if (typeof body.managed !== 'boolean')
    throw fieldError('validation_invalid_field_type', 'managed', 'managed must be true or false', body.managed);
  image.catalog_managed = body.managed;
  const version = optionalObject(body, 'version');
  const crn = version ? optionalString(version, 'crn', 'version.crn') : undefined;
  if (body.managed && crn) image.catalog_version_crn = crn;
  else if (body.managed)
    image.catalog_version_crn ??= `crn:v1:bluemix:public:globalcatalog-collection:global:a/${request.cloud.accountId}:${randomBytes(8).toString('hex')}:version:${randomBytes(8).toString('hex')}`;
  else delete image.catalog_version_crn;
  return changed(200, imageView(image, request));
}

/** A boot volume with an operating system, to create images from: `{name?, operating_system, capacity?, encryption_key?, attached_to_running_instance?}`. */
export function createVolume(request: ApiRequest): ApiReply {
  const body = requireObject(request.body);
  const { cloud, now } = request;
  const name =
    body.name === undefined
      ? `volume-${randomBytes(3).toString('hex')}`
      : checkName(body.name, 'name', resourceNamePattern);
  const systemName = optionalString(body, 'operating_system') ?? '';
  if (!findOperatingSystem(systemName))
    throw fieldError(
      'validation_failure',
      'operating_system',
      `Operating system ${systemName || '(missing)'} does not exist`,
      systemName,
    );
  const capacity = body.capacity ?? 100;
  if (typeof capacity !== 'number' || !Number.isInteger(capacity) || capacity < 10 || capacity > 250) {
    throw fieldError('validation_failure', 'capacity', 'capacity must be an integer from 10 to 250 (GB)', capacity);
  }
  const key = optionalObject(body, 'encryption_key');
  const keyCrn = key ? optionalString(key, 'crn', 'encryption_key.crn') : undefined;
  const volume = {
    id: newId(),
    name,
    operating_system: systemName,
    capacity_gb: capacity,
    ...(keyCrn ? { encryption_key_crn: keyCrn } : {}),
    attached_to_running_instance: body.attached_to_running_instance === true,
    created_at: now,
  };
  cloud.volumes.set(volume.id, volume);
  return changed(201, volumeView(cloud, volume, request));
}

export const listVolumes = (request: ApiRequest): ApiReply =>
  ok({ volumes: [...request.cloud.volumes.values()].map((volume) => volumeView(request.cloud, volume, request)) });

export function listBucketObjects(request: ApiRequest): ApiReply {
  const bucket = request.params.bucket!;
  const objects = request.cloud.bucketObjects(bucket).map((object) => ({
    name: object.name,
    href: `cos://${request.cloud.region}/${bucket}/${object.name}`,
    size: object.size_gb,
    format: object.format,
    image_id: object.image_id,
    export_job_id: object.export_job_id,
    created_at: new Date(object.created_at).toISOString(),
  }));
  return ok({ bucket, objects });
}
