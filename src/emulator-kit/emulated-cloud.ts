import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import type { CloudClock } from './clock.js';
import type { CoalescingWriter } from './persistence.js';

/** One request as the kit hands it to a route: routed, authenticated, past the faults. */
export interface EmulatorRequest {
  method: string;
  /** Without a trailing slash. */
  path: string;
  params: Record<string, string>;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  /** `http://host:port` as the client addressed us; hrefs are built from it. */
  baseUrl: string;
  /** The cloud's clock, read once for the request, after `settle`. */
  now: number;
  /** The whole body (at most 1 MiB), read on first call; the same Buffer on later calls. */
  body(): Promise<Buffer>;
  /** The request itself, for a cloud that streams a large upload instead of calling `body()`. */
  stream: IncomingMessage;
}

/** What `renderError` may read of the request that failed. */
export interface ErrorContext {
  path: string;
  headers: IncomingHttpHeaders;
}

export interface EmulatorReply {
  status: number;
  /** JSON unless it is a Buffer or a string, which are sent as they are (say their Content-Type in `headers`). */
  body?: unknown;
  headers?: Record<string, string>;
  /** The cloud changed: its file is written before the reply goes out. */
  mutated?: boolean;
}

export interface EmulatorRoute {
  /** An HTTP method, or `*` for every method. */
  method: string;
  /** e.g. `/v1/images/{id}`: also the key request statistics count it under. */
  pattern: string;
  /** The identity service's own endpoints (IAM token, Keystone auth): answered without credentials. */
  open?: boolean;
  handle(request: EmulatorRequest): EmulatorReply | Promise<EmulatorReply>;
}

/**
 * What a cloud's emulator gives the kit: its routes, its credential check and its error shape. The kit adds the
 * `/emulator/v1` clock, faults and stats endpoints, statistics, faults, the Date header and persistence.
 */
export interface EmulatedCloud {
  /** The cloud's API and its own test endpoints (under `/emulator/v1/`). */
  routes: readonly EmulatorRoute[];
  /** Paths of the cloud's API, matched or not: the only ones that faults and latency touch. */
  isApiPath(path: string): boolean;
  /**
   * Throws (in the cloud's own error type, for `renderError`) unless the request carries the cloud's credential.
   * Called for every request but those to open routes, before faults are drawn.
   */
  authenticate(request: EmulatorRequest): void | Promise<void>;
  /** The one secret the emulator accepts: on the test endpoints `Authorization: Bearer KEY` is enough. */
  apiKey: string;
  /**
   * Renders anything a request threw (an EmulatorProblem, the cloud's own errors, a bug) in the cloud's shape;
   * `request` (its path and headers) is for a cloud whose error body depends on them (Glance follows `Accept`).
   */
  renderError(error: unknown, request: ErrorContext): EmulatorReply;
  clock: CloudClock;
  /** Brings the model up to `now`: called before every route's handler and after the clock moved. */
  settle(now: number): void;
  /** The cloud's file; absent for a cloud kept in memory. */
  writer?: CoalescingWriter;
}
