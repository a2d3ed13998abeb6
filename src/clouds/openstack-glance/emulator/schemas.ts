import { containerFormats, diskFormats, imageStatuses } from './model.js';

/**
 * The schemas Glance serves under /v2/schemas (REF §3): glanceclient builds its flags from the image schema and
 * validates every image it receives against it, so it states the default deployment's rules exactly: base
 * properties (null where unset), the optional well-known ones (`is_base: false`) and string-only custom properties.
 */

const uuidPattern = '^([0-9a-fA-F]){8}-([0-9a-fA-F]){4}-([0-9a-fA-F]){4}-([0-9a-fA-F]){4}-([0-9a-fA-F]){12}$';
const propertyKeysDoc = 'https://docs.openstack.org/python-glanceclient/latest/cli/property-keys.html';

const readOnlyString = (description: string) => ({ type: 'string', readOnly: true, description });
const nullable = (type: string) => ['null', type];
const optional = (description: string, extra: Record<string, unknown> = {}) => ({
  type: 'string',
  description,
  is_base: false,
  ...extra,
});

export const imageSchema = {
  name: 'image',
  additionalProperties: { type: 'string' },
  links: [
    { rel: 'self', href: '{self}' },
    { rel: 'enclosure', href: '{file}' },
    { rel: 'describedby', href: '{schema}' },
  ],
  properties: {
    id: { type: 'string', pattern: uuidPattern, description: 'An identifier for the image' },
    name: { type: nullable('string'), maxLength: 255, description: 'Descriptive name for the image' },
    status: { type: 'string', readOnly: true, enum: imageStatuses, description: 'Status of the image' },
    visibility: {
      type: 'string',
      enum: ['community', 'public', 'private', 'shared'],
      description: 'Scope of image accessibility',
    },
    protected: { type: 'boolean', description: 'If true, image will not be deletable.' },
    os_hidden: { type: 'boolean', description: 'If true, image will not appear in default image list response.' },
    checksum: {
      type: nullable('string'),
      readOnly: true,
      maxLength: 32,
      description: 'md5 hash of image contents.',
    },
    os_hash_algo: {
      type: nullable('string'),
      readOnly: true,
      maxLength: 64,
      description: 'Algorithm to calculate the os_hash_value',
    },
    os_hash_value: {
      type: nullable('string'),
      readOnly: true,
      maxLength: 128,
      description: 'Hexdigest of the image contents using the algorithm specified by the os_hash_algo',
    },
    owner: { type: nullable('string'), maxLength: 255, description: 'Owner of the image' },
    size: { type: nullable('integer'), readOnly: true, description: 'Size of image file in bytes' },
    virtual_size: { type: nullable('integer'), readOnly: true, description: 'Virtual size of image in bytes' },
    container_format: {
      type: nullable('string'),
      enum: [null, ...containerFormats],
      description: 'Format of the container',
    },
    disk_format: { type: nullable('string'), enum: [null, ...diskFormats], description: 'Format of the disk' },
    created_at: readOnlyString('Date and time of image registration'),
    updated_at: readOnlyString('Date and time of the last image modification'),
    tags: {
      type: 'array',
      items: { type: 'string', maxLength: 255 },
      description: 'List of strings related to the image',
    },
    direct_url: readOnlyString('URL to access the image file kept in external store'),
    min_ram: { type: 'integer', description: 'Amount of ram (in MB) required to boot image.' },
    min_disk: { type: 'integer', description: 'Amount of disk space (in GB) required to boot image.' },
    self: readOnlyString('An image self url'),
    file: readOnlyString('An image file url'),
    stores: readOnlyString(
      'Store in which image data resides.  Only present when the operator has enabled multiple stores.',
    ),
    schema: readOnlyString('An image schema url'),
    locations: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          url: { type: 'string', maxLength: 255 },
          metadata: { type: 'object' },
          validation_data: {
            type: 'object',
            description:
              'Values to be used to populate the corresponding image properties. If the image status is not queued, values must exactly match those already contained in the image properties.',
            additionalProperties: false,
            required: ['checksum', 'os_hash_algo', 'os_hash_value'],
            properties: {
              checksum: { type: 'string', minLength: 32, maxLength: 32 },
              os_hash_algo: { type: 'string', maxLength: 64 },
              os_hash_value: { type: 'string', maxLength: 128 },
            },
          },
        },
        required: ['url', 'metadata'],
      },
      description: 'A set of URLs to access the image file kept in external store',
    },
    kernel_id: {
      ...optional('ID of image stored in Glance that should be used as the kernel when booting an AMI-style image.'),
      type: nullable('string'),
      pattern: uuidPattern,
    },
    ramdisk_id: {
      ...optional('ID of image stored in Glance that should be used as the ramdisk when booting an AMI-style image.'),
      type: nullable('string'),
      pattern: uuidPattern,
    },
    instance_uuid: optional(
      'Metadata which can be used to record which instance this image is associated with. (Informational only, does not create an instance snapshot.)',
    ),
    architecture: optional(`Operating system architecture as specified in ${propertyKeysDoc}`),
    os_distro: optional(`Common name of operating system distribution as specified in ${propertyKeysDoc}`),
    os_version: optional('Operating system version as specified by the distributor.'),
    description: optional('A human-readable string describing this image.'),
    cinder_encryption_key_id: optional(
      'Identifier in the OpenStack Key Management Service for the encryption key for the Block Storage Service to use when mounting a volume created from this image',
    ),
    cinder_encryption_key_deletion_policy: optional(
      "States the condition under which the Image Service will delete the object associated with the 'cinder_encryption_key_id' image property.  If this property is missing, the Image Service will take no action",
      { enum: ['on_image_deletion', 'do_not_delete'] },
    ),
  },
};

export const imagesSchema = {
  name: 'images',
  properties: {
    images: { type: 'array', items: imageSchema },
    schema: { type: 'string' },
    first: { type: 'string' },
    next: { type: 'string' },
  },
  links: [
    { rel: 'first', href: '{first}' },
    { rel: 'next', href: '{next}' },
    { rel: 'describedby', href: '{schema}' },
  ],
};

const stringArray = { type: 'array', items: { type: 'string' }, uniqueItems: true };
const timestamps = {
  created_at: {
    type: 'string',
    readOnly: true,
    description: 'Date and time of namespace creation',
    format: 'date-time',
  },
  updated_at: {
    type: 'string',
    readOnly: true,
    description: 'Date and time of the last namespace modification',
    format: 'date-time',
  },
};

/** The metadefs schemas glanceclient also fetches at start-up (REF §3); this cloud serves no namespaces. */
export const metadefsNamespaceSchema = {
  name: 'namespace',
  additionalProperties: false,
  required: ['namespace'],
  definitions: { stringArray },
  properties: {
    namespace: { type: 'string', maxLength: 80, description: 'The unique namespace text.' },
    display_name: { type: 'string', maxLength: 80, description: 'The user friendly name for the namespace.' },
    description: {
      type: 'string',
      maxLength: 500,
      description: 'Provides a user friendly description of the namespace.',
    },
    visibility: { type: 'string', enum: ['public', 'private'], description: 'Scope of namespace accessibility.' },
    protected: { type: 'boolean', description: 'If true, namespace will not be deletable.' },
    owner: { type: 'string', maxLength: 255, description: 'Owner of the namespace.' },
    ...timestamps,
    schema: { type: 'string', readOnly: true },
    self: { type: 'string', readOnly: true },
    resource_type_associations: {
      type: 'array',
      items: {
        type: 'object',
        properties: { name: { type: 'string' }, prefix: { type: 'string' }, properties_target: { type: 'string' } },
      },
    },
    properties: { type: 'object', additionalProperties: { type: 'object' } },
    objects: { type: 'array', items: { type: 'object' } },
    tags: { type: 'array', items: { type: 'object', properties: { name: { type: 'string' } } } },
  },
};

export const metadefsResourceTypeSchema = {
  name: 'resource_type_association',
  additionalProperties: false,
  required: ['name'],
  properties: {
    name: {
      type: 'string',
      maxLength: 80,
      description: 'Resource type names should be aligned with Heat resource types whenever possible',
    },
    prefix: { type: 'string', maxLength: 80, description: 'Specifies the prefix to use for the given resource type.' },
    properties_target: {
      type: 'string',
      maxLength: 80,
      description: 'Some resource types allow more than one key / value pair per instance.',
    },
    ...timestamps,
  },
};

/** Served at `/v2/schemas/{name}`. */
export const schemasByPath: Record<string, unknown> = {
  image: imageSchema,
  images: imagesSchema,
  'metadefs/namespace': metadefsNamespaceSchema,
  'metadefs/resource_type': metadefsResourceTypeSchema,
};
