import type { EmulatorReply, EmulatorRequest } from '../../../emulator-kit/emulated-cloud.js';
import type { Cloud } from './cloud.js';

/** A Glance handler: the kit's request (routed, authenticated, settled) and the cloud. */
export type Handler = (request: EmulatorRequest, cloud: Cloud) => EmulatorReply | Promise<EmulatorReply>;

export const ok = (body: unknown, headers?: Record<string, string>): EmulatorReply => ({
  status: 200,
  body,
  ...(headers ? { headers } : {}),
});
export const changed = (status: number, body?: unknown, headers?: Record<string, string>): EmulatorReply => ({
  status,
  ...(body === undefined ? {} : { body }),
  ...(headers ? { headers } : {}),
  mutated: true,
});

/** Glance's timestamps: ISO 8601 to the second, `Z` (REF §3). */
export const isoSeconds = (instant: number) => new Date(instant).toISOString().replace(/\.\d{3}Z$/, 'Z');

/** The media type of a header value, without parameters, lower case. */
export const mediaType = (value: string | undefined) => (value ?? '').split(';')[0]!.trim().toLowerCase();
