import type { EmulatedCloud } from '../../../emulator-kit/emulated-cloud.js';
import { checkStartOptions, persistedCloud } from '../../../emulator-kit/start-options.js';
import type { RunningEmulator } from '../../../emulator-kit/running-emulator.js';
import { startEmulatorServer } from '../../../emulator-kit/server.js';
import { Cloud, type CloudSnapshot } from './cloud.js';
import { renderError } from './errors.js';
import { IamService } from './iam.js';
import { scaledDelays } from './model.js';
import { emulatorRoutes, isApiPath } from './routes.js';

export type { RunningEmulator } from '../../../emulator-kit/running-emulator.js';

export interface EmulatorOptions {
  port?: number; // 0 or undefined: a random free port
  host?: string; // default 127.0.0.1
  dataFile?: string; // the cloud's JSON file; undefined keeps it in memory only
  apiKey?: string; // default: a random key
  timeScale?: number; // multiplies every delay; default 1
  tokenTtlSeconds?: number; // IAM access token lifetime, default 3600
  region?: string; // default us-south
  frozenClock?: boolean; // the cloud's clock moves only through the clock hook, never with real time (for tests)
}

/** Starts the emulated IBM Cloud (IAM + VPC Images API) on a loopback port; README.md is its spec. */
export async function startEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  const { host, timeScale, apiKey, tokenTtlSeconds } = checkStartOptions(options);
  const delays = scaledDelays(timeScale);

  const { cloud, writer } = await persistedCloud(
    options.dataFile,
    (snapshot) => Cloud.fromSnapshot(snapshot as CloudSnapshot, delays),
    () => Cloud.empty(options.region ?? 'us-south', delays),
    (cloud) => {
      if (options.frozenClock) cloud.clock.freeze();
    },
  );

  const iam = new IamService(apiKey, tokenTtlSeconds, cloud.accountId);
  const emulated: EmulatedCloud = {
    routes: emulatorRoutes(cloud, iam),
    isApiPath,
    // IAM's bearer token on every call but the token endpoint itself (README "IAM").
    authenticate: (request) => iam.authorize(request.headers.authorization),
    apiKey,
    renderError,
    clock: cloud.clock,
    settle: (now) => cloud.settle(now),
    ...(writer ? { writer } : {}),
  };
  const server = await startEmulatorServer(emulated, {
    host,
    ...(options.port !== undefined ? { port: options.port } : {}),
  });
  return { url: server.url, port: server.port, apiKey, stop: () => server.stop() };
}
