import { ibmVpcCloud } from '../clouds/ibm-vpc/index.js';
import { UserError } from '../core/errors.js';
import type { Cloud } from '../engine/cloud.js';

/**
 * The registry of clouds: adding a cloud is a folder under src/clouds/ and one line here, and one in catalog.ts
 * (its configuration alone, so `validate` loads no client; a test checks both list the same clouds).
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const CLOUDS: readonly Cloud<any, any>[] = [ibmVpcCloud];

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function cloudOfType(type: string): Cloud<any, any> {
  const cloud = CLOUDS.find((candidate) => candidate.type === type);
  if (!cloud) throw UserError.of('provider.unknown-type', `no cloud of type "${type}" is registered`);
  return cloud;
}
