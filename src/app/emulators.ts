import type { EmulatorStarter } from '../engine/cloud.js';
import { CLOUDS } from './clouds.js';

/**
 * Which clouds `imageform emulator --cloud` knows and how to start each one's emulator: every registered cloud's,
 * and the emulators of clouds whose provider is not built yet, loaded on demand as a cloud's own are.
 */
export type { EmulatorStartOptions, StartedEmulator, EmulatorStarter } from '../engine/cloud.js';

export const DEFAULT_EMULATOR_CLOUD = 'ibm-vpc';

/** Emulators of clouds whose provider is not registered yet. */
const STANDALONE: Readonly<Record<string, EmulatorStarter>> = {
  'openstack-glance': async (options) =>
    (await import('../clouds/openstack-glance/emulator/index.js')).startEmulator(options),
  'alibaba-ecs': async (options) => (await import('../clouds/alibaba-ecs/emulator/index.js')).startEmulator(options),
};

export const EMULATORS: Readonly<Record<string, EmulatorStarter>> = {
  ...Object.fromEntries(CLOUDS.map((cloud) => [cloud.type, cloud.startEmulator])),
  ...Object.fromEntries(Object.entries(STANDALONE).filter(([type]) => !CLOUDS.some((cloud) => cloud.type === type))),
};
