import type { EngineHost } from '../engine/events.js';
import type { ApplyStop } from '../engine/stop.js';

/** What a shell reports for a command ended by Ctrl-C (128 + SIGINT). */
export const INTERRUPTED_EXIT_CODE = 130;

/**
 * Ctrl-C and SIGTERM during apply or destroy (DESIGN.md §4). The first says so at once and stops starting
 * operations: those running finish and are recorded, the lock is released, the command exits 130. A second one
 * (or the first, when no operation is running yet) stops at once: the exit handlers release a local lock and
 * remove a half-written temp file, PostgreSQL frees its lock with the connection, and the intents written before
 * every API call let the next apply settle whatever was in flight. Returns the function that removes the handlers.
 */
export function handleInterrupts(
  stop: ApplyStop,
  host: EngineHost,
  stderr: { write(text: string): unknown },
): () => void {
  let received = 0;
  const onSignal = (signal: NodeJS.Signals): void => {
    received++;
    if (received === 1 && stop.applying) {
      const count = stop.inFlight;
      const operations = `${count} operation${count === 1 ? '' : 's'}`;
      // Short enough for one line of an 80-column terminal.
      const message = `Interrupt received: finishing ${operations} in flight; Ctrl-C again stops now`;
      host.notify({ type: 'notice', level: 'info', message });
      stop.stop({ kind: 'interrupt', signal });
      return;
    }
    stop.stop({ kind: 'interrupt', signal });
    stderr.write(
      received === 1
        ? 'Interrupt received: no operation was running; stopped\n'
        : 'Stopped at once; the next apply settles the operations that were in flight\n',
    );
    // A prompt may have put the terminal in raw mode; leave it usable.
    if (process.stdin.isTTY) process.stdin.setRawMode?.(false);
    process.exit(INTERRUPTED_EXIT_CODE);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return () => {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  };
}
