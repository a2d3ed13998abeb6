import type { EmulatorStarter } from '../engine/cloud.js';
import { CLOUDS } from './clouds.js';

/**
 * Which clouds `imageform emulator --cloud` knows and how to start each one's emulator: every registered cloud's,
 * and the clouds the design names whose emulator is not built yet (undefined), so the command can tell "not in
 * this version" from a misspelt name.
 */
export type { EmulatorStartOptions, StartedEmulator, EmulatorStarter } from '../engine/cloud.js';

export const DEFAULT_EMULATOR_CLOUD = 'ibm-vpc';

const NOT_YET_BUILT = ['openstack-glance'];

export const EMULATORS: Readonly<Record<string, EmulatorStarter | undefined>> = {
  ...Object.fromEntries(CLOUDS.map((cloud) => [cloud.type, cloud.startEmulator])),
  ...Object.fromEntries(
    NOT_YET_BUILT.filter((type) => !CLOUDS.some((cloud) => cloud.type === type)).map((type) => [type, undefined]),
  ),
  'alibaba-ecs': async (options) => (await import('../clouds/alibaba-ecs/emulator/index.js')).startEmulator(options),
};
