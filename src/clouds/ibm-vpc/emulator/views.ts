import { createHmac } from 'node:crypto';
import type { ApiRequest } from './api.js';
import type { Cloud } from './cloud.js';
import {
  exportJobStatus,
  imageStatus,
  imageStatusReasons,
  type StoredExportJob,
  type StoredImage,
  type StoredVolume,
} from './model.js';
import { findOperatingSystem, type OperatingSystem } from './operating-systems.js';

/** JSON bodies in the API's shapes, built from stored objects at the request's instant. */

const iso = (instant: number) => new Date(instant).toISOString();

/** `version` dates from 2025-06-30 on drop `owner_type` in favour of `remote` (reference §1). */
const usesOwnerType = (version: string) => version < '2025-06-30';

export function operatingSystemView(system: OperatingSystem, request: Pick<ApiRequest, 'baseUrl'>) {
  return { href: `${request.baseUrl}/v1/operating_systems/${system.name}`, ...system };
}

export function resourceGroupView(cloud: Cloud, id: string) {
  return {
    href: `https://resource-controller.cloud.ibm.com/v2/resource_groups/${id}`,
    id,
    name: id === cloud.defaultResourceGroupId ? 'Default' : `group-${id.slice(0, 8)}`,
  };
}

export const volumeCrn = (cloud: Cloud, id: string) =>
  `crn:v1:bluemix:public:is:${cloud.region}-1:a/${cloud.accountId}::volume:${id}`;
export const imageCrn = (cloud: Cloud, id: string) =>
  `crn:v1:bluemix:public:is:${cloud.region}:a/${cloud.accountId}::image:${id}`;

export function volumeReference(cloud: Cloud, volumeId: string, request: Pick<ApiRequest, 'baseUrl'>) {
  const volume = cloud.volumes.get(volumeId);
  const reference: Record<string, unknown> = {
    crn: volumeCrn(cloud, volumeId),
    href: `${request.baseUrl}/v1/volumes/${volumeId}`,
    id: volumeId,
    name: volume?.name ?? volumeId,
    resource_type: 'volume',
  };
  if (!volume) reference.deleted = { more_info: `${request.baseUrl}/v1/volumes/${volumeId}` };
  return reference;
}

export function volumeView(cloud: Cloud, volume: StoredVolume, request: Pick<ApiRequest, 'baseUrl'>) {
  const system = findOperatingSystem(volume.operating_system);
  return {
    ...volumeReference(cloud, volume.id, request),
    capacity: volume.capacity_gb,
    created_at: iso(volume.created_at),
    encryption: volume.encryption_key_crn ? 'user_managed' : 'provider_managed',
    ...(volume.encryption_key_crn ? { encryption_key: { crn: volume.encryption_key_crn } } : {}),
    operating_system: system ? operatingSystemView(system, request) : { name: volume.operating_system },
    status: 'available',
    attached_to_running_instance: volume.attached_to_running_instance,
  };
}

export function imageView(image: StoredImage, request: Pick<ApiRequest, 'baseUrl' | 'now' | 'version' | 'cloud'>) {
  const { cloud, now } = request;
  const status = imageStatus(image, now);
  const system = findOperatingSystem(image.operating_system)!;
  const done = status !== 'pending' && status !== 'failed';
  const inZones = status === 'available' || status === 'deprecated';
  const view: Record<string, unknown> = {
    allowed_use: image.allowed_use,
    catalog_offering: {
      managed: image.catalog_managed,
      ...(image.catalog_version_crn ? { version: { crn: image.catalog_version_crn } } : {}),
    },
    created_at: iso(image.created_at),
    crn: imageCrn(cloud, image.id),
  };
  if (image.deprecation_at !== undefined) view.deprecation_at = iso(image.deprecation_at);
  view.encryption = image.encryption_key_crn ? 'user_managed' : 'none';
  if (image.encryption_key_crn) view.encryption_key = { crn: image.encryption_key_crn };
  view.file = done ? { checksums: { sha256: image.checksum }, size: image.size_gb } : {};
  view.href = `${request.baseUrl}/v1/images/${image.id}`;
  view.id = image.id;
  if (done) view.minimum_provisioned_size = Math.max(10, image.size_gb);
  view.name = image.name;
  if (image.obsolescence_at !== undefined) view.obsolescence_at = iso(image.obsolescence_at);
  view.operating_system = operatingSystemView(system, request);
  if (usesOwnerType(request.version)) view.owner_type = 'user';
  view.resource_group = resourceGroupView(cloud, image.resource_group_id);
  view.resource_type = 'image';
  if (image.source.kind === 'volume') view.source_volume = volumeReference(cloud, image.source.volume_id, request);
  view.status = status;
  view.status_reasons = imageStatusReasons(image, now);
  view.user_data_format = system.user_data_format;
  view.visibility = 'private';
  view.zones = inZones
    ? [1, 2, 3].map((n) => ({
        href: `${request.baseUrl}/v1/regions/${cloud.region}/zones/${cloud.region}-${n}`,
        name: `${cloud.region}-${n}`,
      }))
    : [];
  return view;
}

export const bucketCrn = (cloud: Cloud, bucket: string) =>
  `crn:v1:bluemix:public:cloud-object-storage:global:a/${cloud.accountId}:imageform-emulator-cos::bucket:${bucket}`;

/** A stand-in for the data key wrapped by the image's root key: base64, stable per job, never a real secret. */
const fakeWrappedKey = (job: StoredExportJob) =>
  createHmac('sha256', 'imageform-emulator-export').update(job.id).digest('base64');

export function exportJobView(job: StoredExportJob, request: Pick<ApiRequest, 'baseUrl' | 'now' | 'cloud'>) {
  const { cloud, now } = request;
  const status = exportJobStatus(job, now);
  const image = cloud.images.get(job.image_id);
  const view: Record<string, unknown> = {};
  if (now >= job.complete_due && !(job.deleting_at !== undefined && job.deleting_at < job.complete_due))
    view.completed_at = iso(job.complete_due);
  view.created_at = iso(job.created_at);
  if (image?.encryption_key_crn) view.encrypted_data_key = fakeWrappedKey(job);
  view.format = job.format;
  view.href = `${request.baseUrl}/v1/images/${job.image_id}/export_jobs/${job.id}`;
  view.id = job.id;
  view.name = job.name;
  view.resource_type = 'image_export_job';
  if (now >= job.start_due && !(job.deleting_at !== undefined && job.deleting_at < job.start_due))
    view.started_at = iso(job.start_due);
  view.status = status;
  view.status_reasons =
    status === 'failed'
      ? [
          {
            code: job.failure_code ?? 'internal_error',
            message:
              job.failure_code === 'cannot_access_storage_bucket'
                ? `The image service cannot write to bucket ${job.bucket_name}: check the IAM service authorization (Writer) for Image Service for VPC`
                : 'An internal error occurred',
            more_info: 'https://cloud.ibm.com/docs/vpc?topic=vpc-object-storage-prereq',
          },
        ]
      : [];
  view.storage_bucket = { crn: job.bucket_crn, name: job.bucket_name };
  view.storage_href = `cos://${cloud.region}/${job.bucket_name}/${job.object_name}`;
  view.storage_object = { name: job.object_name };
  return view;
}
