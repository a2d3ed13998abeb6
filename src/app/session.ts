import { resolve } from 'node:path';
import { loadConfiguration } from '../config/load.js';
import { CATALOG } from './catalog.js';
import type { Configuration } from '../config/model.js';
import { hasErrors, type Diagnostic } from '../core/diagnostic.js';
import { UserError } from '../core/errors.js';
import { openProvider } from './open-provider.js';
import { openStateBackend } from '../state/open.js';
import type { HeldLock, StateBackend, StateDocument } from '../state/state.js';
import type { EngineHost } from '../engine/events.js';
import type { CloudClient } from '../engine/cloud.js';
import { makePlan, type PlanOptions, type PlanResult } from '../engine/plan.js';
import type { ApplyProviderView, ApplyWorld } from '../engine/world.js';
import { entriesByProvider } from '../engine/entries-by-provider.js';
import { cloudOfType } from './clouds.js';

/**
 * Everything one command run works with: the validated files, the state backend, the lock when taken, and the
 * providers' clients (each opened on first use, so `state list` never starts a cloud). close() releases all of it.
 */
export interface Session {
  dir: string;
  configuration: Configuration;
  backend: StateBackend;
  /** The client of the provider with this name (from the settings). */
  client(name: string): Promise<CloudClient>;
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
  const clients = new Map<string, Promise<CloudClient>>();
  const locks: HeldLock[] = [];
  return {
    dir,
    configuration,
    backend,
    client: (name) => {
      const settings = configuration.settings.providers.find((provider) => provider.name === name);
      if (!settings) throw UserError.of('provider.unknown', `no provider named "${name}" in imageform.yaml`);
      let client = clients.get(name);
      if (!client) clients.set(name, (client = openProvider(dir, settings, options.env)));
      return client;
    },
    lock: async (operation) => {
      const lock = await backend.lock(operation);
      locks.push(lock);
      return lock;
    },
    close: async () => {
      const errors: unknown[] = [];
      for (const lock of locks.splice(0)) await lock.release().catch((err: unknown) => errors.push(err));
      for (const client of clients.values())
        await (await client.catch(() => undefined))?.close().catch((err: unknown) => errors.push(err));
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
  /** Every provider the plan spans, with its client and what its refresh saw. */
  world: ApplyWorld;
  result: PlanResult;
}

/**
 * The providers a run needs: those the files use and those state holds objects in, refreshed side by side (each
 * reads its own cloud).
 */
async function refreshProviders(session: Session, state: StateDocument): Promise<ApplyWorld> {
  const { settings, documents } = session.configuration;
  const configured = new Map(settings.providers.map((provider) => [provider.name, provider]));
  const entriesOf = entriesByProvider(configured, state.resources);
  const names = new Set([...documents.map((document) => document.provider), ...entriesOf.keys()]);
  const world = new Map<string, ApplyProviderView>();
  await Promise.all(
    [...names]
      .filter((name) => configured.has(name))
      .sort()
      .map(async (name) => {
        const cloud = cloudOfType(configured.get(name)!.type);
        const client = await session.client(name);
        const entries = entriesOf.get(name) ?? {};
        const ofProvider = documents.filter((document) => document.provider === name);
        const snapshot = await cloud.refresh(client, { entries, documents: ofProvider, concurrency: 10 });
        world.set(name, { cloud, client, snapshot });
      }),
  );
  // By name, whatever order the refreshes ended in.
  return new Map([...world].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** Read state, refresh, plan; a plan with errors throws them all at once. */
export async function refreshAndPlan(session: Session, host: EngineHost, options: PlanOptions): Promise<RefreshedPlan> {
  const state = await session.backend.read();
  const resources = Object.keys(state.resources).length;
  host.notify({ type: 'refresh-started', resources });
  const world = await refreshProviders(session, state);
  host.notify({
    type: 'refresh-finished',
    resources,
    requests: [...world.values()].reduce((sum, view) => sum + view.snapshot.requests, 0),
  });
  const result = makePlan(session.configuration.documents, state, world, { ...options, dir: session.dir });
  throwOnErrors(result.diagnostics);
  return { state, world, result };
}
