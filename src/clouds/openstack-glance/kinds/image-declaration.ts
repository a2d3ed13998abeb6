import { variableNameSchema } from '../../../config/variable-setting.js';
import type { KindDeclaration } from '../../../core/kind-declaration.js';

/** Disk formats Glance accepts by default (reference §3; an operator may narrow them, VK Cloud to raw and iso). */
export const DISK_FORMATS = ['ami', 'ari', 'aki', 'vhd', 'vhdx', 'vmdk', 'raw', 'qcow2', 'vdi', 'iso', 'ploop'];
export const CONTAINER_FORMATS = ['ami', 'ari', 'aki', 'bare', 'ovf', 'ova', 'docker', 'compressed'];

/**
 * Property keys Glance owns or reserves (reference §3: `os_glance*`, `location`, `deleted`, `deleted_at`; the
 * `os_hash_*` digests it writes) and imageform's own date keys (DESIGN.md §8.4): the files may not set them.
 */
export const RESERVED_PROPERTY_PATTERN = '^(os_glance|os_hash_|imageform_)|^(location|deleted|deleted_at)$';

/** `image` on OpenStack Glance (DESIGN.md §8.2; VK Cloud's `vkcs_images_image`, seed 003). */
export const imageDeclaration: KindDeclaration = {
  kind: 'image',
  description: 'A Glance image: its record, and the data uploaded from a local file or a URL.',
  specSchema: {
    type: 'object',
    description: 'What the image must look like in the cloud.',
    additionalProperties: false,
    required: ['source', 'disk_format'],
    properties: {
      name: {
        type: 'string',
        description: 'Name in the cloud (not unique in Glance); defaults to the logical name. Updated in place.',
        minLength: 1,
        maxLength: 255,
      },
      source: {
        description:
          'Where the data comes from: {url, username?, password_env?} or {file: path relative to this file}. Changing it (the URL, or the file content) replaces the image.',
        oneOf: [
          {
            type: 'object',
            additionalProperties: false,
            required: ['url'],
            dependencies: { password_env: ['username'] },
            properties: {
              url: {
                type: 'string',
                pattern: '^https?://[^\\s]+$',
                patternErrorMessage: 'must be an http(s) URL, e.g. https://cloud-images.ubuntu.com/noble.img',
              },
              username: { type: 'string', minLength: 1, description: 'Basic-auth user for the download.' },
              password_env: variableNameSchema({
                title: 'download password',
                example: 'IMAGE_SOURCE_PASSWORD',
                description:
                  'Name of the environment variable holding the download password (read at apply time; never stored).',
              }),
            },
          },
          {
            type: 'object',
            additionalProperties: false,
            required: ['file'],
            properties: {
              file: { type: 'string', minLength: 1, description: 'A local file, relative to this document.' },
            },
          },
        ],
        errorMessage: 'must be {url: https://..., username?, password_env?} or {file: path}',
      },
      disk_format: {
        enum: DISK_FORMATS,
        description: 'Disk format of the data, e.g. raw or qcow2. Changing it replaces the image.',
      },
      container_format: {
        enum: CONTAINER_FORMATS,
        default: 'bare',
        description: 'Container format; bare by default. Changing it replaces the image.',
      },
      min_disk_gb: { type: 'integer', minimum: 0, description: 'Smallest disk (GB) to boot it. Updated in place.' },
      min_ram_mb: { type: 'integer', minimum: 0, description: 'Smallest RAM (MB) to boot it. Updated in place.' },
      properties: {
        type: 'object',
        description:
          "User properties (strings), e.g. os_distro: ubuntu. Glance's own (os_glance_*, os_hash_*) are never diffed.",
        maxProperties: 128,
        propertyNames: {
          minLength: 1,
          maxLength: 255,
          not: { pattern: RESERVED_PROPERTY_PATTERN },
          errorMessage:
            'must not be a key Glance or imageform owns (os_glance_*, os_hash_*, imageform_*, location, deleted, deleted_at)',
        },
        additionalProperties: { type: 'string', maxLength: 255 },
      },
      tags: {
        type: 'array',
        description: 'Tags (a set); [] removes every tag. Updated in place.',
        uniqueItems: true,
        maxItems: 128,
        items: { type: 'string', minLength: 1, maxLength: 255 },
      },
      protected: {
        type: 'boolean',
        description: 'Glance refuses to delete a protected image. Updated in place.',
      },
      visibility: {
        enum: ['private', 'shared', 'community'],
        description: 'Who sees the image. Updated in place.',
      },
      verify_checksum: {
        type: 'boolean',
        default: true,
        description: "Compare the digest imageform computed of the data with the cloud's os_hash_value after upload.",
      },
      deprecation_at: { $ref: 'defs.schema.json#/definitions/date' },
      obsolescence_at: { $ref: 'defs.schema.json#/definitions/date' },
    },
  },
  fields: {
    name: { effect: 'update' },
    source: { effect: 'replace', writeOnly: true, nested: true },
    disk_format: { effect: 'replace' },
    container_format: { effect: 'replace' },
    min_disk_gb: { effect: 'update' },
    min_ram_mb: { effect: 'update' },
    properties: { effect: 'update', nested: true },
    tags: { effect: 'update' },
    protected: { effect: 'update' },
    visibility: { effect: 'update' },
    verify_checksum: { effect: 'none' },
    deprecation_at: { effect: 'update' },
    obsolescence_at: { effect: 'update' },
  },
  referenceAttributes: [
    'id',
    'name',
    'status',
    'visibility',
    'checksum',
    'os_hash_algo',
    'os_hash_value',
    'size',
    'created_at',
    'deprecation_at',
    'obsolescence_at',
  ],
  named: true,
};
