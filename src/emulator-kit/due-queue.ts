/** A binary min-heap of things due at an instant; ties break by `rank`, then by insertion order. */
export interface DueItem<T> {
  due: number;
  rank: number;
  value: T;
}

export class DueQueue<T> {
  private readonly heap: Array<DueItem<T> & { order: number }> = [];
  private counter = 0;

  get size(): number {
    return this.heap.length;
  }

  push(due: number, rank: number, value: T): void {
    this.heap.push({ due, rank, value, order: this.counter++ });
    this.siftUp(this.heap.length - 1);
  }

  /** Removes and returns the earliest item due at or before `now`. */
  popDue(now: number): DueItem<T> | undefined {
    const top = this.heap[0];
    if (!top || top.due > now) return undefined;
    const last = this.heap.pop()!;
    if (this.heap.length > 0) {
      this.heap[0] = last;
      this.siftDown(0);
    }
    return top;
  }

  private before(a: number, b: number): boolean {
    const x = this.heap[a]!;
    const y = this.heap[b]!;
    return x.due !== y.due ? x.due < y.due : x.rank !== y.rank ? x.rank < y.rank : x.order < y.order;
  }

  private swap(a: number, b: number): void {
    const item = this.heap[a]!;
    this.heap[a] = this.heap[b]!;
    this.heap[b] = item;
  }

  private siftUp(index: number): void {
    while (index > 0) {
      const parent = (index - 1) >> 1;
      if (!this.before(index, parent)) return;
      this.swap(index, parent);
      index = parent;
    }
  }

  private siftDown(index: number): void {
    for (;;) {
      const left = index * 2 + 1;
      const right = left + 1;
      let smallest = index;
      if (left < this.heap.length && this.before(left, smallest)) smallest = left;
      if (right < this.heap.length && this.before(right, smallest)) smallest = right;
      if (smallest === index) return;
      this.swap(index, smallest);
      index = smallest;
    }
  }
}
