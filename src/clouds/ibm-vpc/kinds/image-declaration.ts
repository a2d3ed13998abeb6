import type { KindDeclaration } from '../../../core/kind-declaration.js';
import { cloudNameSchema } from '../rules/cloud-names.js';

/** `image` on IBM Cloud VPC (DESIGN.md §2): imported from a COS file or made from a volume. */
export const imageDeclaration: KindDeclaration = {
  kind: 'image',
  description: 'A custom image, imported from a file in Cloud Object Storage or made from a volume.',
  specSchema: {
    type: 'object',
    description: 'What the image must look like in the cloud.',
    additionalProperties: false,
    required: ['operating_system'],
    $comment:
      "The message sits on the branches, not on spec: editors show a schema's errorMessage in place of every error about its node (a typo would read as this).",
    oneOf: [
      { required: ['file'], errorMessage: 'needs exactly one of file or source_volume' },
      { required: ['source_volume'], errorMessage: 'needs exactly one of file or source_volume' },
    ],
    dependencies: { encrypted_data_key: ['encryption_key'] },
    properties: {
      name: cloudNameSchema('Name in the cloud; defaults to the logical name. Updated in place.'),
      file: {
        type: 'string',
        description:
          'cos:// href of the image file (.qcow2 or .vhd), e.g. cos://us-south/my-bucket/ubuntu.qcow2. Write-only: changing it replaces the image.',
        pattern: '^cos://[^/?#]+/[^/?#]+/[^?#]*\\.(qcow2|vhd)$',
        patternErrorMessage:
          'must be a cos:// href to a .qcow2 or .vhd object, e.g. cos://us-south/my-bucket/image.qcow2',
      },
      source_volume: {
        description: 'The volume to make the image from: {id}, {crn} or a reference. Changing it replaces the image.',
        oneOf: [
          { type: 'string', pattern: '\\$\\{' },
          {
            type: 'object',
            additionalProperties: false,
            required: ['id'],
            properties: { id: { type: 'string', minLength: 1 } },
          },
          {
            type: 'object',
            additionalProperties: false,
            required: ['crn'],
            properties: { crn: { type: 'string', pattern: '^crn:' } },
          },
        ],
        errorMessage: 'must be {id: ...}, {crn: ...} or a reference such as ${kind.name.attribute}',
      },
      operating_system: {
        type: 'string',
        description: 'Operating system name, e.g. ubuntu-24-04-amd64. Changing it replaces the image.',
        pattern: '^[a-z0-9][-a-z0-9]*[a-z0-9]$',
        patternErrorMessage: 'must be an operating system name such as ubuntu-24-04-amd64',
      },
      resource_group: {
        type: 'object',
        description: 'Resource group; the account default when absent. Changing it replaces the image.',
        additionalProperties: false,
        required: ['id'],
        properties: { id: { type: 'string', minLength: 1 } },
        examples: [{ id: '...' }],
      },
      encrypted_data_key: {
        type: 'string',
        description:
          'Base64 data key wrapped by the root key (sensitive: never printed or stored in clear). Needs encryption_key.',
        minLength: 1,
        writeOnly: true,
      },
      encryption_key: {
        type: 'object',
        description: 'The root key that protects the image: {crn}.',
        additionalProperties: false,
        required: ['crn'],
        properties: {
          crn: { type: 'string', pattern: '^crn:', patternErrorMessage: 'must be a CRN (crn:v1:...)' },
        },
        examples: [{ crn: 'crn:v1:...' }],
      },
      deprecation_at: { $ref: 'defs.schema.json#/definitions/date' },
      obsolescence_at: { $ref: 'defs.schema.json#/definitions/date' },
    },
  },
  fields: {
    name: { effect: 'update' },
    file: { effect: 'replace', writeOnly: true },
    source_volume: { effect: 'replace', writeOnly: true, nested: true },
    operating_system: { effect: 'replace' },
    resource_group: { effect: 'replace', nested: true },
    encrypted_data_key: { effect: 'replace', writeOnly: true, sensitive: true },
    encryption_key: { effect: 'replace', nested: true },
    deprecation_at: { effect: 'update' },
    obsolescence_at: { effect: 'update' },
  },
  referenceAttributes: [
    'id',
    'crn',
    'href',
    'name',
    'status',
    'created_at',
    'deprecation_at',
    'obsolescence_at',
    'encryption',
    'visibility',
    'minimum_provisioned_size',
  ],
  named: true,
};
