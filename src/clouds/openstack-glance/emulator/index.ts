import type { EmulatedCloud } from '../../../emulator-kit/emulated-cloud.js';
import { checkStartOptions, persistedCloud } from '../../../emulator-kit/start-options.js';
import type { RunningEmulator } from '../../../emulator-kit/running-emulator.js';
import { startEmulatorServer } from '../../../emulator-kit/server.js';
import { testEndpointPrefix } from '../../../emulator-kit/test-endpoints.js';
import { BlobStore } from './blob-store.js';
import { Cloud, type CloudSnapshot } from './cloud.js';
import { renderError } from './errors.js';
import { Keystone } from './keystone.js';
import { scaledDelays } from './model.js';
import { emulatorRoutes, isApiPath } from './routes.js';

export type { RunningEmulator } from '../../../emulator-kit/running-emulator.js';

export interface EmulatorOptions {
  port?: number; // 0 or undefined: a random free port
  host?: string; // default 127.0.0.1
  dataFile?: string; // the cloud's JSON file; undefined keeps it in memory only
  apiKey?: string; // the Keystone password of user admin; default: a random key
  timeScale?: number; // multiplies every delay; default 1
  tokenTtlSeconds?: number; // Keystone token lifetime, default 3600
  region?: string; // default RegionOne
  frozenClock?: boolean; // the cloud's clock moves only through the clock hook, never with real time (for tests)
}

/** Starts the emulated OpenStack (Keystone v3 + Glance v2) on a loopback port; README.md is its spec. */
export async function startEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  const { host, timeScale, apiKey, tokenTtlSeconds } = checkStartOptions(options);
  const delays = scaledDelays(timeScale);

  const { cloud, writer } = await persistedCloud(
    options.dataFile,
    (snapshot) => Cloud.fromSnapshot(snapshot as CloudSnapshot, delays),
    () => Cloud.empty(options.region ?? 'RegionOne', delays),
    (cloud) => {
      if (options.frozenClock) cloud.clock.freeze();
    },
  );
  // The bytes of image data live beside the cloud's file, so a restarted emulator still serves them.
  if (options.dataFile) cloud.blobs = new BlobStore(`${options.dataFile}.blobs`);
  // A web-download that ends between requests changes the cloud too.
  if (writer) cloud.onChange = () => void writer.write().catch(() => undefined);

  const keystone = new Keystone(apiKey, tokenTtlSeconds * 1000, cloud.userId, cloud.projectId, cloud.region);
  const emulated: EmulatedCloud = {
    routes: emulatorRoutes(cloud, keystone),
    isApiPath,
    // Keystone's token in X-Auth-Token on every call but discovery and POST /v3/auth/tokens (README "Keystone");
    // the test endpoints take it as a bearer token too. Tokens live by wall time, not the cloud clock.
    authenticate: (request) =>
      void keystone.callerToken(request.headers, Date.now(), `${request.path}/`.startsWith(testEndpointPrefix)),
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
