/** Logical names (DESIGN.md §2): the second part of an address. */
export const LOGICAL_NAME = /^[a-z]([a-z0-9-]{0,61}[a-z0-9])?$/;

/** Cloud names (IBM VPC): 1-63 characters, lowercase, starting with a letter; the `ibm-` prefix is reserved. */
export const CLOUD_NAME = /^([a-z]|[a-z][-a-z0-9]*[a-z0-9])$/;
export const RESERVED_CLOUD_PREFIX = 'ibm-';

export function isCloudName(name: string): boolean {
  return name.length <= 63 && CLOUD_NAME.test(name) && !name.startsWith(RESERVED_CLOUD_PREFIX);
}

/** The JSON Schema of a cloud name, for the kinds' `spec.name`. */
export function cloudNameSchema(description: string): Record<string, unknown> {
  return {
    type: 'string',
    description,
    minLength: 1,
    maxLength: 63,
    pattern: CLOUD_NAME.source,
    patternErrorMessage: 'must be lowercase letters, digits and hyphens, start with a letter and not end with a hyphen',
    $comment:
      "The reserved prefix is a second pattern with its own message: editors show a schema's errorMessage in place of every error about its node.",
    allOf: [
      {
        pattern: `^(?!${RESERVED_CLOUD_PREFIX})`,
        patternErrorMessage: `must not start with "${RESERVED_CLOUD_PREFIX}" (the prefix is reserved by the cloud)`,
      },
    ],
  };
}
