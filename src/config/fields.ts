import type { Kind } from './model.js';

/** What the engine needs to know about a kind's spec fields (DESIGN.md §2, "The kinds"). */
export interface KindFields {
  /** Every spec field the files may set. */
  fields: readonly string[];
  /** Fields that must always be present (image also needs exactly one of file or source_volume). */
  required: readonly string[];
  /** A change to one of these replaces the cloud object. */
  replaceOn: readonly string[];
  /** A change to one of these is a PATCH in place. */
  updatable: readonly string[];
  /** The cloud never returns them in the form given: compared with what state recorded at the last apply. */
  writeOnly: readonly string[];
  /** Never printed, logged or stored in clear (state keeps a hash). */
  sensitive: readonly string[];
}

/** `wait` on export jobs is neither replaced nor updated: it only tells apply whether to wait for the job. */
export const KIND_FIELDS: Record<Kind, KindFields> = {
  image: {
    fields: [
      'name',
      'file',
      'source_volume',
      'operating_system',
      'resource_group',
      'encrypted_data_key',
      'encryption_key',
      'deprecation_at',
      'obsolescence_at',
    ],
    required: ['operating_system'],
    replaceOn: ['file', 'source_volume', 'operating_system', 'encrypted_data_key', 'encryption_key', 'resource_group'],
    updatable: ['name', 'deprecation_at', 'obsolescence_at'],
    writeOnly: ['file', 'source_volume', 'encrypted_data_key'],
    sensitive: ['encrypted_data_key'],
  },
  image_deprecate: {
    fields: ['image'],
    required: ['image'],
    replaceOn: ['image'],
    updatable: [],
    writeOnly: [],
    sensitive: [],
  },
  image_obsolete: {
    fields: ['image'],
    required: ['image'],
    replaceOn: ['image'],
    updatable: [],
    writeOnly: [],
    sensitive: [],
  },
  image_export_job: {
    fields: ['image', 'storage_bucket', 'format', 'name', 'wait'],
    required: ['image', 'storage_bucket'],
    replaceOn: ['image', 'storage_bucket', 'format'],
    updatable: ['name'],
    writeOnly: [],
    sensitive: [],
  },
};

/** Spec fields whose value is a reference to an image (or a literal ID of an image imageform does not manage). */
export const IMAGE_REFERENCE_FIELD = 'image';

/** Kinds that default the cloud name to the logical name when spec.name is absent. */
export const NAMED_KINDS: readonly Kind[] = ['image', 'image_export_job'];
