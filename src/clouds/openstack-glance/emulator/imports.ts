import { randomUUID } from 'node:crypto';
import { isIP } from 'node:net';
import { parseJson, requireObject } from '../../../emulator-kit/request-body.js';
import { changed, isoSeconds, ok, type Handler } from './api.js';
import type { Cloud } from './cloud.js';
import { badRequest, conflict } from './errors.js';
import { findImage } from './images.js';
import { defaultStore, importMethods, type StoredImage, type StoredTask } from './model.js';
import { digestStream } from './data.js';

/**
 * Interoperable import (REF §5.3): web-download and glance-direct. The emulator's web-download fetches loopback
 * URLs only (tests serve the data); any other URL fails the import, which sends the image back to `queued` with
 * `os_glance_failed_import` set (DESIGN §8.2, REF §4).
 */

/** `GET /v2/info/import` */
export const importInfo: Handler = () =>
  ok({ 'import-methods': { description: 'Import methods available.', type: 'array', value: importMethods } });

/** Loopback: localhost, 127.0.0.0/8 and ::1. */
export function isLoopbackUrl(text: string): boolean {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return false;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return false;
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (host === 'localhost') return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  return host === '::1';
}

/** Fetches the URL in the background; the cloud completes the import once the fetch ended and its time came. */
function startFetch(cloud: Cloud, image: StoredImage, uri: string): void {
  const running = image.import!;
  const finish = () => cloud.fetchEnded(image, cloud.clock.now());
  fetch(uri, { redirect: 'manual' })
    .then(async (response) => {
      if (!response.ok || !response.body) {
        await response.body?.cancel();
        running.failure = `the download answered HTTP ${response.status}`;
        return;
      }
      running.fetched = await digestStream(response.body as unknown as AsyncIterable<Uint8Array>, cloud.blobs);
    })
    .catch((err: unknown) => {
      running.failure = `the download failed: ${err instanceof Error ? err.message : String(err)}`;
    })
    .finally(finish);
}

function checkStores(body: Record<string, unknown>): void {
  const stores = body.stores;
  if (stores === undefined) return;
  if (!Array.isArray(stores) || !stores.every((store) => store === defaultStore))
    throw badRequest(`Unknown store in ${JSON.stringify(stores)}: this cloud has one store, ${defaultStore}`);
}

/** `POST /v2/images/{id}/import` → 202, empty body. */
export const importImage: Handler = async (request, cloud) => {
  const image = findImage(request, cloud);
  const body = requireObject(parseJson(await request.body()));
  const method = body.method && typeof body.method === 'object' ? (body.method as Record<string, unknown>) : undefined;
  const name = method?.name;
  if (typeof name !== 'string') throw badRequest("Import request requires a 'method' field with a 'name'.");
  if (!importMethods.includes(name)) throw badRequest(`Import method ${name} is not valid.`);
  checkStores(body);
  if (!image.disk_format || !image.container_format)
    throw conflict("'disk_format' and 'container_format' need to be set before import");

  let uri: string | undefined;
  if (name === 'web-download') {
    if (image.status !== 'queued') throw conflict("Image needs to be in 'queued' state to use 'web-download' method");
    if (typeof method!.uri !== 'string' || method!.uri === '')
      throw badRequest('Import method web-download requires a uri.');
    uri = method!.uri;
  } else if (image.status !== 'uploading') {
    throw conflict("Image needs to be staged before 'glance-direct' method can be used");
  }

  const now = request.now;
  const task: StoredTask = {
    id: randomUUID(),
    type: 'api_image_import',
    status: 'processing',
    input: { image_id: image.id, import_req: body, backend: [defaultStore] },
    message: '',
    created_at: now,
    updated_at: now,
  };
  image.tasks.push(task);
  image.status = 'importing';
  image.updated_at = now;
  image.properties.os_glance_importing_to_stores = defaultStore;
  image.properties.os_glance_failed_import = '';
  image.import = { method: name as 'web-download' | 'glance-direct', task_id: task.id };
  cloud.schedule(image, now + cloud.delays.import, 'active');
  if (uri !== undefined) {
    if (isLoopbackUrl(uri)) startFetch(cloud, image, uri);
    else image.import.failure = `the emulator's web-download fetches loopback URLs only, not ${uri}`;
  }
  return changed(202);
};

/** `GET /v2/images/{id}/tasks` (API 2.12) */
export const listTasks: Handler = (request, cloud) => {
  const image = findImage(request, cloud);
  return ok({
    tasks: image.tasks.map((task) => ({
      id: task.id,
      type: task.type,
      status: task.status,
      owner: cloud.projectId,
      user_id: cloud.userId,
      image_id: image.id,
      request_id: `req-${task.id}`,
      input: task.input,
      result: task.status === 'success' ? { image_id: image.id } : null,
      message: task.message,
      expires_at: null,
      created_at: isoSeconds(task.created_at),
      updated_at: isoSeconds(task.updated_at),
    })),
  });
};
