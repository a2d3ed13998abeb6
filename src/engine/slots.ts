/**
 * The `--parallelism` slots of an apply (DESIGN.md §9): an operation holds one while it talks to the cloud and gives
 * it back while it only waits for the cloud to finish, so waits overlap instead of queueing. An operation coming
 * back from a wait is served before a new one starts: work already begun finishes first.
 */
export class Slots {
  private free: number;
  private readonly resuming: (() => void)[] = [];
  private changed?: () => void;

  constructor(size: number) {
    this.free = Math.max(1, size);
  }

  /** Take a slot now for a new operation; false when none is free (or one is owed to a resuming operation). */
  tryTake(): boolean {
    if (this.free === 0 || this.resuming.length) return false;
    this.free--;
    return true;
  }

  /** Wait for a slot to continue an operation that was waiting for the cloud. */
  take(): Promise<void> {
    if (this.free > 0 && !this.resuming.length) {
      this.free--;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.resuming.push(resolve));
  }

  release(): void {
    const next = this.resuming.shift();
    if (next) next();
    else {
      this.free++;
      this.changed?.();
    }
  }

  /** Resolves the next time a slot is given back free (so the scheduler can start another operation). */
  nextRelease(): Promise<void> {
    return new Promise((resolve) => {
      this.changed = () => {
        this.changed = undefined;
        resolve();
      };
    });
  }

  /**
   * Give the caller's slot straight to an operation coming back from a wait, if one is queued (the caller then does
   * something that sends no API request, such as a state write, and takes a slot again after); false when none is.
   * Never to a new operation, so no more operations are under way than slots.
   */
  handOver(): boolean {
    const next = this.resuming.shift();
    if (!next) return false;
    next();
    return true;
  }
}
