import type { EmulatedCloud } from '../../../emulator-kit/emulated-cloud.js';
import { checkStartOptions, persistedCloud } from '../../../emulator-kit/start-options.js';
import type { RunningEmulator } from '../../../emulator-kit/running-emulator.js';
import { startEmulatorServer } from '../../../emulator-kit/server.js';
import { Cloud, type CloudSnapshot } from './cloud.js';
import { renderError } from './errors.js';
import { scaledDelays } from './model.js';
import { emulatorRoutes, isApiPath } from './routes.js';
import { NonceLog, verifySignature } from './signature.js';

/** The AccessKey id every client signs with (DESIGN §6); the secret is the emulator's key. */
export const ACCESS_KEY_ID = 'imageform-emulator';

export type { RunningEmulator } from '../../../emulator-kit/running-emulator.js';

export interface EmulatorOptions {
  port?: number; // 0 or undefined: a random free port
  host?: string; // default 127.0.0.1
  dataFile?: string; // the cloud's JSON file; undefined keeps it in memory only
  apiKey?: string; // the AccessKey secret; default: a random one
  timeScale?: number; // multiplies every delay; default 1
  tokenTtlSeconds?: number; // accepted for the CLI's sake: ECS signs every request and has no tokens
  frozenClock?: boolean; // the cloud's clock moves only through the clock hook (for tests)
}

/** Starts the emulated Alibaba Cloud ECS (RPC actions on images, tasks, tags) on a loopback port; README.md is its spec. */
export async function startEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  const { host, timeScale, apiKey } = checkStartOptions(options);
  const delays = scaledDelays(timeScale);

  const { cloud, writer } = await persistedCloud(
    options.dataFile,
    (snapshot) => Cloud.fromSnapshot(snapshot as CloudSnapshot, delays),
    () => Cloud.empty(delays),
    (cloud) => {
      if (options.frozenClock) cloud.clock.freeze();
    },
  );

  const key = { id: ACCESS_KEY_ID, secret: apiKey };
  const nonces = new NonceLog();
  const emulated: EmulatedCloud = {
    routes: emulatorRoutes(cloud),
    isApiPath,
    // Every request is signed (README "Signatures"); the test endpoints also take `Bearer KEY` (the kit).
    async authenticate(request) {
      const body = await request.body();
      const form = /^application\/x-www-form-urlencoded/i.test(String(request.headers['content-type'] ?? ''))
        ? new URLSearchParams(body.toString('utf8'))
        : undefined;
      const rawPath = (request.stream.url ?? '/').split('?')[0]!;
      verifySignature(
        { method: request.method, rawPath, query: request.query, headers: request.headers, body, form },
        key,
        Date.now(),
        nonces,
      );
    },
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
