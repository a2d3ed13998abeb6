import type { Cloud } from '../../engine/cloud.js';
import { openstackGlanceConfiguration } from './configuration.js';
import type { GlanceApi } from './glance-api.js';
import { GLANCE_KINDS } from './kinds/index.js';
import { openEmbeddedGlance, openGlance } from './open.js';
import { glancePlanRules } from './plan-rules.js';
import { refresh } from './refresh.js';
import type { GlanceSnapshot } from './snapshot.js';

/** OpenStack Glance (VK Cloud) as a plugin of the engine (DESIGN.md §8.2). */
export const openstackGlanceCloud: Cloud<GlanceApi, GlanceSnapshot> = {
  ...openstackGlanceConfiguration,
  kinds: GLANCE_KINDS,
  open: openGlance,
  openEmbedded: openEmbeddedGlance,
  refresh,
  startEmulator: async (options) => (await import('./emulator/index.js')).startEmulator(options),
  planRules: glancePlanRules,
};
