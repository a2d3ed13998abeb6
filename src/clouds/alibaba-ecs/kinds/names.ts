/**
 * ECS's rule for image names, families and descriptions (reference §2, §5): 2-128 characters, a letter or CJK
 * character first, never starting with `aliyun`, `acs:`, `http://` or `https://`.
 */
export function ecsNameSchema(description: string, example: string): Record<string, unknown> {
  return {
    type: 'string',
    description,
    minLength: 2,
    maxLength: 128,
    pattern: '^(?!aliyun|acs:|https?://)[A-Za-z\\u4e00-\\u9fa5][A-Za-z0-9\\u4e00-\\u9fa5:_.-]*$',
    patternErrorMessage: `must start with a letter and hold letters, digits, ":", "_", "." or "-" (not aliyun, acs: or http://), e.g. ${example}`,
  };
}

/** Tag keys and values (reference §3, TagResources): at most 20 tags; keys ECS or imageform owns are refused. */
export const TAGS_SCHEMA: Record<string, unknown> = {
  type: 'object',
  description: 'Tags (key: value). Updated in place, key by key.',
  maxProperties: 20,
  propertyNames: {
    minLength: 1,
    maxLength: 128,
    not: { pattern: '^(aliyun|acs:|https?://|imageform_)' },
    errorMessage: 'must not start with aliyun, acs:, http(s):// or imageform_ (imageform keeps its dates there)',
  },
  additionalProperties: { type: 'string', maxLength: 128 },
};
