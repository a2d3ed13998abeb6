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

/**
 * One operation's claim on a slot, from its start to its end. The operation gives the slot back while it only waits
 * (`idle`) and hands it over while it only stores a record (`lend`); waits and records of one operation may overlap,
 * and the lease keeps it at one slot, never more. A wait marked `final` is the operation's last contact with the
 * cloud: what follows only records state, which needs no slot, so the slot is not taken again. An image found
 * available is then recorded at once, even while every slot is held by requests the cloud is slow to answer.
 */
export class SlotLease {
  private holding = true;
  private final = false;

  constructor(private readonly slots: Slots) {}

  /** Wait for the cloud without the slot; take one again after, unless the wait is `final`. */
  idle<T>(work: () => Promise<T>, options: { final?: boolean } = {}): Promise<T> {
    if (options.final) this.final = true;
    return this.without(work, () => {
      this.slots.release();
      return true;
    });
  }

  /** Store a record: the slot goes to an operation back from a wait, if one is queued, and is taken back after. */
  lend<T>(work: () => Promise<T>): Promise<T> {
    return this.without(work, () => this.slots.handOver());
  }

  /** The operation ended: give back the slot it still holds. */
  end(): void {
    if (!this.holding) return;
    this.holding = false;
    this.slots.release();
  }

  private async without<T>(work: () => Promise<T>, give: () => boolean): Promise<T> {
    if (!this.holding || !give()) return work();
    this.holding = false;
    try {
      return await work();
    } finally {
      if (!this.final) {
        await this.slots.take();
        // A final wait may have begun while this one queued for the slot: it is not needed any more.
        if (this.final) this.slots.release();
        else this.holding = true;
      }
    }
  }
}
