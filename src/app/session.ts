import { resolve } from 'node:path';
import { loadConfiguration } from '../config/load.js';
import { CATALOG } from './catalog.js';
import type { Configuration } from '../config/model.js';
import { hasErrors, type Diagnostic } from '../core/diagnostic.js';
import { UserError } from '../core/errors.js';
import { openProvider } from './open-provider.js';
import type { Provider } from '../clouds/ibm-vpc/api-types.js';
import { openStateBackend } from '../state/open.js';
import type { HeldLock, StateBackend, StateDocument } from '../state/state.js';
import type { EngineHost } from '../engine/events.js';
import { makePlan, type PlanOptions, type PlanResult } from '../engine/plan.js';
import { refresh } from '../clouds/ibm-vpc/refresh.js';
import type { CloudSnapshot } from '../clouds/ibm-vpc/snapshot.js';

/**
 * Everything one command run works with: the validated files, the state backend, the lock when taken, and the
 * provider (opened on first use, so `state list` never starts a cloud). close() releases all of it.
 */
export interface Session {
  dir: string;
  configuration: Configuration;
  backend: StateBackend;
  provider(): Promise<Provider>;
  lock(operation: string): Promise<HeldLock>;
  close(): Promise<void>;
}

export interface SessionOptions {
  cwd: string;
  env: NodeJS.ProcessEnv;
  host: EngineHost;
}

/** Load and validate the files: any error ends the run before an API call is made or state is touched. */
export async function loadValidConfiguration(dir: string, cwd: string, host?: EngineHost): Promise<Configuration> {
  const { configuration, diagnostics } = await loadConfiguration(dir, { cwd, catalog: CATALOG });
  throwOnErrors(diagnostics);
  for (const warning of diagnostics) host?.notify({ type: 'notice', level: 'warning', message: warning.message });
  return configuration;
}

export function throwOnErrors(diagnostics: readonly Diagnostic[]): void {
  if (hasErrors(diagnostics)) throw new UserError(diagnostics.filter((d) => d.severity === 'error'));
}

export async function openSession(dirArgument: string, options: SessionOptions): Promise<Session> {
  const dir = resolve(options.cwd, dirArgument);
  const configuration = await loadValidConfiguration(dir, options.cwd, options.host);
  const notice = (message: string): void => options.host.notify({ type: 'notice', level: 'warning', message });
  const backend = await openStateBackend(dir, configuration.settings.state, options.env, { onNotice: notice });
  let provider: Promise<Provider> | undefined;
  const locks: HeldLock[] = [];
  return {
    dir,
    configuration,
    backend,
    provider: () => (provider ??= openProvider(dir, configuration.settings.provider, options.env)),
    lock: async (operation) => {
      const lock = await backend.lock(operation);
      locks.push(lock);
      return lock;
    },
    close: async () => {
      const errors: unknown[] = [];
      for (const lock of locks.splice(0)) await lock.release().catch((err: unknown) => errors.push(err));
      if (provider) await (await provider.catch(() => undefined))?.close().catch((err: unknown) => errors.push(err));
      await backend.close().catch((err: unknown) => errors.push(err));
      if (errors.length) throw errors[0];
    },
  };
}

export async function withSession<T>(
  dir: string,
  options: SessionOptions,
  work: (session: Session) => Promise<T>,
): Promise<T> {
  const session = await openSession(dir, options);
  try {
    return await work(session);
  } finally {
    await session.close();
  }
}

export interface RefreshedPlan {
  state: StateDocument;
  snapshot: CloudSnapshot;
  result: PlanResult;
}

/** Read state, refresh, plan; a plan with errors throws them all at once. */
export async function refreshAndPlan(session: Session, host: EngineHost, options: PlanOptions): Promise<RefreshedPlan> {
  const state = await session.backend.read();
  const provider = await session.provider();
  host.notify({ type: 'refresh-started', resources: Object.keys(state.resources).length });
  const snapshot = await refresh(provider, state, session.configuration.documents);
  host.notify({
    type: 'refresh-finished',
    resources: Object.keys(state.resources).length,
    requests: snapshot.requests,
  });
  const result = makePlan(session.configuration.documents, state, snapshot, { ...options, dir: session.dir });
  throwOnErrors(result.diagnostics);
  return { state, snapshot, result };
}
