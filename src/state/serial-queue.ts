/**
 * Runs tasks one at a time, in call order. A PostgreSQL connection runs one conversation at a time, and two
 * interleaved BEGIN…COMMIT blocks on it would silently merge into one transaction.
 */
export class SerialQueue {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(task: () => Promise<T>): Promise<T> {
    const result = this.tail.then(task, task);
    this.tail = result.catch(() => undefined);
    return result;
  }
}
