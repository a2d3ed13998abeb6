/** Logical names (DESIGN.md §2): the second part of an address. */
export const LOGICAL_NAME = /^[a-z]([a-z0-9-]{0,61}[a-z0-9])?$/;

/** Cloud names (IBM VPC): 1-63 characters, lowercase, starting with a letter; the `ibm-` prefix is reserved. */
export const CLOUD_NAME = /^([a-z]|[a-z][-a-z0-9]*[a-z0-9])$/;
export const RESERVED_CLOUD_PREFIX = 'ibm-';

export function isCloudName(name: string): boolean {
  return name.length <= 63 && CLOUD_NAME.test(name) && !name.startsWith(RESERVED_CLOUD_PREFIX);
}
