import { describe, expect, it } from 'vitest';
import { SlotLease, Slots } from '../../../src/engine/slots.js';
import { SweepPoller } from '../../../src/engine/sweep-poller.js';
import { WaitTimeoutError } from '../../../src/engine/wait.js';
import { waitFor } from '../../helpers/wait.js';

/** A promise and the function that resolves it, to hold a wait open until the test says so. */
function gate(): { opened: Promise<void>; open(): void } {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { opened, open };
}

describe('Slots', () => {
  it('hands out at most its size, and a waiting operation gives its slot to another', async () => {
    const slots = new Slots(2);
    expect(slots.tryTake()).toBe(true);
    expect(slots.tryTake()).toBe(true);
    expect(slots.tryTake()).toBe(false);

    const cloud = gate();
    // What an operation's idle does: give the slot back, wait, take one again.
    slots.release();
    const waiting = cloud.opened.then(() => slots.take());
    // The first operation waits for the cloud: a third one may start.
    expect(slots.tryTake()).toBe(true);
    expect(slots.tryTake()).toBe(false);

    let resumed = false;
    void waiting.then(() => (resumed = true));
    cloud.open();
    await Promise.resolve();
    await Promise.resolve();
    // Every slot is held: the first operation waits for one to come back before it goes on.
    expect(resumed).toBe(false);
    slots.release();
    await waiting;
    expect(resumed).toBe(true);
  });

  it('serves an operation coming back from a wait before a new one starts', async () => {
    const slots = new Slots(1);
    expect(slots.tryTake()).toBe(true);
    const back = slots.take();
    expect(slots.tryTake()).toBe(false);
    slots.release();
    await back;
    // The slot went to the resuming operation, not to a new one.
    expect(slots.tryTake()).toBe(false);
    slots.release();
    expect(slots.tryTake()).toBe(true);
  });
});

describe('SlotLease (one operation)', () => {
  /** Resolves once `promise` has settled, or says it has not after the microtasks queued so far have run. */
  async function settled(promise: Promise<unknown>): Promise<boolean> {
    let done = false;
    void promise.then(() => (done = true));
    for (let i = 0; i < 10; i++) await Promise.resolve();
    return done;
  }

  it('records after a final wait while every slot is held by another operation, and takes no slot again', async () => {
    const slots = new Slots(1);
    expect(slots.tryTake()).toBe(true);
    const lease = new SlotLease(slots);
    const cloud = gate();
    const waited = lease.idle(() => cloud.opened.then(() => 'available'), { final: true });
    // The slot went back during the wait: another operation takes it and keeps it (a request the cloud holds).
    expect(slots.tryTake()).toBe(true);
    cloud.open();
    expect(await waited).toBe('available');
    const stored = gate();
    const record = lease.lend(() => stored.opened.then(() => 'recorded'));
    stored.open();
    expect(await settled(record)).toBe(true);
    // Ending gives back nothing: the lease holds no slot, and the other operation still holds the only one.
    lease.end();
    expect(slots.tryTake()).toBe(false);
  });

  it('takes a slot again after a wait that is not final, before the operation goes on', async () => {
    const slots = new Slots(1);
    expect(slots.tryTake()).toBe(true);
    const lease = new SlotLease(slots);
    const cloud = gate();
    const waited = lease.idle(() => cloud.opened);
    expect(slots.tryTake()).toBe(true);
    cloud.open();
    expect(await settled(waited)).toBe(false);
    slots.release();
    expect(await settled(waited)).toBe(true);
    lease.end();
    expect(slots.tryTake()).toBe(true);
  });

  it('keeps an operation at one slot when its record and its final wait overlap', async () => {
    const slots = new Slots(1);
    expect(slots.tryTake()).toBe(true);
    const lease = new SlotLease(slots);
    // Another operation is back from its wait: the record hands it the slot, and queues for one once stored.
    const back = slots.take();
    const stored = gate();
    const record = lease.lend(() => stored.opened);
    await back;
    stored.open();
    expect(await settled(record)).toBe(false);
    // The final wait begins while the record queues; the slot the record then gets is given up at once.
    const cloud = gate();
    const waited = lease.idle(() => cloud.opened, { final: true });
    slots.release();
    expect(await settled(record)).toBe(true);
    expect(slots.tryTake()).toBe(true);
    slots.release();
    cloud.open();
    await waited;
    lease.end();
    expect(slots.tryTake()).toBe(true);
    expect(slots.tryTake()).toBe(false);
  });
});

describe('Slots.handOver (a state write)', () => {
  it('hands the slot to an operation coming back from a wait, never to a new one', async () => {
    const slots = new Slots(1);
    expect(slots.tryTake()).toBe(true);
    // Nobody is coming back: the slot stays with its holder, so no new operation starts during its write.
    expect(slots.handOver()).toBe(false);
    expect(slots.tryTake()).toBe(false);

    // An operation is back from its wait: it gets the slot; the writer then waits its turn like it.
    let resumed = false;
    const back = slots.take().then(() => (resumed = true));
    expect(slots.handOver()).toBe(true);
    await back;
    expect(resumed).toBe(true);
    let writerBack = false;
    const writer = slots.take().then(() => (writerBack = true));
    expect(slots.tryTake()).toBe(false);
    await Promise.resolve();
    expect(writerBack).toBe(false);
    slots.release();
    await writer;
    expect(writerBack).toBe(true);
    expect(slots.tryTake()).toBe(false);
  });
});

describe('SweepPoller', () => {
  it('reads every waiting object in one call per sweep and wakes each waiter when its own object is done', async () => {
    const cloud = new Map([
      ['a', 'pending'],
      ['b', 'pending'],
      ['c', 'pending'],
    ]);
    const reads: string[][] = [];
    const poller = new SweepPoller<string>(
      {
        read: async (ids) => {
          reads.push([...ids].sort());
          return new Map(ids.filter((id) => cloud.has(id)).map((id) => [id, cloud.get(id)!]));
        },
      },
      { minIntervalMs: 1, maxIntervalMs: 5 },
    );
    const waitOn = (id: string) =>
      poller.wait(id, { done: (status) => status !== 'pending', timeoutMs: 60_000, describe: id });
    const a = waitOn('a');
    const b = waitOn('b');
    const c = waitOn('c');

    await waitFor(() => reads.length >= 1, { what: 'the first sweep' });
    expect(reads[0]).toEqual(['a', 'b', 'c']);
    cloud.set('b', 'available');
    expect(await b).toBe('available');
    const afterB = reads.length;
    cloud.set('a', 'failed');
    cloud.delete('c');
    expect(await a).toBe('failed');
    expect(await c).toBeUndefined();
    // Never one read per object: every sweep read all that were waiting at once, and only those.
    expect(reads.slice(0, afterB).every((ids) => ids.join() === 'a,b,c')).toBe(true);
    expect(reads.slice(afterB).every((ids) => ids.join() === 'a,c')).toBe(true);
  });

  it('times a waiter out with what it waited for, and leaves the others waiting', async () => {
    const poller = new SweepPoller<string>(
      { read: async (ids) => new Map(ids.map((id) => [id, 'pending'])) },
      { minIntervalMs: 1, maxIntervalMs: 2 },
    );
    const short = poller.wait('x', {
      done: (status) => status !== 'pending',
      timeoutMs: 5,
      describe: 'image "x" to become available',
      summarize: (status) => `status ${status}`,
    });
    await expect(short).rejects.toBeInstanceOf(WaitTimeoutError);
    await expect(short).rejects.toThrow(/waiting for image "x" to become available \(last seen: status pending\)/);
  });

  it('ends the waits with the cause when sweeps keep failing', async () => {
    let calls = 0;
    const poller = new SweepPoller<string>(
      {
        read: async () => {
          calls++;
          throw new Error('503 service unavailable');
        },
      },
      { minIntervalMs: 1, maxIntervalMs: 1, maxFailedSweeps: 3 },
    );
    await expect(poller.wait('x', { done: () => true, timeoutMs: 60_000, describe: 'x' })).rejects.toThrow(
      '503 service unavailable',
    );
    expect(calls).toBe(3);
  });
});
