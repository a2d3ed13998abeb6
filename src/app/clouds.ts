import { ibmVpcCloud } from '../clouds/ibm-vpc/index.js';
import { openstackGlanceCloud } from '../clouds/openstack-glance/index.js';
import { UserError } from '../core/errors.js';
import type { Cloud } from '../engine/cloud.js';
import { CATALOG } from './catalog.js';

/**
 * The registry of clouds: adding a cloud is a folder under src/clouds/ and one line here, and one in catalog.ts
 * (its configuration alone, so `validate` loads no client; a test checks that every cloud here is there too). A
 * cloud in the catalog and not here is one whose documents validate but whose plan and apply are not built yet.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const CLOUDS: readonly Cloud<any, any>[] = [ibmVpcCloud, openstackGlanceCloud];

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function cloudOfType(type: string): Cloud<any, any> {
  const cloud = CLOUDS.find((candidate) => candidate.type === type);
  if (cloud) return cloud;
  if (CATALOG.clouds.some((candidate) => candidate.type === type))
    throw UserError.of(
      'provider.not-built',
      `${type}: this version of imageform validates its documents but cannot plan or apply them yet`,
      `clouds that plan and apply: ${CLOUDS.map((candidate) => candidate.type).join(', ')}`,
    );
  throw UserError.of('provider.unknown-type', `no cloud of type "${type}" is registered`);
}
