import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { changed, mediaType, type Handler } from './api.js';
import { badRequest, conflict, GlanceError } from './errors.js';
import { findImage } from './images.js';
import type { DataDigest } from './model.js';

/**
 * Image data: `PUT .../file` (upload) and `PUT .../stage` (glance-direct), both streamed from the request. The
 * emulator keeps what Glance's default store reports of the data, md5 `checksum`, sha512 `os_hash_value` and the
 * size, never the bytes (DESIGN §8.2, README "Data").
 */

/** Reads a stream to its end, digesting it as it goes. */
export async function digestStream(stream: AsyncIterable<unknown> | Readable): Promise<DataDigest> {
  const md5 = createHash('md5');
  const sha512 = createHash('sha512');
  let size = 0;
  for await (const chunk of stream as AsyncIterable<Buffer | Uint8Array>) {
    md5.update(chunk);
    sha512.update(chunk);
    size += chunk.length;
  }
  return { size, md5: md5.digest('hex'), sha512: sha512.digest('hex') };
}

function requireOctetStream(contentType: string | undefined): void {
  if (mediaType(contentType) !== 'application/octet-stream')
    throw new GlanceError(
      415,
      `Content-Type ${contentType ?? '(none)'} is not supported: use application/octet-stream`,
    );
}

const gone = (id: string) =>
  new GlanceError(
    410,
    `Image ${id} could not be found after upload. The image may have been deleted during the upload.`,
  );

// PUT /v2/images/{id}/file ------------------------------------------------------------------------------------------

export const uploadData: Handler = async (request, cloud) => {
  const image = findImage(request, cloud);
  requireOctetStream(request.headers['content-type']);
  if (image.status !== 'queued')
    throw conflict(`Image status transition from ${image.status} to saving is not allowed`);
  if (!image.disk_format || !image.container_format)
    throw badRequest('Properties disk_format, container_format must be set prior to saving data.');
  image.status = 'saving';
  image.updated_at = request.now;
  let digest: DataDigest;
  try {
    digest = await digestStream(request.stream);
  } catch (err) {
    if (image.status === 'saving') image.status = 'queued'; // a broken upload leaves the image as it was (REF §4)
    throw err;
  }
  if (cloud.images.get(image.id) !== image) throw gone(image.id);
  const now = cloud.clock.now();
  image.data = digest;
  image.updated_at = now;
  // saving -> active after the save delay (README "Time").
  cloud.schedule(image, now + cloud.delays.save, 'active');
  cloud.settle(now);
  return changed(204);
};

// PUT /v2/images/{id}/stage -----------------------------------------------------------------------------------------

export const stageData: Handler = async (request, cloud) => {
  const image = findImage(request, cloud);
  requireOctetStream(request.headers['content-type']);
  if (image.status !== 'queued')
    throw conflict(`Image status transition from ${image.status} to uploading is not allowed`);
  image.status = 'uploading';
  let digest: DataDigest;
  try {
    digest = await digestStream(request.stream);
  } catch (err) {
    if (image.status === 'uploading') image.status = 'queued';
    throw err;
  }
  if (cloud.images.get(image.id) !== image) throw gone(image.id);
  image.staged = digest;
  image.updated_at = cloud.clock.now();
  return changed(204);
};

// GET /v2/images/{id}/file ------------------------------------------------------------------------------------------

/**
 * Download: a deactivated image's data is refused (REF §7) and an image without data answers 204 (Glance's
 * behaviour); the bytes themselves are not kept (README "Persistence"), so an image with data answers 501.
 */
export const downloadData: Handler = (request, cloud) => {
  const image = findImage(request, cloud);
  if (image.status === 'deactivated')
    throw new GlanceError(403, 'The requested image has been deactivated. Image data download is forbidden.');
  if (!image.data) return { status: 204 };
  throw new GlanceError(
    501,
    'The emulator keeps only the size and digests of image data, not the bytes: it cannot be downloaded.',
  );
};
