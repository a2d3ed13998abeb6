import { describe, expect, it } from 'vitest';
import type { CloudImage, IbmVpcClient } from '../../../../src/clouds/ibm-vpc/api-types.js';
import { CONFIRM_EVERY_MS, imageReader } from '../../../../src/clouds/ibm-vpc/pollers.js';

function image(id: string, status: string): CloudImage {
  return { id, name: id, status } as unknown as CloudImage;
}

/** A cloud whose images' statuses the test sets, counting the filtered and the full lists. */
function cloud(statuses: Record<string, string>) {
  const lists = { unsettled: 0, full: 0 };
  const client: Pick<IbmVpcClient, 'listImages'> = {
    listImages: async (filter?: { status?: string[] }) => {
      if (filter?.status) lists.unsettled++;
      else lists.full++;
      return Object.entries(statuses)
        .filter(([, status]) => !filter?.status || filter.status.includes(status))
        .map(([id, status]) => image(id, status));
    },
  } as Pick<IbmVpcClient, 'listImages'>;
  return { client, lists };
}

describe('IBM image poller', () => {
  it('confirms images that left the unsettled list together, at most once per interval while others wait', async () => {
    const statuses: Record<string, string> = { a: 'pending', b: 'pending', c: 'pending' };
    const { client, lists } = cloud(statuses);
    let now = 0;
    const read = imageReader(client, () => now);

    expect((await read(['a', 'b', 'c'])).get('a')?.status).toBe('pending');
    expect(lists).toEqual({ unsettled: 1, full: 0 });

    // a settles: the first to leave is confirmed at once by a full list.
    statuses.a = 'available';
    expect((await read(['a', 'b', 'c'])).get('a')?.status).toBe('available');
    expect(lists.full).toBe(1);

    // b settles within the interval while c still waits: b stays as last seen (not done), no full list.
    now += CONFIRM_EVERY_MS / 2;
    statuses.b = 'available';
    const early = await read(['b', 'c']);
    expect(early.get('b')?.status).toBe('pending');
    expect(lists.full).toBe(1);

    // The interval has passed: one full list confirms b.
    now += CONFIRM_EVERY_MS;
    expect((await read(['b', 'c'])).get('b')?.status).toBe('available');
    expect(lists.full).toBe(2);

    // c, the last one waited for, settles right after: confirmed at once, interval or not.
    statuses.c = 'available';
    expect((await read(['c'])).get('c')?.status).toBe('available');
    expect(lists.full).toBe(3);
  });

  it('tells a gone image at the confirming list, and never defers one it has not seen unsettled', async () => {
    const statuses: Record<string, string> = { a: 'deleting', b: 'pending' };
    const { client, lists } = cloud(statuses);
    const now = 0;
    const read = imageReader(client, () => now);
    await read(['a', 'b']);
    delete statuses.a;
    // First to leave: confirmed at once; it is missing from the full list, so gone.
    const seen = await read(['a', 'b']);
    expect(seen.has('a')).toBe(false);
    expect(seen.get('b')?.status).toBe('pending');
    // An image never seen unsettled (already available when its wait began) is read at once, interval or not.
    statuses.x = 'available';
    expect((await read(['x', 'b'])).get('x')?.status).toBe('available');
    expect(lists.full).toBe(2);
  });
});
