/** Why an apply stopped starting operations. */
export type StopReason = { kind: 'interrupt'; signal: string } | { kind: 'lock-lost'; message: string };

/**
 * The one "start nothing new" flag of an apply, shared by interrupts (DESIGN.md §4) and a lost lock (§5). The
 * executor looks at it before starting each operation; operations already running finish and are recorded.
 * The first reason wins: an interrupt after a lost lock is still reported as the lost lock.
 */
export class ApplyStop {
  private stopReason: StopReason | undefined;
  private readonly listeners = new Set<(reason: StopReason) => void>();
  /** Operations running now, kept by the executor, for the interrupt's message. */
  inFlight = 0;
  /** Whether the executor is running operations (an interrupt before that has nothing to wait for). */
  applying = false;

  get reason(): StopReason | undefined {
    return this.stopReason;
  }

  get stopped(): boolean {
    return this.stopReason !== undefined;
  }

  /** Returns false when already stopped. */
  stop(reason: StopReason): boolean {
    if (this.stopReason) return false;
    this.stopReason = reason;
    for (const listener of [...this.listeners]) listener(reason);
    return true;
  }

  onStop(listener: (reason: StopReason) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Stop when a held lock reports it is lost. */
  followLock(lost: AbortSignal): () => void {
    const onLost = (): void => {
      const reason: unknown = lost.reason;
      this.stop({ kind: 'lock-lost', message: reason instanceof Error ? reason.message : String(reason) });
    };
    if (lost.aborted) {
      onLost();
      return () => undefined;
    }
    lost.addEventListener('abort', onLost, { once: true });
    return () => lost.removeEventListener('abort', onLost);
  }
}
