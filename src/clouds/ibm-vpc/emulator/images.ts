import { createHash } from 'node:crypto';
import { changed, ok, type ApiReply, type ApiRequest } from './api.js';
import { ApiError, fieldError, invalidState, notFound } from './errors.js';
import { imageStatus, type StoredImage } from './model.js';
import { generatedName, newId, resourceNamePattern } from './names.js';
import { findOperatingSystem, operatingSystems } from './operating-systems.js';
import { checkName, optionalObject, optionalString, parseDateTime, requireObject } from './validate.js';
import { imageView, operatingSystemView } from './views.js';
import { pageFromCursor, pageLimit, pageLinks } from './pagination.js';

const iso = (instant: number) => new Date(instant).toISOString();

export function findImage(request: ApiRequest): StoredImage {
  const image = request.cloud.images.get(request.params.id!);
  if (!image) throw notFound('Image', request.params.id!);
  return image;
}

// GET /v1/images ------------------------------------------------------------------------------------------------

type ImageFilter = (image: StoredImage) => boolean;

function listFilters(request: ApiRequest): ImageFilter[] {
  const { query, now } = request;
  const filters: ImageFilter[] = [];
  const list = (name: string) =>
    query
      .get(name)
      ?.split(',')
      .map((part) => part.trim())
      .filter(Boolean);
  const statuses = list('status');
  if (statuses) filters.push((image) => statuses.includes(imageStatus(image, now)));
  const visibility = query.get('visibility');
  if (visibility !== null) {
    if (visibility !== 'private' && visibility !== 'public') {
      throw new ApiError(400, 'validation_enum', 'visibility must be one of: private, public', {
        name: 'visibility',
        type: 'parameter',
        value: visibility,
      });
    }
    if (visibility === 'public') filters.push(() => false); // the emulated account holds custom (private) images only
  }
  const group = query.get('resource_group.id');
  if (group !== null) filters.push((image) => image.resource_group_id === group);
  const formats = list('user_data_format');
  if (formats) filters.push((image) => formats.includes(findOperatingSystem(image.operating_system)!.user_data_format));
  const remote = query.get('remote.account.id');
  if (remote !== null && remote !== 'null') filters.push(() => false); // no image here is owned by another account
  const ownerType = query.get('owner_type');
  if (ownerType !== null && ownerType !== 'user') filters.push(() => false);
  return filters;
}

export function listImages(request: ApiRequest): ApiReply {
  const { cloud, query } = request;
  const limit = pageLimit(query);
  const filters = listFilters(request);
  const name = query.get('name');
  const matches = (image: StoredImage) => filters.every((filter) => filter(image));

  if (name !== null) {
    // The name index answers this without a scan: at most one image has the name.
    const image = cloud.imageByName(name);
    const found = image && matches(image) ? [image] : [];
    return ok({
      ...pageLinks(request, '/v1/images', limit),
      total_count: found.length,
      images: found.map((each) => imageView(each, request)),
    });
  }

  const { startPosition } = pageFromCursor(query, (seq) => cloud.positionOfSeq(seq));
  const page: StoredImage[] = [];
  let nextSeq: number | undefined;
  for (let position = startPosition; position < cloud.imageCount; position++) {
    const image = cloud.imageAt(position)!;
    if (filters.length > 0 && !matches(image)) continue;
    if (page.length === limit) {
      nextSeq = image.seq;
      break;
    }
    page.push(image);
  }
  // Unfiltered, the count is the index length; filtered, it has to be counted.
  let total = cloud.imageCount;
  if (filters.length > 0) {
    total = 0;
    for (let position = 0; position < cloud.imageCount; position++) if (matches(cloud.imageAt(position)!)) total++;
  }
  return ok({
    ...pageLinks(request, '/v1/images', limit, nextSeq),
    total_count: total,
    images: page.map((image) => imageView(image, request)),
  });
}

// GET /v1/images/{id} -----------------------------------------------------------------------------------------

export const getImage = (request: ApiRequest): ApiReply => ok(imageView(findImage(request), request));

// POST /v1/images ---------------------------------------------------------------------------------------------

function checkImageName(request: ApiRequest, name: unknown, self?: StoredImage): string {
  const checked = checkName(name, 'name', resourceNamePattern);
  if (checked.startsWith('ibm-'))
    throw fieldError('validation_invalid_name', 'name', 'The name prefix "ibm-" is reserved for IBM images', checked);
  const holder = request.cloud.imageByName(checked);
  if (holder && holder !== self)
    throw fieldError('validation_unique_failed', 'name', `Provided Name (${checked}) is not unique`, checked);
  return checked;
}

function checkFutureDate(value: unknown, field: string, now: number): number {
  const instant = parseDateTime(value, field);
  if (instant <= now) {
    throw fieldError(
      'validation_failure',
      field,
      `${field} ${iso(instant)} must be in the future (the current time is ${iso(now)})`,
      value,
    );
  }
  return instant;
}

function checkDateOrder(deprecation: number | undefined, obsolescence: number | undefined): void {
  if (deprecation !== undefined && obsolescence !== undefined && obsolescence <= deprecation) {
    throw fieldError(
      'validation_failure',
      'obsolescence_at',
      `obsolescence_at ${iso(obsolescence)} must be after deprecation_at ${iso(deprecation)}`,
      iso(obsolescence),
    );
  }
}

const cosHref = /^cos:\/\/([^/?#]+)\/([^/?#]+)\/([^?#]+)$/;

function resolveOperatingSystem(body: Record<string, unknown>, field = 'operating_system'): string {
  const reference = optionalObject(body, field);
  if (!reference)
    throw fieldError('validation_required_field', field, `${field} is required when creating an image from a file`);
  let name = optionalString(reference, 'name', `${field}.name`);
  const href = optionalString(reference, 'href', `${field}.href`);
  if (name === undefined && href !== undefined) name = href.split('/').pop();
  if (name === undefined)
    throw fieldError('validation_required_field', `${field}.name`, `${field} must be given as {name} or {href}`);
  if (!findOperatingSystem(name)) {
    throw fieldError(
      'validation_failure',
      `${field}.name`,
      `Operating system ${name} does not exist in this region (GET /v1/operating_systems lists them)`,
      name,
    );
  }
  return name;
}

function checkEncryptionKey(body: Record<string, unknown>): string | undefined {
  const key = optionalObject(body, 'encryption_key');
  if (!key) return undefined;
  const crn = optionalString(key, 'crn', 'encryption_key.crn');
  if (!crn || !/^crn:v1:[^:]*:[^:]*:(kms|hs-crypto):/.test(crn)) {
    throw fieldError(
      'validation_failure',
      'encryption_key.crn',
      'encryption_key.crn must be the CRN of a Key Protect or Hyper Protect Crypto Services root key',
      crn,
    );
  }
  return crn;
}

export function createImage(request: ApiRequest): ApiReply {
  const { cloud, now } = request;
  const body = requireObject(request.body);
  const delays = cloud.delays;
  const name = body.name === undefined ? uniqueGeneratedName(request) : checkImageName(request, body.name);

  const file = optionalObject(body, 'file');
  const sourceVolume = optionalObject(body, 'source_volume');
  if (file && sourceVolume)
    throw new ApiError(400, 'validation_only_one', 'Specify only one of file or source_volume', {
      name: 'file',
      type: 'field',
    });
  if (!file && !sourceVolume)
    throw fieldError('validation_required_field', 'file', 'One of file.href or source_volume is required');

  let resourceGroupId = cloud.defaultResourceGroupId;
  const group = optionalObject(body, 'resource_group');
  if (group) {
    const id = optionalString(group, 'id', 'resource_group.id');
    if (!id || !/^[0-9a-f]{32}$/.test(id))
      throw fieldError(
        'validation_failure',
        'resource_group.id',
        'resource_group.id must be a resource group ID (32 hexadecimal digits)',
        id,
      );
    resourceGroupId = id;
  }

  let deprecation: number | undefined;
  let obsolescence: number | undefined;
  if (body.deprecation_at !== undefined && body.deprecation_at !== null)
    deprecation = checkFutureDate(body.deprecation_at, 'deprecation_at', now);
  if (body.obsolescence_at !== undefined && body.obsolescence_at !== null)
    obsolescence = checkFutureDate(body.obsolescence_at, 'obsolescence_at', now);
  checkDateOrder(deprecation, obsolescence);

  let operatingSystem: string;
  let source: StoredImage['source'];
  let encryptionKey = checkEncryptionKey(body);
  let sizeGb: number;
  let failed = false;
  if (file) {
    const href = optionalString(file, 'href', 'file.href');
    if (!href)
      throw fieldError('validation_required_field', 'file.href', 'file.href is required (cos://REGION/BUCKET/OBJECT)');
    const match = cosHref.exec(href);
    if (!match)
      throw fieldError(
        'cos_scheme_uri_invalid',
        'file.href',
        `file.href ${href} must look like cos://REGION/BUCKET/OBJECT`,
        href,
      );
    const objectName = match[3]!;
    if (!/\.(qcow2|vhd)$/i.test(objectName)) {
      throw fieldError(
        'cos_invalid_file_extension',
        'file.href',
        `The image file ${objectName} must have the extension .qcow2 or .vhd`,
        href,
      );
    }
    operatingSystem = resolveOperatingSystem(body);
    const dataKey = body.encrypted_data_key;
    if (dataKey !== undefined && (typeof dataKey !== 'string' || !/^[A-Za-z0-9+/]+={0,2}$/.test(dataKey))) {
      throw fieldError('validation_invalid_field_type', 'encrypted_data_key', 'encrypted_data_key must be base64 text');
    }
    if ((dataKey === undefined) !== (encryptionKey === undefined)) {
      throw fieldError(
        'validation_required_field',
        dataKey === undefined ? 'encrypted_data_key' : 'encryption_key',
        'An encrypted image needs both encrypted_data_key and encryption_key',
      );
    }
    source = { kind: 'file', href };
    sizeGb = 1 + (createHash('sha256').update(href).digest()[0]! % 100);
    failed = /corrupt/i.test(objectName);
  } else {
    const volume = resolveVolume(request, sourceVolume!);
    if (volume.attached_to_running_instance) {
      throw invalidState(`Volume ${volume.id} is the boot volume of a running instance: stop the instance first`, {
        name: 'source_volume',
        type: 'field',
        value: volume.id,
      });
    }
    operatingSystem = volume.operating_system;
    encryptionKey ??= volume.encryption_key_crn;
    source = { kind: 'volume', volume_id: volume.id };
    sizeGb = volume.capacity_gb;
  }

  const allowedUse = optionalObject(body, 'allowed_use') ?? {};
  const image: StoredImage = {
    seq: cloud.takeSeq(),
    id: newId(),
    name,
    created_at: now,
    resource_group_id: resourceGroupId,
    operating_system: operatingSystem,
    source,
    ...(encryptionKey ? { encryption_key_crn: encryptionKey } : {}),
    queued_until: now + delays.imageQueued,
    ready_at: now + delays.imageReady,
    outcome: failed ? 'failed' : 'available',
    ...(failed ? { failure_code: 'image_data_corrupted' } : {}),
    size_gb: sizeGb,
    checksum: createHash('sha256').update(`${name}:${now}:${sizeGb}`).digest('hex'),
    ...(deprecation !== undefined ? { deprecation_at: deprecation } : {}),
    ...(obsolescence !== undefined ? { obsolescence_at: obsolescence } : {}),
    catalog_managed: false,
    allowed_use: {
      api_version: typeof allowedUse.api_version === 'string' ? allowedUse.api_version : request.version,
      bare_metal_server: typeof allowedUse.bare_metal_server === 'string' ? allowedUse.bare_metal_server : 'true',
      instance: typeof allowedUse.instance === 'string' ? allowedUse.instance : 'true',
    },
  };
  cloud.addImage(image);
  return changed(201, imageView(image, request));
}

function uniqueGeneratedName(request: ApiRequest): string {
  for (;;) {
    const name = generatedName();
    if (!request.cloud.imageByName(name)) return name;
  }
}

function resolveVolume(request: ApiRequest, reference: Record<string, unknown>) {
  const { cloud } = request;
  const id = optionalString(reference, 'id', 'source_volume.id');
  const crn = optionalString(reference, 'crn', 'source_volume.crn');
  const href = optionalString(reference, 'href', 'source_volume.href');
  const wanted = id ?? crn?.split(':').pop() ?? href?.split('/').pop();
  if (!wanted)
    throw fieldError(
      'validation_required_field',
      'source_volume',
      'source_volume must be given as {id}, {crn} or {href}',
    );
  const volume = cloud.volumes.get(wanted);
  if (!volume)
    throw new ApiError(404, 'not_found', `Volume with ID ${wanted} not found`, {
      name: 'source_volume',
      type: 'field',
      value: wanted,
    });
  return volume;
}

// PATCH /v1/images/{id} ----------------------------------------------------------------------------------------

/** Applies one date field of a merge patch under seed 000's rules; returns the new value (undefined = none). */
function patchedDate(
  image: StoredImage,
  field: 'deprecation_at' | 'obsolescence_at',
  value: unknown,
  now: number,
): number | undefined {
  const current = image[field];
  if (value === null) return undefined; // removing is always allowed: it cancels a schedule or reverts a status
  const instant = parseDateTime(value, field);
  if (current !== undefined && instant === current) return current; // unchanged, even when already in effect
  if (current !== undefined && current <= now) {
    throw invalidState(
      `${field} ${iso(current)} is already in effect and cannot be changed; it can only be removed (set it to null)`,
      { name: field, type: 'field', value },
    );
  }
  return checkFutureDate(value, field, now);
}

export function updateImage(request: ApiRequest): ApiReply {
  const { now } = request;
  const image = findImage(request);
  const patch = requireObject(request.body, 'merge patch');
  const status = imageStatus(image, now);
  if (status === 'deleting') throw invalidState(`Image ${image.id} is being deleted and cannot be updated`);

  const touchesDates = 'deprecation_at' in patch || 'obsolescence_at' in patch;
  if (touchesDates) {
    if (status === 'failed')
      throw invalidState(`The lifecycle dates of image ${image.id} cannot be set: its status is failed`);
    if (image.catalog_managed) throw invalidState(`The lifecycle of image ${image.id} is managed by a private catalog`);
  }
  const name = patch.name === undefined ? undefined : checkImageName(request, patch.name, image);
  const deprecation =
    'deprecation_at' in patch ? patchedDate(image, 'deprecation_at', patch.deprecation_at, now) : image.deprecation_at;
  const obsolescence =
    'obsolescence_at' in patch
      ? patchedDate(image, 'obsolescence_at', patch.obsolescence_at, now)
      : image.obsolescence_at;
  const datesChanged = deprecation !== image.deprecation_at || obsolescence !== image.obsolescence_at;
  if (datesChanged) checkDateOrder(deprecation, obsolescence);
  const allowedUse = optionalObject(patch, 'allowed_use');

  // Every check passed: apply the whole patch at once (a refused patch changes nothing).
  if (name !== undefined && name !== image.name) request.cloud.renameImage(image, name);
  if (deprecation === undefined) delete image.deprecation_at;
  else image.deprecation_at = deprecation;
  if (obsolescence === undefined) delete image.obsolescence_at;
  else image.obsolescence_at = obsolescence;
  if (allowedUse) {
    for (const key of ['api_version', 'bare_metal_server', 'instance'] as const) {
      if (typeof allowedUse[key] === 'string') image.allowed_use[key] = allowedUse[key] as string;
    }
  }
  return changed(200, imageView(image, request));
}

// POST /v1/images/{id}/deprecate and /obsolete ------------------------------------------------------------------

export function deprecateImage(request: ApiRequest): ApiReply {
  const { now } = request;
  const image = findImage(request);
  if (image.catalog_managed) throw invalidState(`The lifecycle of image ${image.id} is managed by a private catalog`);
  const status = imageStatus(image, now);
  if (status !== 'available')
    throw invalidState(
      `Image ${image.id} cannot be deprecated: its status is ${status}, and only an available image can be`,
    );
  if (image.deprecation_at !== undefined) {
    throw invalidState(
      `Image ${image.id} has a deprecation scheduled for ${iso(image.deprecation_at)}: remove it (deprecation_at: null) before an immediate change`,
    );
  }
  if (image.obsolescence_at !== undefined) {
    throw invalidState(
      `Image ${image.id} has an obsolescence scheduled for ${iso(image.obsolescence_at)}: remove it (obsolescence_at: null) before an immediate change`,
    );
  }
  image.deprecation_at = now;
  return changed(204);
}

export function obsoleteImage(request: ApiRequest): ApiReply {
  const { now } = request;
  const image = findImage(request);
  if (image.catalog_managed) throw invalidState(`The lifecycle of image ${image.id} is managed by a private catalog`);
  const status = imageStatus(image, now);
  if (status !== 'available' && status !== 'deprecated') {
    throw invalidState(
      `Image ${image.id} cannot be made obsolete: its status is ${status}, and only an available or deprecated image can be`,
    );
  }
  if (image.deprecation_at !== undefined && image.deprecation_at > now) {
    throw invalidState(
      `Image ${image.id} has a deprecation scheduled for ${iso(image.deprecation_at)}: remove it (deprecation_at: null) before an immediate change`,
    );
  }
  if (image.obsolescence_at !== undefined) {
    throw invalidState(
      `Image ${image.id} has an obsolescence scheduled for ${iso(image.obsolescence_at)}: remove it (obsolescence_at: null) before an immediate change`,
    );
  }
  // Kept strictly after an immediate deprecation made in the same millisecond, so the dates stay ordered.
  image.obsolescence_at = image.deprecation_at === undefined ? now : Math.max(now, image.deprecation_at + 1);
  return changed(204);
}

// DELETE /v1/images/{id} -------------------------------------------------------------------------------------------

export function deleteImage(request: ApiRequest): ApiReply {
  const { now, cloud } = request;
  const image = findImage(request);
  if (image.catalog_managed) {
    throw invalidState(
      `Image ${image.id} is managed by a private catalog and cannot be deleted: remove it from its catalog offering version first`,
    );
  }
  const status = imageStatus(image, now);
  if (status === 'deleting') throw invalidState(`Image ${image.id} is already being deleted`);
  if (status === 'pending' && now >= image.queued_until) {
    throw invalidState(
      `Image ${image.id} cannot be deleted while its creation is in progress (status_reasons: image_request_in_progress)`,
    );
  }
  image.deleting_at = now;
  cloud.scheduleImageGone(image);
  return changed(202);
}

// GET /v1/operating_systems[/{name}] ----------------------------------------------------------------------------

export function listOperatingSystems(request: ApiRequest): ApiReply {
  const limit = pageLimit(request.query);
  const { startPosition } = pageFromCursor(request.query, (seq) => seq);
  const page = operatingSystems.slice(startPosition, startPosition + limit);
  const next = startPosition + limit < operatingSystems.length ? startPosition + limit : undefined;
  return ok({
    ...pageLinks(request, '/v1/operating_systems', limit, next),
    total_count: operatingSystems.length,
    operating_systems: page.map((system) => operatingSystemView(system, request)),
  });
}

export function getOperatingSystem(request: ApiRequest): ApiReply {
  const system = findOperatingSystem(request.params.name!);
  if (!system) throw new ApiError(404, 'not_found', `Operating system ${request.params.name} not found`);
  return ok(operatingSystemView(system, request));
}
