import type { CloudConfiguration } from '../../config/catalog.js';
import { variableNameSchema } from '../../config/variable-setting.js';
import { imageCopyDeclaration } from './kinds/image-copy-declaration.js';
import { imageDeclaration } from './kinds/image-declaration.js';
import { imageDeprecateDeclaration } from './kinds/image-deprecate-declaration.js';
import { imageExportJobDeclaration } from './kinds/image-export-job-declaration.js';
import { imageShareDeclaration } from './kinds/image-share-declaration.js';

/** What the configuration knows of Alibaba Cloud ECS (DESIGN.md §3, §8.3): its kinds, settings and ids. */
export const alibabaEcsConfiguration: CloudConfiguration = {
  type: 'alibaba-ecs',
  kinds: [
    imageDeclaration,
    imageDeprecateDeclaration,
    imageExportJobDeclaration,
    imageCopyDeclaration,
    imageShareDeclaration,
  ],
  unsupportedKinds: {
    image_obsolete: 'ECS has no obsolete status: use image_deprecate, or delete the image',
  },
  settingsSchema: {
    type: 'object',
    properties: {
      region: {
        type: 'string',
        default: 'cn-hangzhou',
        pattern: '^[a-z]{2}-[a-z0-9-]+$',
        patternErrorMessage: 'must be a region id such as cn-hangzhou or eu-central-1',
        description: 'Region id, e.g. cn-hangzhou: one provider a region; picks the default endpoint.',
      },
      endpoint: {
        type: 'string',
        format: 'uri',
        pattern: '^https?://',
        patternErrorMessage: 'must be an http(s) URL, e.g. https://ecs.cn-hangzhou.aliyuncs.com',
        description: 'ECS endpoint; defaults from the region. Any URL, e.g. a running emulator.',
      },
      access_key_id_env: variableNameSchema({
        title: 'AccessKey id',
        default: 'ALIBABA_CLOUD_ACCESS_KEY_ID',
        example: 'ALIBABA_CLOUD_ACCESS_KEY_ID',
        description: 'Name of the environment variable that holds the AccessKey id.',
      }),
      access_key_secret_env: variableNameSchema({
        title: 'AccessKey secret',
        default: 'ALIBABA_CLOUD_ACCESS_KEY_SECRET',
        example: 'ALIBABA_CLOUD_ACCESS_KEY_SECRET',
        description:
          'Name of the environment variable that holds the AccessKey secret (the secret is never read from a file).',
      }),
    },
  },
  literalImageId: { pattern: '^m-[0-9a-z]{8,32}$', example: 'm-bp1g7004ksh0oeuc1234' },
};
