/**
 * Which clouds `imageform emulator --cloud` knows and how to start each one's emulator. A cloud whose emulator is
 * not built yet maps to undefined, so the command can tell "not in this version" from a misspelt name. (To be
 * folded into the registry of clouds.)
 */

export interface EmulatorStartOptions {
  /** 0 or undefined: a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** The cloud's JSON file; undefined keeps the cloud in memory only. */
  dataFile?: string;
  /** The one secret the emulator accepts; default: a random one. */
  apiKey?: string;
  /** Multiplies every delay; default 1. */
  timeScale?: number;
  /** Lifetime of the identity service's tokens. */
  tokenTtlSeconds?: number;
}

export interface StartedEmulator {
  /** `http://127.0.0.1:PORT` */
  url: string;
  apiKey: string;
  stop(): Promise<void>;
}

export type EmulatorStarter = (options: EmulatorStartOptions) => Promise<StartedEmulator>;

export const DEFAULT_EMULATOR_CLOUD = 'ibm-vpc';

/** Loaded on demand: starting one cloud's emulator loads no other cloud's code. */
export const EMULATORS: Readonly<Record<string, EmulatorStarter | undefined>> = {
  'ibm-vpc': async (options) => (await import('../clouds/ibm-vpc/emulator/index.js')).startEmulator(options),
  'openstack-glance': undefined,
  'alibaba-ecs': undefined,
};
