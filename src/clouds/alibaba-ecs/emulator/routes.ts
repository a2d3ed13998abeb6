import type { EmulatorRequest, EmulatorRoute } from '../../../emulator-kit/emulated-cloud.js';
import { ACTIONS } from './actions.js';
import type { Cloud } from './cloud.js';
import { EcsError, missingParameter } from './errors.js';
import { Params } from './params.js';
import { testHooks } from './test-hooks.js';

/** The one API version the ECS actions speak (REF §1). */
export const API_VERSION = '2014-05-26';

/** The RPC endpoint: `/` only (REF §1); the only path faults touch. */
export const isApiPath = (path: string) => path === '/';

const header = (request: EmulatorRequest, name: string) => {
  const value = request.headers[name];
  return typeof value === 'string' && value !== '' ? value : undefined;
};

/**
 * RPC dispatch (REF §1): `Action` and `Version` from the parameters (query or form body; the legacy signature) or
 * the `x-acs-action`/`x-acs-version` headers (V3); `Format=json` only (CHOICE, README "Transport").
 */
async function dispatch(cloud: Cloud, request: EmulatorRequest) {
  if (request.method !== 'GET' && request.method !== 'POST')
    throw new EcsError(405, 'UnsupportedHTTPMethod', `${request.method} is not supported: use GET or POST.`);
  const params = Params.from(request.query, await request.body(), header(request, 'content-type'));
  const action = params.get('Action') ?? header(request, 'x-acs-action');
  if (action === undefined) throw missingParameter('Action');
  const version = params.get('Version') ?? header(request, 'x-acs-version');
  if (version === undefined) throw missingParameter('Version');
  if (version !== API_VERSION)
    throw new EcsError(400, 'InvalidVersion', `Specified parameter Version is not valid: ECS speaks ${API_VERSION}.`);
  const format = params.get('Format');
  if (format !== undefined && format.toLowerCase() !== 'json')
    throw new EcsError(400, 'InvalidParameter', 'The specified parameter "Format" is not valid: only JSON is served.');
  const handler = Object.hasOwn(ACTIONS, action) ? ACTIONS[action] : undefined;
  if (!handler) throw new EcsError(404, 'InvalidAction.NotFound', `Specified api ${action} is not found.`);
  const { body, mutated } = handler({ params, cloud, now: request.now });
  return { status: 200, body, mutated: mutated ?? false };
}

export function emulatorRoutes(cloud: Cloud): EmulatorRoute[] {
  return [{ method: '*', pattern: '/', handle: (request) => dispatch(cloud, request) }, ...testHooks(cloud)];
}
