import type { EmulatorRoute } from '../../../emulator-kit/emulated-cloud.js';
import { parseJson } from '../../../emulator-kit/request-body.js';
import { ok, type Handler } from './api.js';
import { addTag, deactivateImage, reactivateImage, removeTag } from './actions.js';
import type { Cloud } from './cloud.js';
import { downloadData, stageData, uploadData } from './data.js';
import { KeystoneError } from './errors.js';
import { createImage, deleteImage, getImage } from './images.js';
import { importImage, importInfo, listTasks } from './imports.js';
import type { Keystone } from './keystone.js';
import { listImages } from './listing.js';
import { patchImage } from './patch.js';
import { schemasByPath } from './schemas.js';
import { identityVersion, versionsList, versionsRoot } from './versions.js';

const schemaRoute =
  (name: string): Handler =>
  () =>
    ok(schemasByPath[name]);

/** Glance v2 (REF §12). `pattern` is also the key request statistics count the route under. */
export const glanceRoutes: Array<{ method: string; pattern: string; handler: Handler }> = [
  { method: 'GET', pattern: '/v2/schemas/image', handler: schemaRoute('image') },
  { method: 'GET', pattern: '/v2/schemas/images', handler: schemaRoute('images') },
  { method: 'GET', pattern: '/v2/schemas/metadefs/namespace', handler: schemaRoute('metadefs/namespace') },
  { method: 'GET', pattern: '/v2/schemas/metadefs/resource_type', handler: schemaRoute('metadefs/resource_type') },
  { method: 'GET', pattern: '/v2/info/import', handler: importInfo },
  { method: 'GET', pattern: '/v2/images', handler: listImages },
  { method: 'POST', pattern: '/v2/images', handler: createImage },
  { method: 'GET', pattern: '/v2/images/{id}', handler: getImage },
  { method: 'PATCH', pattern: '/v2/images/{id}', handler: patchImage },
  { method: 'DELETE', pattern: '/v2/images/{id}', handler: deleteImage },
  { method: 'PUT', pattern: '/v2/images/{id}/file', handler: uploadData },
  { method: 'GET', pattern: '/v2/images/{id}/file', handler: downloadData },
  { method: 'PUT', pattern: '/v2/images/{id}/stage', handler: stageData },
  { method: 'POST', pattern: '/v2/images/{id}/import', handler: importImage },
  { method: 'GET', pattern: '/v2/images/{id}/tasks', handler: listTasks },
  { method: 'POST', pattern: '/v2/images/{id}/actions/deactivate', handler: deactivateImage },
  { method: 'POST', pattern: '/v2/images/{id}/actions/reactivate', handler: reactivateImage },
  { method: 'PUT', pattern: '/v2/images/{id}/tags/{tag}', handler: addTag },
  { method: 'DELETE', pattern: '/v2/images/{id}/tags/{tag}', handler: removeTag },
];

/** The image API: the only paths faults and latency touch (Keystone and version discovery are spared). */
export const isApiPath = (path: string) => path === '/v2' || path.startsWith('/v2/');

const subjectToken = (headers: Record<string, string | string[] | undefined>) => {
  const value = headers['x-subject-token'];
  return Array.isArray(value) ? value[0] : value;
};

/** What the kit serves: Keystone, version discovery, then Glance. */
export function emulatorRoutes(cloud: Cloud, keystone: Keystone): EmulatorRoute[] {
  const identity: EmulatorRoute[] = [
    { method: 'GET', pattern: '/v3', open: true, handle: identityVersion },
    {
      method: 'POST',
      pattern: '/v3/auth/tokens',
      open: true,
      async handle(request) {
        const token = keystone.authenticate(parseJson(await request.body()), Date.now());
        return {
          status: 201,
          body: keystone.tokenBody(token, request.baseUrl),
          headers: { 'X-Subject-Token': token.id },
        };
      },
    },
    {
      // Validation: the caller's X-Auth-Token (checked by authenticate) asks about X-Subject-Token.
      method: 'GET',
      pattern: '/v3/auth/tokens',
      handle(request) {
        const id = subjectToken(request.headers);
        const claims = keystone.verify(id, Date.now());
        if (!id || !claims) throw new KeystoneError(404, `Could not find token: ${id ? id.slice(0, 8) + '...' : ''}`);
        return {
          status: 200,
          body: keystone.tokenBody({ id, claims }, request.baseUrl),
          headers: { 'X-Subject-Token': id },
        };
      },
    },
    {
      method: 'DELETE',
      pattern: '/v3/auth/tokens',
      handle(request) {
        const id = subjectToken(request.headers);
        if (!id || !keystone.verify(id, Date.now())) throw new KeystoneError(404, 'Could not find token.');
        keystone.revoke(id);
        return { status: 204 };
      },
    },
  ];
  const discovery: EmulatorRoute[] = [
    { method: 'GET', pattern: '/', open: true, handle: versionsRoot },
    { method: 'GET', pattern: '/versions', open: true, handle: versionsList },
  ];
  const glance = glanceRoutes.map(({ method, pattern, handler }): EmulatorRoute => ({
    method,
    pattern,
    handle: (request) => handler(request, cloud),
  }));
  return [...identity, ...discovery, ...glance];
}
