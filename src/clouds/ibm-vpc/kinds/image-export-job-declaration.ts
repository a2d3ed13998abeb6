import type { KindDeclaration } from '../../../core/kind-declaration.js';
import { cloudNameSchema } from '../rules/cloud-names.js';

/** `image_export_job` on IBM Cloud VPC: exports an image to a COS bucket. */
export const imageExportJobDeclaration: KindDeclaration = {
  kind: 'image_export_job',
  description: 'Exports an image to a Cloud Object Storage bucket.',
  specSchema: {
    type: 'object',
    additionalProperties: false,
    required: ['image', 'storage_bucket'],
    properties: {
      image: {},
      storage_bucket: {
        description: 'The bucket to export to: {name} or {crn}. Changing it replaces the job.',
        oneOf: [
          {
            type: 'object',
            additionalProperties: false,
            required: ['name'],
            properties: { name: { type: 'string', minLength: 1 } },
          },
          {
            type: 'object',
            additionalProperties: false,
            required: ['crn'],
            properties: { crn: { type: 'string', pattern: '^crn:' } },
          },
        ],
        errorMessage: 'must be {name: BUCKET} or {crn: CRN}',
      },
      format: {
        type: 'string',
        enum: ['qcow2', 'vhd'],
        default: 'qcow2',
        description: 'qcow2 (default) or vhd; an encrypted image exports only as qcow2.',
      },
      name: cloudNameSchema("Job name, unique among the image's jobs; defaults to the logical name."),
      wait: {
        type: 'boolean',
        default: true,
        description: 'Wait for the job to succeed during apply (default true).',
      },
    },
  },
  fields: {
    image: { effect: 'replace', imageReference: true },
    storage_bucket: { effect: 'replace', nested: true },
    format: { effect: 'replace' },
    name: { effect: 'update' },
    // Only tells apply whether to wait for the job.
    wait: { effect: 'none' },
  },
  referenceAttributes: [
    'id',
    'href',
    'name',
    'status',
    'format',
    'storage_href',
    'image_id',
    'created_at',
    'started_at',
    'completed_at',
  ],
  named: true,
};
