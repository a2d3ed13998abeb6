import { alibabaEcsConfiguration } from '../clouds/alibaba-ecs/configuration.js';
import { ibmVpcConfiguration } from '../clouds/ibm-vpc/configuration.js';
import { openstackGlanceConfiguration } from '../clouds/openstack-glance/configuration.js';
import type { CloudCatalog } from '../config/catalog.js';
import { PRECOMPILED_SCHEMAS, PRECOMPILED_VALIDATORS } from './generated/validators.js';

/** The clouds imageform knows, for the configuration: one line a cloud (DESIGN.md §7). */
export const CATALOG: CloudCatalog = {
  clouds: [ibmVpcConfiguration, openstackGlanceConfiguration, alibabaEcsConfiguration],
  defaultType: 'ibm-vpc',
  // Generated from this catalog by `npm run schemas`: a validate then loads and compiles no ajv at all.
  precompiled: { validators: PRECOMPILED_VALIDATORS, schemas: PRECOMPILED_SCHEMAS },
};

/** The attributes a reference may read of a kind (of the first cloud that has it). */
export function referenceAttributesOf(kind: string): readonly string[] {
  for (const cloud of CATALOG.clouds) {
    const found = cloud.kinds.find((candidate) => candidate.kind === kind);
    if (found) return found.referenceAttributes;
  }
  return [];
}
