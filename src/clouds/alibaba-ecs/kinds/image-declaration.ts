import type { KindDeclaration } from '../../../core/kind-declaration.js';
import { ecsNameSchema, TAGS_SCHEMA } from './names.js';

/** `image` on Alibaba Cloud ECS (DESIGN.md §8.3, seed 004): imported from OSS, or made from a snapshot or instance. */
export const imageDeclaration: KindDeclaration = {
  kind: 'image',
  description:
    'A custom image, imported from an OSS object (ImportImage) or made from a snapshot or instance (CreateImage).',
  specSchema: {
    type: 'object',
    description: 'What the image must look like in the cloud.',
    additionalProperties: false,
    required: ['source'],
    properties: {
      name: ecsNameSchema(
        'Name in the cloud (unique in the region); defaults to the logical name. Updated in place.',
        'ubuntu-2404',
      ),
      description: {
        type: 'string',
        minLength: 2,
        maxLength: 256,
        not: { pattern: '^https?://' },
        errorMessage: 'must be 2-256 characters, not starting with http:// or https://',
        description: 'Updated in place.',
      },
      source: {
        description:
          'Where the image comes from: {oss: {bucket, object}, format?} (ImportImage), {snapshot_id} or {instance_id} (CreateImage). Changing it replaces the image.',
        oneOf: [
          {
            type: 'object',
            additionalProperties: false,
            required: ['oss'],
            properties: {
              oss: {
                type: 'object',
                additionalProperties: false,
                required: ['bucket', 'object'],
                properties: {
                  bucket: { type: 'string', minLength: 3, maxLength: 63, pattern: '^[a-z0-9][a-z0-9-]*[a-z0-9]$' },
                  object: { type: 'string', minLength: 1, maxLength: 1023 },
                },
              },
              format: { enum: ['RAW', 'VHD', 'QCOW2', 'VMDK'], description: 'Detected by ECS when absent.' },
            },
          },
          {
            type: 'object',
            additionalProperties: false,
            required: ['snapshot_id'],
            properties: { snapshot_id: { type: 'string', pattern: '^(s-[0-9a-z]+|\\$\\{.+\\})$' } },
          },
          {
            type: 'object',
            additionalProperties: false,
            required: ['instance_id'],
            properties: { instance_id: { type: 'string', pattern: '^(i-[0-9a-z]+|\\$\\{.+\\})$' } },
          },
        ],
        errorMessage: 'must be {oss: {bucket, object}, format?}, {snapshot_id: s-...} or {instance_id: i-...}',
      },
      os_type: { enum: ['linux', 'windows'], description: 'Changing it replaces the image.' },
      platform: {
        type: 'string',
        minLength: 1,
        description: 'ECS platform name, e.g. Ubuntu, CentOS, Others Linux. Changing it replaces the image.',
      },
      architecture: { enum: ['i386', 'x86_64', 'arm64'], description: 'Changing it replaces the image.' },
      boot_mode: { enum: ['BIOS', 'UEFI', 'UEFI-Preferred'], description: 'Updated in place.' },
      image_family: ecsNameSchema(
        'The family ECS launches the newest Available image of. Updated in place.',
        'ubuntu-lts',
      ),
      image_version: { type: 'string', minLength: 1, maxLength: 40, description: 'Changing it replaces the image.' },
      tags: TAGS_SCHEMA,
      resource_group_id: {
        type: 'string',
        pattern: '^rg-[0-9a-z]+$',
        patternErrorMessage: 'must be a resource group id such as rg-acfmxazb4ph6aiy',
        description: 'Updated in place (JoinResourceGroup).',
      },
      deprecation_at: { $ref: 'defs.schema.json#/definitions/date' },
      obsolescence_at: {
        not: {},
        errorMessage:
          'is not available on alibaba-ecs: ECS has no obsolete status (use deprecation_at or image_deprecate, or delete the image)',
      },
    },
  },
  fields: {
    name: { effect: 'update' },
    description: { effect: 'update' },
    source: { effect: 'replace', writeOnly: true, nested: true },
    os_type: { effect: 'replace' },
    platform: { effect: 'replace' },
    architecture: { effect: 'replace' },
    boot_mode: { effect: 'update' },
    image_family: { effect: 'update' },
    image_version: { effect: 'replace' },
    tags: { effect: 'update', nested: true },
    resource_group_id: { effect: 'update' },
    deprecation_at: { effect: 'update' },
    // Declared only so that the schema can refuse it with ECS's reason, not as an unknown field.
    obsolescence_at: { effect: 'none' },
  },
  referenceAttributes: [
    'id',
    'name',
    'status',
    'image_family',
    'image_version',
    'size',
    'architecture',
    'platform',
    'os_type',
    'created_at',
    'deprecation_at',
  ],
  named: true,
};
