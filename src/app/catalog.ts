import { ibmVpcConfiguration } from '../clouds/ibm-vpc/configuration.js';
import type { CloudCatalog } from '../config/catalog.js';

/** The clouds imageform knows, for the configuration: one line a cloud (DESIGN.md §7). */
export const CATALOG: CloudCatalog = {
  clouds: [ibmVpcConfiguration],
  defaultType: 'ibm-vpc',
};
