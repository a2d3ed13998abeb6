import { changed, ok, type ApiReply, type ApiRequest } from './api.js';
import { ApiError, fieldError, invalidState, notFound } from './errors.js';
import { findImage } from './images.js';
import { exportJobStatus, imageStatus, isActiveJobStatus, type StoredExportJob } from './model.js';
import { exportJobNamePattern, generatedName, newId } from './names.js';
import { checkName, optionalObject, optionalString, requireObject } from './validate.js';
import { bucketCrn, exportJobView } from './views.js';

/** Service limits for export jobs (seed 000, "Limits for image export jobs"); they cannot be raised. */
export const exportLimits = { activePerImage: 5, totalPerImage: 10, activePerRegion: 20 } as const;

const exportableStatuses = new Set(['available', 'deprecated', 'obsolete']);

function findJob(request: ApiRequest): StoredExportJob {
  const image = findImage(request);
  const job = request.cloud.exportJobs.get(request.params.job_id!);
  if (!job || job.image_id !== image.id) throw notFound('Image export job', request.params.job_id!);
  return job;
}

function checkJobName(request: ApiRequest, imageId: string, name: unknown, self?: StoredExportJob): string {
  const checked = checkName(name, 'name', exportJobNamePattern);
  const taken = request.cloud.exportJobsOf(imageId).some((job) => job.name === checked && job !== self);
  if (taken) throw fieldError('validation_unique_failed', 'name', `Provided Name (${checked}) is not unique`, checked);
  return checked;
}

/** Newest first, then by name (reference §1: export jobs are not paginated). */
export function listExportJobs(request: ApiRequest): ApiReply {
  const image = findImage(request);
  const name = request.query.get('name');
  const jobs = request.cloud
    .exportJobsOf(image.id)
    .filter((job) => name === null || job.name === name)
    .sort((a, b) => b.created_at - a.created_at || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return ok({ export_jobs: jobs.map((job) => exportJobView(job, request)) });
}

export const getExportJob = (request: ApiRequest): ApiReply => ok(exportJobView(findJob(request), request));

export function createExportJob(request: ApiRequest): ApiReply {
  const { cloud, now } = request;
  const delays = cloud.delays;
  const image = findImage(request);
  const body = requireObject(request.body);
  const status = imageStatus(image, now);
  if (!exportableStatuses.has(status)) {
    throw invalidState(
      `Image ${image.id} cannot be exported: its status is ${status} (it must be available, deprecated or obsolete)`,
    );
  }

  const bucket = optionalObject(body, 'storage_bucket');
  if (!bucket)
    throw fieldError('validation_required_field', 'storage_bucket', 'storage_bucket is required, as {name} or {crn}');
  const bucketName = optionalString(bucket, 'name', 'storage_bucket.name');
  const givenCrn = optionalString(bucket, 'crn', 'storage_bucket.crn');
  if ((bucketName === undefined) === (givenCrn === undefined)) {
    throw new ApiError(400, 'validation_only_one', 'storage_bucket must be given as exactly one of {name} or {crn}', {
      name: 'storage_bucket',
      type: 'field',
    });
  }
  let resolvedName: string;
  if (givenCrn !== undefined) {
    const match = /^crn:v1:[^:]*:[^:]*:cloud-object-storage:[^:]*:[^:]*:[^:]*::?bucket:([^:]+)$/.exec(givenCrn);
    if (!match)
      throw fieldError(
        'validation_failure',
        'storage_bucket.crn',
        'storage_bucket.crn must be the CRN of a Cloud Object Storage bucket',
        givenCrn,
      );
    resolvedName = match[1]!;
  } else {
    resolvedName = bucketName!;
  }
  if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(resolvedName)) {
    throw fieldError(
      'validation_failure',
      'storage_bucket.name',
      `${resolvedName} is not a valid bucket name (3 to 63 lowercase letters, digits, dots and hyphens)`,
      resolvedName,
    );
  }

  const format = body.format === undefined ? 'qcow2' : body.format;
  if (format !== 'qcow2' && format !== 'vhd')
    throw fieldError('validation_enum', 'format', 'format must be one of: qcow2, vhd', format);
  if (format !== 'qcow2' && image.encryption_key_crn) {
    throw fieldError(
      'validation_failure',
      'format',
      `Image ${image.id} is encrypted and can only be exported in qcow2 format`,
      format,
    );
  }

  const jobs = cloud.exportJobsOf(image.id);
  const name =
    body.name === undefined ? uniqueJobName(request, image.id, image.name) : checkJobName(request, image.id, body.name);

  // Limits last, so a malformed request is told what is wrong with it rather than about quotas.
  const activeOnImage = jobs.filter((job) => isActiveJobStatus(exportJobStatus(job, now))).length;
  if (activeOnImage >= exportLimits.activePerImage) {
    throw new ApiError(
      400,
      'over_quota',
      `Image ${image.id} already has ${activeOnImage} active export jobs (limit ${exportLimits.activePerImage} per image)`,
    );
  }
  if (jobs.length >= exportLimits.totalPerImage) {
    throw new ApiError(
      400,
      'over_quota',
      `Image ${image.id} already has ${jobs.length} export jobs (limit ${exportLimits.totalPerImage} per image): delete finished jobs first`,
    );
  }
  let activeInRegion = 0;
  for (const job of cloud.exportJobs.values()) if (isActiveJobStatus(exportJobStatus(job, now))) activeInRegion++;
  if (activeInRegion >= exportLimits.activePerRegion) {
    throw new ApiError(
      400,
      'over_quota',
      `The account already has ${activeInRegion} active export jobs in ${cloud.region} (limit ${exportLimits.activePerRegion} per account and region)`,
    );
  }

  const forbidden = /forbidden/.test(resolvedName);
  const startDue = now + delays.jobStart;
  const job: StoredExportJob = {
    seq: cloud.takeSeq(),
    id: newId(),
    image_id: image.id,
    name,
    format,
    bucket_name: resolvedName,
    bucket_crn: givenCrn ?? bucketCrn(cloud, resolvedName),
    object_name: uniqueObjectName(request, resolvedName, `${name}.${format}`),
    created_at: now,
    start_due: startDue,
    complete_due: startDue + (forbidden ? delays.jobFail : delays.jobRun),
    outcome: forbidden ? 'failed' : 'succeeded',
    ...(forbidden ? { failure_code: 'cannot_access_storage_bucket' } : {}),
  };
  cloud.addExportJob(job);
  return changed(201, exportJobView(job, request));
}

function uniqueJobName(request: ApiRequest, imageId: string, imageName: string): string {
  const prefix = imageName.slice(0, 16).replace(/-+$/, '');
  for (;;) {
    const name = generatedName(prefix);
    if (!request.cloud.exportJobsOf(imageId).some((job) => job.name === name)) return name;
  }
}

function uniqueObjectName(request: ApiRequest, bucket: string, wanted: string): string {
  if (!request.cloud.objectNameTaken(bucket, wanted)) return wanted;
  const dot = wanted.lastIndexOf('.');
  for (let n = 1; ; n++) {
    const candidate = `${wanted.slice(0, dot)}-${n}${wanted.slice(dot)}`;
    if (!request.cloud.objectNameTaken(bucket, candidate)) return candidate;
  }
}

/** Renames the job only: the object keeps its name (seed 000). */
export function updateExportJob(request: ApiRequest): ApiReply {
  const job = findJob(request);
  const patch = requireObject(request.body, 'merge patch');
  if (exportJobStatus(job, request.now) === 'deleting')
    throw invalidState(`Image export job ${job.id} is being deleted and cannot be updated`);
  if (patch.name !== undefined) job.name = checkJobName(request, job.image_id, patch.name, job);
  return changed(200, exportJobView(job, request));
}

/** Cancels an unfinished job (no object is left); a finished job's object stays in the bucket. */
export function deleteExportJob(request: ApiRequest): ApiReply {
  const job = findJob(request);
  if (job.deleting_at !== undefined) throw invalidState(`Image export job ${job.id} is already being deleted`);
  job.deleting_at = request.now;
  request.cloud.scheduleJobGone(job);
  const image = request.cloud.images.get(job.image_id);
  // A deleting image waits for its jobs: cancelling one may let it go sooner.
  if (image?.deleting_at !== undefined) request.cloud.scheduleImageGone(image);
  return changed(202);
}
