import type { KindDeclaration } from '../../../core/kind-declaration.js';

/** `image_export_job` on ECS (DESIGN.md §8.3, reference §6): an ExportImage task to an OSS bucket of the region. */
export const imageExportJobDeclaration: KindDeclaration = {
  kind: 'image_export_job',
  description:
    'Exports an image to an OSS bucket of its region (ExportImage, a task); the object stays when it is deleted.',
  specSchema: {
    type: 'object',
    additionalProperties: false,
    required: ['image', 'oss_bucket'],
    properties: {
      image: {},
      oss_bucket: {
        type: 'string',
        minLength: 3,
        maxLength: 63,
        pattern: '^[a-z0-9][a-z0-9-]*[a-z0-9]$',
        patternErrorMessage: 'must be an OSS bucket name: lowercase letters, digits and -',
        description: 'An OSS bucket in the same region. Changing it exports again.',
      },
      oss_prefix: {
        type: 'string',
        pattern: '^[A-Za-z0-9]{1,30}$',
        patternErrorMessage: 'must be 1-30 letters or digits',
        description: 'Prefix of the exported object. Changing it exports again.',
      },
      format: {
        enum: ['raw', 'vhd', 'qcow2', 'vmdk', 'vdi'],
        default: 'raw',
        description: 'Format of the exported file (raw by default). Changing it exports again.',
      },
      wait: {
        type: 'boolean',
        default: true,
        description: 'Wait for the task to finish (a dependent then sees the exported object).',
      },
    },
  },
  fields: {
    image: { effect: 'replace', imageReference: true },
    oss_bucket: { effect: 'replace' },
    oss_prefix: { effect: 'replace' },
    format: { effect: 'replace' },
    // Only tells apply whether to wait for the task.
    wait: { effect: 'none' },
  },
  referenceAttributes: ['id', 'status', 'image_id', 'oss_bucket', 'oss_prefix', 'format', 'created_at', 'finished_at'],
};
