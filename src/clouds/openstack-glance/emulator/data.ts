import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { changed, mediaType, type Handler } from './api.js';
import { badRequest, conflict, GlanceError } from './errors.js';
import { findImage } from './images.js';
import type { DataDigest } from './model.js';
import { KEPT_BYTES_LIMIT, type BlobStore } from './blob-store.js';

/**
 * Image data: `PUT .../file` (upload) and `PUT .../stage` (glance-direct), both streamed from the request. The
 * emulator keeps what Glance's default store reports of the data, md5 `checksum`, sha512 `os_hash_value` and the
 * size, and the bytes of images up to 64 MiB for downloads (DESIGN §8.2, README "Data").
 */

/**
 * Reads a stream to its end, digesting it as it goes; the bytes go into `blobs` (for downloads) unless there are
 * more than the store keeps.
 */
export async function digestStream(stream: AsyncIterable<unknown> | Readable, blobs: BlobStore): Promise<DataDigest> {
  const md5 = createHash('md5');
  const sha512 = createHash('sha512');
  let size = 0;
  let kept: Buffer[] | undefined = [];
  for await (const chunk of stream as AsyncIterable<Buffer | Uint8Array>) {
    md5.update(chunk);
    sha512.update(chunk);
    size += chunk.length;
    if (kept && size <= KEPT_BYTES_LIMIT) kept.push(Buffer.from(chunk));
    else kept = undefined;
  }
  const digest: DataDigest = { size, md5: md5.digest('hex'), sha512: sha512.digest('hex') };
  if (kept) blobs.put(digest.sha512, Buffer.concat(kept, size));
  return digest;
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
    digest = await digestStream(request.stream, cloud.blobs);
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
    digest = await digestStream(request.stream, cloud.blobs);
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
 * Download: a deactivated image's data is refused (REF §7), an image without data answers 204 (Glance's
 * behaviour), one with data sends it with its md5 in `Content-MD5`, as Glance does; data over the kept size was
 * never stored, and answers 501 saying so (README "Data").
 */
export const downloadData: Handler = (request, cloud) => {
  const image = findImage(request, cloud);
  if (image.status === 'deactivated')
    throw new GlanceError(403, 'The requested image has been deactivated. Image data download is forbidden.');
  if (!image.data) return { status: 204 };
  const bytes = cloud.blobs.get(image.data.sha512);
  if (!bytes)
    throw new GlanceError(
      501,
      `The emulator keeps the bytes of image data up to ${KEPT_BYTES_LIMIT} bytes only: this image's cannot be downloaded.`,
    );
  return {
    status: 200,
    body: bytes,
    headers: {
      'Content-Type': 'application/octet-stream',
      'Content-MD5': image.data.md5,
    },
  };
};
