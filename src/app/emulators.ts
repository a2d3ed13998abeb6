import type { EmulatorStarter } from '../engine/cloud.js';
import { CLOUDS } from './clouds.js';

/**
 * Which clouds `imageform emulator --cloud` knows and how to start each one's emulator: every registered cloud's,
 * and the clouds the design names whose emulator is not built yet (undefined), so the command can tell "not in
 * this version" from a misspelt name.
 */
export type { EmulatorStartOptions, StartedEmulator, EmulatorStarter } from '../engine/cloud.js';

export const DEFAULT_EMULATOR_CLOUD = 'ibm-vpc';

const NOT_YET_BUILT = ['openstack-glance', 'alibaba-ecs'];

/** Emulators of clouds whose provider is not registered yet (loaded on demand, like a cloud's own). */
const STANDALONE: Readonly<Record<string, EmulatorStarter>> = {
  'openstack-glance': async (options) =>
    (await import('../clouds/openstack-glance/emulator/index.js')).startEmulator(options),
};

export const EMULATORS: Readonly<Record<string, EmulatorStarter | undefined>> = {
  ...Object.fromEntries(CLOUDS.map((cloud) => [cloud.type, cloud.startEmulator])),
  ...STANDALONE,
  ...Object.fromEntries(
    NOT_YET_BUILT.filter((type) => !CLOUDS.some((cloud) => cloud.type === type) && !(type in STANDALONE)).map(
      (type) => [type, undefined],
    ),
  ),
};
