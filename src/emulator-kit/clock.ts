import { fieldProblem } from './problem.js';

/**
 * The cloud's clock: real time plus an offset. Tests move it forward to make scheduled lifecycle changes happen;
 * it never moves backwards, as a real cloud's clock would not.
 */
export class CloudClock {
  /** Set by freeze(): the real instant the clock stopped following. */
  private frozenAt: number | undefined;

  constructor(public offsetMs = 0) {}

  now(): number {
    return (this.frozenAt ?? Date.now()) + this.offsetMs;
  }

  /** From now on the clock moves only when told (advance, set), so a test sees a status between two transitions. */
  freeze(): void {
    this.frozenAt ??= Date.now();
  }

  /** Follows real time again, from the instant where it stood. */
  thaw(): void {
    if (this.frozenAt === undefined) return;
    this.offsetMs -= Date.now() - this.frozenAt;
    this.frozenAt = undefined;
  }

  get frozen(): boolean {
    return this.frozenAt !== undefined;
  }

  advance(seconds: number): void {
    if (!Number.isFinite(seconds) || seconds < 0) {
      throw fieldProblem(
        'below-minimum',
        'advance_seconds',
        'advance_seconds must be a number >= 0 (the clock never moves backwards)',
        seconds,
      );
    }
    this.offsetMs += Math.round(seconds * 1000);
  }

  set(instant: number): void {
    const current = this.now();
    if (instant < current) {
      throw fieldProblem(
        'below-minimum',
        'now',
        `now must not be before the cloud's current time ${new Date(current).toISOString()}`,
        new Date(instant).toISOString(),
      );
    }
    this.offsetMs += instant - current;
  }
}
