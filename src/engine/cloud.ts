import type { CloudConfiguration } from '../config/catalog.js';
import type { Diagnostic } from '../core/diagnostic.js';
import type { ResourceDocument } from '../core/document.js';
import type { ProviderSettings } from '../config/model.js';
import type { ResourceState } from '../state/state.js';
import type { PlannedResource, ResourceKind } from './resource-kind.js';
import type { CloudSnapshot } from './snapshot.js';

/**
 * A cloud as the engine sees it (DESIGN.md §7, §8): its configuration (kinds, schemas, rules), how the composition
 * root opens its client, how a refresh reads it, and the rules its plans obey. Adding a cloud is a folder under
 * src/clouds/ that exports one of these, and a line in src/app/clouds.ts.
 */
export interface CloudClient {
  /** The cloud's current time (from its `Date` header), never the local clock. */
  now(): Promise<Date>;
  /** Requests sent by this client (for the refresh line and benchmarks). */
  readonly requestCount: number;
  close(): Promise<void>;
}

export interface OpenContext {
  /** The configuration directory. */
  dir: string;
  env: NodeJS.ProcessEnv;
  /** The provider's name in the settings (for messages). */
  name: string;
}

export interface EmbeddedContext extends OpenContext {
  /** Where the embedded emulator keeps this provider's cloud. */
  dataFile: string;
  /** The emulator's time scale (IMAGEFORM_EMULATOR_TIME_SCALE), when set. */
  timeScale?: number;
}

export interface RefreshInput {
  /** State entries of this provider, by address. */
  entries: Readonly<Record<string, ResourceState>>;
  /** Documents of this provider. */
  documents: readonly ResourceDocument[];
  /** Concurrent requests for per-object reads. */
  concurrency: number;
}

export interface CloudRuleInput<S extends CloudSnapshot = CloudSnapshot> {
  /** Every planned resource of this provider. */
  planned: ReadonlyMap<string, PlannedResource>;
  documents: ReadonlyMap<string, ResourceDocument>;
  entries: Readonly<Record<string, ResourceState>>;
  snapshot: S;
  destroy: boolean;
}

/** `imageform emulator --cloud TYPE`: how to start a cloud's emulator as a server. */
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

export interface Cloud<
  C extends CloudClient = CloudClient,
  S extends CloudSnapshot = CloudSnapshot,
> extends CloudConfiguration {
  kinds: readonly ResourceKind<S, C>[];
  /** Open a client for a provider of this cloud (settings as written, defaults applied by the cloud). */
  open(settings: ProviderSettings, context: OpenContext): Promise<C>;
  /** Start this cloud's emulator in-process and open a client on it (`embedded: true`). */
  openEmbedded(settings: ProviderSettings, context: EmbeddedContext): Promise<C>;
  /** Read what the plan needs in as few requests as the API allows. */
  refresh(client: C, input: RefreshInput): Promise<S>;
  /** Rules that need the whole plan and the cloud, and notes for the reader. */
  planRules?(input: CloudRuleInput<S>): { diagnostics: Diagnostic[]; notes: string[] };
  /** Start this cloud's emulator as a server (loaded on demand: it loads no other cloud's code). */
  startEmulator: EmulatorStarter;
  /** The client apply uses (e.g. one that queues operations the cloud limits). */
  clientForApply?(client: C, snapshot: S): C;
}

/** A provider of the settings with its cloud, as the engine plans and applies it. */
export interface ProviderContext<C extends CloudClient = CloudClient, S extends CloudSnapshot = CloudSnapshot> {
  name: string;
  cloud: Cloud<C, S>;
}
