import type { Host, HostStreams } from './host-types.js';
import { createInkHost } from './ink-host.js';
import { createJsonHost } from './json-host.js';
import { createPlainHost } from './plain-host.js';

export type { Host, HostStreams } from './host-types.js';
export { outputMode, type OutputMode } from './output-mode.js';

export interface HostOptions extends HostStreams {
  /** ink views and the yes-prompt; decide with outputMode(). */
  interactive: boolean;
  /** ANSI colours in plain output. */
  color: boolean;
  /** JSON lines, for `--json`; wins over the others. */
  json: boolean;
  /** Plain mode: seconds between "still creating..." lines (default 10 s). */
  heartbeatMs?: number;
}

/**
 * The renderer a command hands to the engine. JSON lines for --json, ink on an interactive terminal, one plain
 * line per event otherwise. Call `finish()` before exiting: it stops timers and writes ink's final frame.
 */
export function createHost(options: HostOptions): Host {
  if (options.json) return createJsonHost(options);
  if (options.interactive) return createInkHost(options);
  return createPlainHost({
    ...options,
    ...(options.heartbeatMs !== undefined ? { heartbeatMs: options.heartbeatMs } : {}),
  });
}
