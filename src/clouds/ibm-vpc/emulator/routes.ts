import type { EmulatorRoute } from '../../../emulator-kit/emulated-cloud.js';
import { parseJson } from '../../../emulator-kit/request-body.js';
import type { Handler } from './api.js';
import { checkVersion } from './api-version.js';
import type { Cloud } from './cloud.js';
import { ApiError } from './errors.js';
import { createExportJob, deleteExportJob, getExportJob, listExportJobs, updateExportJob } from './export-jobs.js';
import {
  createImage,
  deleteImage,
  deprecateImage,
  getImage,
  getOperatingSystem,
  listImages,
  listOperatingSystems,
  obsoleteImage,
  updateImage,
} from './images.js';
import type { IamService } from './iam.js';
import { createVolume, listBucketObjects, listVolumes, setCatalogOffering } from './test-hooks.js';

export interface Route {
  method: string;
  /** e.g. `/v1/images/{id}`: also the key request statistics are counted under. */
  pattern: string;
  handler: Handler;
}

export const cloudRoutes: Route[] = [
  { method: 'GET', pattern: '/v1/images', handler: listImages },
  { method: 'POST', pattern: '/v1/images', handler: createImage },
  { method: 'GET', pattern: '/v1/images/{id}', handler: getImage },
  { method: 'PATCH', pattern: '/v1/images/{id}', handler: updateImage },
  { method: 'DELETE', pattern: '/v1/images/{id}', handler: deleteImage },
  { method: 'POST', pattern: '/v1/images/{id}/deprecate', handler: deprecateImage },
  { method: 'POST', pattern: '/v1/images/{id}/obsolete', handler: obsoleteImage },
  { method: 'GET', pattern: '/v1/images/{id}/export_jobs', handler: listExportJobs },
  { method: 'POST', pattern: '/v1/images/{id}/export_jobs', handler: createExportJob },
  { method: 'GET', pattern: '/v1/images/{id}/export_jobs/{job_id}', handler: getExportJob },
  { method: 'PATCH', pattern: '/v1/images/{id}/export_jobs/{job_id}', handler: updateExportJob },
  { method: 'DELETE', pattern: '/v1/images/{id}/export_jobs/{job_id}', handler: deleteExportJob },
  { method: 'GET', pattern: '/v1/operating_systems', handler: listOperatingSystems },
  { method: 'GET', pattern: '/v1/operating_systems/{name}', handler: getOperatingSystem },
  { method: 'PUT', pattern: '/emulator/v1/images/{id}/catalog_offering', handler: setCatalogOffering },
  { method: 'POST', pattern: '/emulator/v1/volumes', handler: createVolume },
  { method: 'GET', pattern: '/emulator/v1/volumes', handler: listVolumes },
  { method: 'GET', pattern: '/emulator/v1/buckets/{bucket}/objects', handler: listBucketObjects },
];

/** The Images API: its calls carry `version` and `generation` and are the only ones faults touch. */
export const isApiPath = (path: string) => path.startsWith('/v1/');

/** What the kit serves for IBM: IAM's token endpoint, then the routes above with IBM's request checks. */
export function emulatorRoutes(cloud: Cloud, iam: IamService): EmulatorRoute[] {
  const tokenRoute: EmulatorRoute = {
    method: '*',
    pattern: '/identity/token',
    open: true,
    async handle(request) {
      if (request.method !== 'POST') throw new ApiError(405, 'method_not_allowed', 'Use POST /identity/token');
      const form = new URLSearchParams((await request.body()).toString('utf8'));
      const [status, body] = iam.exchange(form, `${request.baseUrl}/identity/token`);
      return { status, body };
    },
  };
  return [
    tokenRoute,
    ...cloudRoutes.map(({ method, pattern, handler }): EmulatorRoute => ({
      method,
      pattern,
      async handle(request) {
        const version = isApiPath(request.path) ? checkVersion(request.query, request.now) : '';
        // Bodies are JSON whatever the Content-Type (README "Transport").
        const raw = method === 'GET' || method === 'DELETE' ? Buffer.alloc(0) : await request.body();
        return handler({
          method: request.method,
          params: request.params,
          query: request.query,
          body: parseJson(raw),
          now: request.now,
          baseUrl: request.baseUrl,
          version,
          cloud,
        });
      },
    })),
  ];
}
