import type { KindDeclaration } from '../../../core/kind-declaration.js';

/** `image_share` on ECS (DESIGN.md §8.3, reference §7): the accounts an image is shared with. */
export const imageShareDeclaration: KindDeclaration = {
  kind: 'image_share',
  description:
    'Shares an image with other accounts (ModifyImageSharePermission); deleting the document unshares it from every account.',
  specSchema: {
    type: 'object',
    additionalProperties: false,
    required: ['image', 'accounts'],
    properties: {
      image: {},
      accounts: {
        type: 'array',
        description: 'Alibaba Cloud account ids (a set, at most 50). Accounts are added and removed in place.',
        uniqueItems: true,
        maxItems: 50,
        items: {
          type: 'string',
          pattern: '^[0-9]{1,20}$',
          patternErrorMessage: 'must be an account id (digits), e.g. "1234567890123456"',
        },
      },
    },
  },
  fields: {
    image: { effect: 'replace', imageReference: true },
    accounts: { effect: 'update' },
  },
  referenceAttributes: ['image_id', 'accounts'],
};
