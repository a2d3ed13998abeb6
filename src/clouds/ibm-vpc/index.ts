import type { Cloud } from '../../engine/cloud.js';
import type { IbmVpcClient } from './api-types.js';
import { ibmVpcConfiguration } from './configuration.js';
import { queueExports } from './export-queue.js';
import { IBM_KINDS } from './kinds/index.js';
import { openEmbeddedIbmVpc, openIbmVpc } from './open.js';
import { ibmPlanRules } from './plan-rules.js';
import { refresh } from './refresh.js';
import type { IbmSnapshot } from './snapshot.js';

/** IBM Cloud VPC as a plugin of the engine (DESIGN.md §8.1). */
export const ibmVpcCloud: Cloud<IbmVpcClient, IbmSnapshot> = {
  ...ibmVpcConfiguration,
  kinds: IBM_KINDS,
  open: openIbmVpc,
  openEmbedded: openEmbeddedIbmVpc,
  refresh,
  startEmulator: async (options) => (await import('./emulator/index.js')).startEmulator(options),
  planRules: ibmPlanRules,
  // Export jobs beyond the cloud's active limits wait for a free place instead of being refused.
  clientForApply: queueExports,
};
