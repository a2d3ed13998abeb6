import { isoSeconds } from './api.js';
import type { StoredImage } from './model.js';

/**
 * An image as Glance shows it (REF §3): every base property, `null` when unset, then the custom properties (only
 * those set, all strings) at the top level.
 */
export function imageView(image: StoredImage): Record<string, unknown> {
  const data = image.data;
  return {
    ...image.properties,
    id: image.id,
    name: image.name,
    status: image.status,
    visibility: image.visibility,
    protected: image.protected,
    os_hidden: image.os_hidden,
    checksum: data?.md5 ?? null,
    os_hash_algo: data ? 'sha512' : null,
    os_hash_value: data?.sha512 ?? null,
    owner: image.owner,
    size: data?.size ?? null,
    virtual_size: null,
    container_format: image.container_format,
    disk_format: image.disk_format,
    created_at: isoSeconds(image.created_at),
    updated_at: isoSeconds(image.updated_at),
    tags: image.tags,
    min_ram: image.min_ram,
    min_disk: image.min_disk,
    self: `/v2/images/${image.id}`,
    file: `/v2/images/${image.id}/file`,
    schema: '/v2/schemas/image',
  };
}
