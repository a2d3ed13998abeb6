import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorCode, startCloud, type TestCloud } from './cloud-client.js';

/** Seed 000's lifecycle rules, enforced by the server: scheduling, immediate changes, reverting. */

let cloud: TestCloud;
beforeAll(async () => {
  cloud = await startCloud();
});
afterAll(() => cloud.stop());

const patch = (id: string, body: Record<string, unknown>) =>
  cloud.api('PATCH', `/images/${id}`, body, { contentType: 'application/merge-patch+json' });
const get = async (id: string) => (await cloud.api('GET', `/images/${id}`)).body;
const cloudTime = async () => Date.parse((await cloud.hook('GET', '/clock')).body.now);
const inHours = async (hours: number) => new Date((await cloudTime()) + hours * 3600_000).toISOString();

describe('scheduled changes', () => {
  it('deprecates, then obsoletes, when the clock passes each date', async () => {
    const image = await cloud.availableImage();
    const deprecation = await inHours(1);
    const obsolescence = await inHours(2);
    const scheduled = await patch(image.id, { deprecation_at: deprecation, obsolescence_at: obsolescence });
    expect(scheduled.status).toBe(200);
    expect(scheduled.body).toMatchObject({
      status: 'available',
      deprecation_at: deprecation,
      obsolescence_at: obsolescence,
    });
    await cloud.advance(3601);
    expect((await get(image.id)).status).toBe('deprecated');
    await cloud.advance(3600);
    expect((await get(image.id)).status).toBe('obsolete');
    // status filters see the transition too
    const listed = await cloud.api('GET', '/images', undefined, { query: { status: 'obsolete', name: image.name } });
    expect(listed.body.images.map((each: { id: string }) => each.id)).toEqual([image.id]);
  });

  it('a pending image whose dates pass becomes deprecated (or obsolete) as soon as it is created', async () => {
    const now = await cloudTime();
    const image = await cloud.createImage({ deprecation_at: new Date(now + 200).toISOString() });
    await cloud.advance(2);
    expect((await get(image.id)).status).toBe('deprecated');
  });

  it('accepts the same dates again (even once in effect) and compares them as instants', async () => {
    const image = await cloud.availableImage();
    const deprecation = await inHours(1);
    await patch(image.id, { deprecation_at: deprecation });
    // The same instant written with another offset is not a change, so it is accepted after the date passed.
    const sameInstant = new Date(Date.parse(deprecation) + 3600_000).toISOString().replace('Z', '+01:00');
    await cloud.advance(3601);
    const again = await patch(image.id, { deprecation_at: sameInstant, name: `${image.name}-x` });
    expect(again.status).toBe(200);
    expect(again.body.deprecation_at).toBe(deprecation);
    expect(again.body.status).toBe('deprecated');
  });
});

describe('date rules', () => {
  it.each([
    [
      'a date in the past',
      (now: number) => ({ deprecation_at: new Date(now - 60_000).toISOString() }),
      400,
      'validation_failure',
    ],
    [
      'the current instant',
      (now: number) => ({ obsolescence_at: new Date(now - 500).toISOString() }),
      400,
      'validation_failure',
    ],
    [
      'obsolescence before deprecation',
      (now: number) => ({
        deprecation_at: new Date(now + 7200_000).toISOString(),
        obsolescence_at: new Date(now + 3600_000).toISOString(),
      }),
      400,
      'validation_failure',
    ],
    [
      'obsolescence equal to deprecation',
      (now: number) => ({
        deprecation_at: new Date(now + 3600_000).toISOString(),
        obsolescence_at: new Date(now + 3600_000).toISOString(),
      }),
      400,
      'validation_failure',
    ],
    ['a malformed date', () => ({ deprecation_at: 'next tuesday' }), 400, 'validation_invalid_field_type'],
    [
      'a day that does not exist',
      () => ({ deprecation_at: '2099-02-30T00:00:00Z' }),
      400,
      'validation_invalid_field_type',
    ],
    ['a number instead of a date', () => ({ obsolescence_at: 4102444800 }), 400, 'validation_invalid_field_type'],
  ])('refuses %s', async (_label, body, status, code) => {
    const image = await cloud.availableImage();
    const reply = await patch(image.id, body(await cloudTime()));
    expect(reply.status).toBe(status);
    expect(errorCode(reply)).toBe(code);
    // a refused patch changes nothing
    const after = await get(image.id);
    expect(after.deprecation_at).toBeUndefined();
    expect(after.obsolescence_at).toBeUndefined();
  });

  it('keeps obsolescence after an existing deprecation when only one date is patched', async () => {
    const image = await cloud.availableImage();
    await patch(image.id, { deprecation_at: await inHours(5) });
    const early = await patch(image.id, { obsolescence_at: await inHours(4) });
    expect(early.status).toBe(400);
    expect(early.body.errors[0].target.name).toBe('obsolescence_at');
  });

  it('reschedules a future date freely', async () => {
    const image = await cloud.availableImage();
    await patch(image.id, { deprecation_at: await inHours(5) });
    const moved = await patch(image.id, { deprecation_at: await inHours(3) });
    expect(moved.status).toBe(200);
  });

  it('a date already in effect can be removed but not changed (409)', async () => {
    const image = await cloud.availableImage();
    await patch(image.id, { deprecation_at: await inHours(1) });
    await cloud.advance(3601);
    const moved = await patch(image.id, { deprecation_at: await inHours(10) });
    expect(moved.status).toBe(409);
    expect(errorCode(moved)).toBe('invalid_state');
    expect(moved.body.errors[0].message).toMatch(/already in effect/);
    const removed = await patch(image.id, { deprecation_at: null });
    expect(removed.status).toBe(200);
    expect(removed.body.status).toBe('available');
    expect(removed.body).not.toHaveProperty('deprecation_at');
  });

  it('refuses dates on a failed image and on a catalog-managed image (409)', async () => {
    const failed = await cloud.createImage({ file: { href: 'cos://us-south/images/corrupt.qcow2' } });
    await cloud.advance(2);
    expect((await patch(failed.id, { deprecation_at: await inHours(1) })).status).toBe(409);
    const managed = await cloud.availableImage();
    await cloud.hook('PUT', `/images/${managed.id}/catalog_offering`, { managed: true });
    expect((await patch(managed.id, { deprecation_at: await inHours(1) })).status).toBe(409);
    expect((await cloud.api('POST', `/images/${managed.id}/deprecate`)).status).toBe(409);
  });
});

describe('reverting with null', () => {
  it('obsolete -> deprecated when a deprecation date remains', async () => {
    const image = await cloud.availableImage();
    await patch(image.id, { deprecation_at: await inHours(1), obsolescence_at: await inHours(2) });
    await cloud.advance(7201);
    expect((await get(image.id)).status).toBe('obsolete');
    const reverted = await patch(image.id, { obsolescence_at: null });
    expect(reverted.body.status).toBe('deprecated');
  });

  it('obsolete -> available when the image went straight to obsolete', async () => {
    const image = await cloud.availableImage();
    await patch(image.id, { obsolescence_at: await inHours(1) });
    await cloud.advance(3601);
    expect((await get(image.id)).status).toBe('obsolete');
    expect((await patch(image.id, { obsolescence_at: null })).body.status).toBe('available');
  });

  it('obsolete -> available when both dates are nulled together', async () => {
    const image = await cloud.availableImage();
    await patch(image.id, { deprecation_at: await inHours(1), obsolescence_at: await inHours(2) });
    await cloud.advance(7201);
    const reverted = await patch(image.id, { deprecation_at: null, obsolescence_at: null });
    expect(reverted.body.status).toBe('available');
  });

  it('null cancels a future schedule', async () => {
    const image = await cloud.availableImage();
    await patch(image.id, { deprecation_at: await inHours(1) });
    await patch(image.id, { deprecation_at: null });
    await cloud.advance(3601);
    expect((await get(image.id)).status).toBe('available');
  });
});

describe('immediate changes', () => {
  it('deprecate: 204 with no body; status deprecated and deprecation_at = now', async () => {
    const image = await cloud.availableImage();
    const asked = await cloudTime();
    const reply = await cloud.api('POST', `/images/${image.id}/deprecate`);
    const answered = await cloudTime();
    expect(reply.status).toBe(204);
    expect(reply.body).toBeUndefined();
    const after = await get(image.id);
    expect(after.status).toBe('deprecated');
    // "now" is the cloud's time while it handled the request (dates may be kept to the second)
    expect(Date.parse(after.deprecation_at)).toBeGreaterThanOrEqual(Math.floor(asked / 1000) * 1000);
    expect(Date.parse(after.deprecation_at)).toBeLessThanOrEqual(answered);
    // already deprecated: deprecating again is a conflict
    expect((await cloud.api('POST', `/images/${image.id}/deprecate`)).status).toBe(409);
  });

  it('obsolete from deprecated and from available: 204', async () => {
    const deprecated = await cloud.availableImage();
    await cloud.api('POST', `/images/${deprecated.id}/deprecate`);
    // The clock is frozen: let a second pass, as it would between two calls (obsolescence comes after deprecation).
    await cloud.advance(1);
    expect((await cloud.api('POST', `/images/${deprecated.id}/obsolete`)).status).toBe(204);
    const after = await get(deprecated.id);
    expect(after.status).toBe('obsolete');
    expect(Date.parse(after.obsolescence_at)).toBeGreaterThan(Date.parse(after.deprecation_at));
    const available = await cloud.availableImage();
    expect((await cloud.api('POST', `/images/${available.id}/obsolete`)).status).toBe(204);
    expect((await get(available.id)).status).toBe('obsolete');
    expect((await cloud.api('POST', `/images/${available.id}/obsolete`)).status).toBe(409);
    expect((await cloud.api('POST', `/images/${available.id}/deprecate`)).status).toBe(409);
  });

  it('is refused while a future change is scheduled, and allowed once it is removed', async () => {
    const image = await cloud.availableImage();
    await patch(image.id, { obsolescence_at: await inHours(3) });
    const deprecate = await cloud.api('POST', `/images/${image.id}/deprecate`);
    expect(deprecate.status).toBe(409);
    expect(errorCode(deprecate)).toBe('invalid_state');
    expect(deprecate.body.errors[0].message).toMatch(/scheduled/);
    expect((await cloud.api('POST', `/images/${image.id}/obsolete`)).status).toBe(409);
    await patch(image.id, { obsolescence_at: null });
    expect((await cloud.api('POST', `/images/${image.id}/deprecate`)).status).toBe(204);

    const scheduled = await cloud.availableImage();
    await patch(scheduled.id, { deprecation_at: await inHours(3) });
    expect((await cloud.api('POST', `/images/${scheduled.id}/obsolete`)).status).toBe(409);
    expect((await cloud.api('POST', `/images/${scheduled.id}/deprecate`)).status).toBe(409);
  });

  it('is refused for a pending image, and 404 for an unknown one', async () => {
    const pending = await cloud.createImage();
    expect((await cloud.api('POST', `/images/${pending.id}/deprecate`)).status).toBe(409);
    expect((await cloud.api('POST', `/images/${pending.id}/obsolete`)).status).toBe(409);
    expect((await cloud.api('POST', '/images/r006-missing/deprecate')).status).toBe(404);
  });
});
