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
   * Run `work`, which sends no API request (a state write), lending the caller's slot to an operation coming back
   * from a wait, if one is queued; never to a new operation, so no more operations are under way than slots.
   */
  async lend<T>(work: () => Promise<T>): Promise<T> {
    const next = this.resuming.shift();
    if (!next) return work();
    next();
    try {
      return await work();
    } finally {
      await this.take();
    }
  }

  /** Run `wait` without holding the caller's slot; the slot is taken back before the caller goes on. */
  async without<T>(wait: () => Promise<T>): Promise<T> {
    this.release();
    try {
      return await wait();
    } finally {
      await this.take();
    }
  }
}
