import type { CloudConfiguration } from '../../config/catalog.js';
import { variableNameSchema } from '../../config/variable-setting.js';
import { imageDeclaration } from './kinds/image-declaration.js';
import { imageDeprecateDeclaration } from './kinds/image-deprecate-declaration.js';
import { imageObsoleteDeclaration } from './kinds/image-obsolete-declaration.js';
import { sourceFileExists } from './rules/source-file.js';
import { sourceSecretsComeFromVariables } from './rules/source-secrets.js';

/** What the configuration knows of OpenStack Glance (DESIGN.md §3, §8.2): its kinds, settings and ids. */
export const openstackGlanceConfiguration: CloudConfiguration = {
  type: 'openstack-glance',
  kinds: [imageDeclaration, imageDeprecateDeclaration, imageObsoleteDeclaration],
  unsupportedKinds: {
    image_export_job:
      'Glance has no export API: download the data yourself with `openstack image save` (GET /v2/images/{id}/file)',
  },
  settingsSchema: {
    type: 'object',
    dependencies: { project_domain_name: ['project_name'] },
    properties: {
      auth_url: {
        type: 'string',
        format: 'uri',
        pattern: '^https?://',
        patternErrorMessage: 'must be the Keystone v3 URL, e.g. https://msk.cloud.vk.com/infra/identity/v3/',
        description: "Keystone v3 URL; the image endpoint comes from the token's catalog (type image).",
      },
      region: {
        type: 'string',
        default: 'RegionOne',
        minLength: 1,
        description: 'The catalog region whose image endpoint is used, e.g. RegionOne.',
      },
      interface: {
        enum: ['public', 'internal', 'admin'],
        default: 'public',
        description: 'Which of the catalog endpoints to use.',
      },
      project_id: { type: 'string', minLength: 1, description: 'Project to scope the token to, by id (VK Cloud).' },
      project_name: { type: 'string', minLength: 1, description: 'Project to scope the token to, by name.' },
      project_domain_name: {
        type: 'string',
        minLength: 1,
        default: 'Default',
        description: "The project's domain, with project_name.",
      },
      user_domain_name: {
        type: 'string',
        minLength: 1,
        default: 'Default',
        description: "The user's domain (VK Cloud: users).",
      },
      username_env: variableNameSchema({
        title: 'user name',
        default: 'OS_USERNAME',
        example: 'OS_USERNAME',
        description: 'Name of the environment variable that holds the Keystone user name.',
      }),
      password_env: variableNameSchema({
        title: 'password',
        default: 'OS_PASSWORD',
        example: 'OS_PASSWORD',
        description:
          'Name of the environment variable that holds the Keystone password (the password is never read from a file).',
      }),
    },
  },
  literalImageId: {
    pattern: '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$',
    example: '6a3c1f52-2d4e-4b7a-9c1e-0123456789ab',
  },
  documentRules: [sourceFileExists, sourceSecretsComeFromVariables],
};
