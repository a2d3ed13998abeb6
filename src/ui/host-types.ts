import type { Readable, Writable } from 'node:stream';
import type { EngineHost } from '../engine/events.js';

/** A host a command hands to the engine; `finish()` flushes output and stops timers and the terminal UI. */
export type Host = EngineHost & { finish(): Promise<void> };

export interface HostStreams {
  stdout: Writable & { isTTY?: boolean; columns?: number };
  stderr: Writable & { isTTY?: boolean; columns?: number };
  stdin: Readable & { isTTY?: boolean };
}
