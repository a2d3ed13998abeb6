import type { CloudConfiguration } from '../../config/catalog.js';
import { variableNameSchema } from '../../config/variable-setting.js';
import { imageDeclaration } from './kinds/image-declaration.js';
import { imageDeprecateDeclaration } from './kinds/image-deprecate-declaration.js';
import { imageExportJobDeclaration } from './kinds/image-export-job-declaration.js';
import { imageObsoleteDeclaration } from './kinds/image-obsolete-declaration.js';
import { encryptionFieldsMatchTheSource } from './rules/encryption.js';
import { encryptedImagesExportAsQcow2, exportJobsWithinLimit } from './rules/exports.js';
import { cloudNamesAreUnique, defaultCloudNameIsValid } from './rules/names.js';

/** What the configuration knows of IBM Cloud VPC (DESIGN.md §2, §3, §8.1): its kinds, settings, ids and rules. */
export const ibmVpcConfiguration: CloudConfiguration = {
  type: 'ibm-vpc',
  kinds: [imageDeclaration, imageDeprecateDeclaration, imageObsoleteDeclaration, imageExportJobDeclaration],
  settingsSchema: {
    type: 'object',
    properties: {
      region: {
        type: 'string',
        default: 'us-south',
        description: 'Region, e.g. us-south; picks the default endpoint.',
        pattern: '^[a-z]{2}-[a-z]+$',
        patternErrorMessage: 'must be a region such as us-south or eu-de',
      },
      endpoint: {
        type: 'string',
        format: 'uri',
        pattern: '^https?://',
        patternErrorMessage: 'must be an http(s) URL without /v1, e.g. https://us-south.iaas.cloud.ibm.com',
        description: 'Base URL without /v1; defaults from the region. Any URL, e.g. a running emulator.',
      },
      iam_endpoint: {
        type: 'string',
        format: 'uri',
        pattern: '^https?://',
        patternErrorMessage: 'must be an http(s) URL, e.g. https://iam.cloud.ibm.com',
        description: 'IAM base URL; the token URL is IAM_ENDPOINT/identity/token.',
      },
      api_key_env: variableNameSchema({
        title: 'API key',
        default: 'IBMCLOUD_API_KEY',
        example: 'IBMCLOUD_API_KEY',
        description:
          'Name of the environment variable that holds the API key (the key itself is never read from a file).',
      }),
    },
  },
  literalImageId: {
    pattern: '^[a-z][0-9]{3}-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$',
    example: 'r006-1a2b3c4d-0000-4000-8000-0123456789ab',
  },
  documentRules: [encryptionFieldsMatchTheSource, defaultCloudNameIsValid],
  configurationRules: [cloudNamesAreUnique, encryptedImagesExportAsQcow2, exportJobsWithinLimit],
};
