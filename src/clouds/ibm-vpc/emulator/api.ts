import type { Cloud } from './cloud.js';

/** One /v1 (or test-hook) request after routing, authentication and body parsing. */
export interface ApiRequest {
  method: string;
  params: Record<string, string>;
  query: URLSearchParams;
  body: unknown;
  /** The cloud's clock, read once per request after settling. */
  now: number;
  /** `http://host:port` as the client addressed us; hrefs are built from it. */
  baseUrl: string;
  /** The `version` query parameter (validated for /v1). */
  version: string;
  cloud: Cloud;
}

export interface ApiReply {
  status: number;
  body?: unknown;
  /** The cloud changed: it is written to disk before the reply goes out. */
  mutated?: boolean;
}

export type Handler = (request: ApiRequest) => ApiReply;

export const ok = (body: unknown): ApiReply => ({ status: 200, body });
export const changed = (status: number, body?: unknown): ApiReply => ({ status, body, mutated: true });
