import { readdir, readFile, stat, writeFile, mkdir } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { serializeState } from '../../src/state/serialize.js';
import { waitFor } from '../helpers/wait.js';
import { localSettings, sampleState, spawnLockHolder, useLocalBackends, userErrorOf } from './helpers.js';

const local = useLocalBackends();
const backend = local.backend;

describe('local state file', () => {
  it('reads a fresh state when nothing is stored, each with its own lineage', async () => {
    const first = await backend().read();
    const second = await backend().read();
    expect(first).toMatchObject({ version: 1, serial: 0, resources: {} });
    expect(first.lineage).toMatch(/^[0-9a-f-]{36}$/);
    expect(second.lineage).not.toBe(first.lineage);
  });

  it('writes mode 0600 stable pretty JSON, in a git-ignored directory, and reads it back', async () => {
    const state = backend();
    const fresh = await state.read();
    const next = sampleState(fresh.lineage, 1, { zeta: 1, alpha: { b: 2, a: 1 } });
    await state.write(next);

    const path = join(local.dir(), '.imageform', 'state.json');
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    expect(await readFile(join(local.dir(), '.imageform', '.gitignore'), 'utf8')).toBe('*\n');
    const text = await readFile(path, 'utf8');
    expect(text).toBe(serializeState(next));
    expect(text.endsWith('}\n')).toBe(true);
    expect(text).toContain('\n  "lineage": ');
    // Keys sorted inside attributes, whatever order they were built in.
    expect(text.indexOf('"alpha"')).toBeLessThan(text.indexOf('"zeta"'));
    expect(await backend().read()).toEqual(next);
  });

  it('refuses a write whose serial is not stored + 1, and leaves the file as it was', async () => {
    const state = backend();
    const { lineage } = await state.read();
    await state.write(sampleState(lineage, 1));
    const before = await readFile(join(local.dir(), '.imageform', 'state.json'), 'utf8');

    for (const serial of [1, 3]) {
      const refused = await userErrorOf(state.write(sampleState(lineage, serial, { changed: true })));
      expect(refused.code).toBe('state.serial-mismatch');
      expect(refused.message).toContain('found serial 1');
    }
    const otherLineage = await userErrorOf(state.write(sampleState('another-lineage', 2)));
    expect(otherLineage.code).toBe('state.serial-mismatch');
    expect(otherLineage.message).toContain('lineage');
    expect(await readFile(join(local.dir(), '.imageform', 'state.json'), 'utf8')).toBe(before);
  });

  it('refuses the second of two writers that read the same serial (no lost update)', async () => {
    const first = backend();
    const second = backend();
    const { lineage } = await first.read();
    await first.write(sampleState(lineage, 1));
    const readByBoth = (await second.read()).serial;
    await first.write(sampleState(lineage, readByBoth + 1, { by: 'first' }));
    const refused = await userErrorOf(second.write(sampleState(lineage, readByBoth + 1, { by: 'second' })));
    expect(refused.code).toBe('state.serial-mismatch');
    expect((await first.read()).resources['image.web']!.attributes.by).toBe('first');
  });

  it('notices a write by someone else after its own last write, and serializes its own concurrent writes', async () => {
    const mine = backend();
    const theirs = backend();
    const { lineage } = await mine.read();
    await mine.write(sampleState(lineage, 1));
    await theirs.write(sampleState(lineage, 2, { by: 'theirs' }));
    expect((await userErrorOf(mine.write(sampleState(lineage, 2, { by: 'mine' })))).code).toBe('state.serial-mismatch');

    const results = await Promise.allSettled([
      mine.write(sampleState(lineage, 3, { by: 'first call' })),
      mine.write(sampleState(lineage, 3, { by: 'second call' })),
    ]);
    expect(results.map((result) => result.status)).toEqual(['fulfilled', 'rejected']);
    expect((await backend().read()).resources['image.web']!.attributes.by).toBe('first call');
  });

  it('names the path of a corrupt state file', async () => {
    await mkdir(join(local.dir(), '.imageform'));
    await writeFile(join(local.dir(), '.imageform', 'state.json'), '{"version": 1, "lineage": "x", ');
    const corrupt = await userErrorOf(backend().read());
    expect(corrupt.code).toBe('state.corrupt');
    expect(corrupt.message).toMatch(/state\.json: not a valid imageform state document: not valid JSON/);

    await writeFile(
      join(local.dir(), '.imageform', 'state.json'),
      JSON.stringify({ version: 1, lineage: 'x', serial: -1, resources: {} }),
    );
    expect((await userErrorOf(backend().read())).message).toContain('"serial" must be a non-negative integer');
  });

  it('never shows a reader a half-written file and leaves no temp files', async () => {
    const state = backend();
    const { lineage } = await state.read();
    const big = 'x'.repeat(200_000);
    let reads = 0;
    let writing = true;
    const reader = (async () => {
      while (writing) {
        const document = await backend().read();
        if (document.serial > 0) expect(document.resources['image.web']!.attributes.payload).toBe(big);
        reads++;
      }
    })();
    for (let serial = 1; serial <= 40; serial++) await state.write(sampleState(lineage, serial, { payload: big }));
    writing = false;
    await reader;
    expect(reads).toBeGreaterThan(0);
    expect((await state.read()).serial).toBe(40);
    expect((await readdir(join(local.dir(), '.imageform'))).sort()).toEqual(['.gitignore', 'state.json']);
  });
});

describe('local lock', () => {
  it('refuses a second holder, naming holder, time, operation and lock ID', async () => {
    const held = await backend().lock('apply');
    const refused = await userErrorOf(backend().lock('plan'));
    expect(refused.code).toBe('state.locked');
    expect(refused.message).toBe(
      `state is locked by ${held.info.who} (pid ${process.pid}) since ${held.info.created} for "apply"; lock ID ${held.info.id}`,
    );
    expect(held.info.who).toMatch(new RegExp(`@${hostname()}$`));
    expect(held.info.created).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(refused.hint).toBe(`wait for it to finish, or run "imageform force-unlock ${held.info.id}" if it is stale`);

    await held.release();
    await held.release();
    const again = await backend().lock('apply');
    expect(again.info.id).not.toBe(held.info.id);
  });

  it('takes over a lock whose holder process was killed, with a notice', async () => {
    const holder = await spawnLockHolder(local.dir(), localSettings);
    const refused = await userErrorOf(backend().lock('apply'));
    expect(refused.message).toContain(`(pid ${holder.info.pid})`);

    await holder.kill();
    const notices: string[] = [];
    const held = await backend(notices).lock('apply');
    expect(notices).toHaveLength(1);
    expect(notices[0]).toContain(`process ${holder.info.pid} is no longer running`);
    expect(notices[0]).toContain(holder.info.id);
    expect((await backend().readLockInfo())?.id).toBe(held.info.id);
  });

  it('releases the lock when the holder process exits without releasing it', async () => {
    const holder = await spawnLockHolder(local.dir(), localSettings, process.env, 'exit');
    expect(await holder.exited).toBe(0);
    expect(await backend().readLockInfo()).toBeUndefined();
  });

  it('never takes over a lock held from another host', async () => {
    await mkdir(join(local.dir(), '.imageform'));
    const foreign = {
      id: 'f00d',
      operation: 'apply',
      who: 'ci@runner-7',
      host: 'runner-7',
      pid: 999_999,
      created: '2026-11-24T02:50:00Z',
      version: '0.1.0',
    };
    await writeFile(join(local.dir(), '.imageform', 'state.lock'), JSON.stringify(foreign));
    const refused = await userErrorOf(backend().lock('apply'));
    expect(refused.message).toBe(
      'state is locked by ci@runner-7 (pid 999999) since 2026-11-24T02:50:00Z for "apply"; lock ID f00d',
    );
  });

  it('tells a holder whose lock is taken away, without waiting for a state write', async () => {
    const held = await backend().lock('apply');
    expect(held.lost.aborted).toBe(false);
    await backend().forceUnlock(held.info.id);
    await waitFor(() => held.lost.aborted, { what: 'the holder to be told it lost its lock' });
    expect(String((held.lost.reason as Error).message)).toContain(`no longer holds this run's lock ID ${held.info.id}`);
  });

  it('force-unlocks only with the matching lock ID', async () => {
    const held = await backend().lock('apply');
    const wrong = await userErrorOf(backend().forceUnlock('not-the-id'));
    expect(wrong.code).toBe('state.lock-id-mismatch');
    expect(wrong.message).toContain(held.info.id);
    expect(wrong.message).toContain(held.info.who);

    await backend().forceUnlock(held.info.id);
    expect(await backend().readLockInfo()).toBeUndefined();
    expect((await userErrorOf(backend().forceUnlock(held.info.id))).code).toBe('state.not-locked');
    // The old holder's release must not remove somebody else's lock.
    const next = await backend().lock('apply');
    await held.release();
    expect((await backend().readLockInfo())?.id).toBe(next.info.id);
  });
});
