import type { Handler } from './api.js';
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
import {
  createVolume,
  getClock,
  listBucketObjects,
  listVolumes,
  moveClock,
  setCatalogOffering,
} from '../../../emulator-kit/test-hooks.js';

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
  { method: 'GET', pattern: '/emulator/v1/clock', handler: getClock },
  { method: 'POST', pattern: '/emulator/v1/clock', handler: moveClock },
  { method: 'PUT', pattern: '/emulator/v1/images/{id}/catalog_offering', handler: setCatalogOffering },
  { method: 'POST', pattern: '/emulator/v1/volumes', handler: createVolume },
  { method: 'GET', pattern: '/emulator/v1/volumes', handler: listVolumes },
  { method: 'GET', pattern: '/emulator/v1/buckets/{bucket}/objects', handler: listBucketObjects },
];

interface CompiledRoute<T> {
  method: string;
  pattern: string;
  regex: RegExp;
  names: string[];
  value: T;
}

/** Matches paths against `{param}` patterns; tells "no such path" apart from "path exists, wrong method". */
export class Router<T> {
  private readonly routes: CompiledRoute<T>[] = [];

  add(method: string, pattern: string, value: T): void {
    const names: string[] = [];
    const source = pattern.replace(/\{(\w+)\}/g, (_match, name: string) => {
      names.push(name);
      return '([^/]+)';
    });
    this.routes.push({ method, pattern, regex: new RegExp(`^${source}$`), names, value });
  }

  match(
    method: string,
    path: string,
  ): { pattern: string; params: Record<string, string>; value: T } | { pattern?: string; methodNotAllowed: boolean } {
    let pathPattern: string | undefined;
    for (const route of this.routes) {
      const found = route.regex.exec(path);
      if (!found) continue;
      pathPattern ??= route.pattern;
      if (route.method !== method) continue;
      const params: Record<string, string> = {};
      route.names.forEach((name, index) => (params[name] = decodeURIComponent(found[index + 1]!)));
      return { pattern: route.pattern, params, value: route.value };
    }
    return { pattern: pathPattern, methodNotAllowed: pathPattern !== undefined };
  }
}
