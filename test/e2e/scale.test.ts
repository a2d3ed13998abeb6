import { describe, expect, it } from 'vitest';
import { CREATE_KEY_PREFIX } from '../../src/clouds/ibm-vpc/kinds/create-key.js';
import {
  collect,
  imageCountsByName,
  imageDoc,
  imagesFile,
  readState,
  runCli,
  setFaults,
  spawnCli,
  startLossyProxy,
  until,
  useCloud,
  type CliResult,
  type Cloud,
  type LossyProxy,
  nothingInFlight,
} from '../helpers/e2e.js';

/**
 * Issue 12's end-to-end acceptance: an apply of 200 images survives kill -9 at several moments of its waits, 30 %
 * faults while it waits, and one image that ends `failed` among 199 that do not. Each test asserts what the user
 * sees afterwards (one image per name, everything in state, a clean plan), never how long it took, so it holds
 * whether a waiting create keeps its slot or not.
 *
 * An image takes 0.5 s to become available (time scale 0.5). Where a test must find images still pending at a chosen
 * moment, it freezes the cloud's clock: a pending image then stays pending however slow the machine, until the test
 * moves the clock past its ready time.
 */
const { cloud, space } = useCloud({ timeScale: 0.5 });
const COUNT = 200;
/** More than an image's whole creation (0.15 s queued + 0.35 s importing, at time scale 0.5). */
const PAST_READY_SECONDS = 2;

/** The names imagesFile(prefix, count) gives its documents. */
function namesOf(prefix: string, count: number): string[] {
  return Array.from({ length: count }, (_, i) => `${prefix}-${i}`);
}

/** Show the CLI's own words when an exit code is not the expected one. */
function expectExit(result: CliResult, code: number): void {
  expect({ code: result.code, stderr: result.stderr, tail: result.stdout.slice(-2000) }).toMatchObject({ code });
}

async function expectNoChanges(dir: string, via: Cloud): Promise<void> {
  const plan = await runCli(['plan', '--detailed-exitcode'], { cwd: dir, cloud: via });
  expectExit(plan, 0);
  expect(plan.stdout).toContain('No changes.');
}

async function stateResources(dir: string): Promise<Record<string, any>> {
  return (await readState(dir).catch(() => undefined))?.resources ?? {};
}

async function freezeClock(frozen: boolean): Promise<void> {
  const reply = await cloud.hook('POST', '/clock', { frozen });
  if (reply.status !== 200) throw new Error(`clock: ${JSON.stringify(reply.body)}`);
}

/** The cloud's images of this test: its documents' names and the create keys not yet renamed. */
async function imagesOf(prefix: string): Promise<any[]> {
  return (await cloud.images()).filter(
    (image) => image.name.startsWith(prefix) || image.name.startsWith(CREATE_KEY_PREFIX),
  );
}

/**
 * The image ids state mentions anywhere (an entry's id, or an intent's, however a waiting operation is recorded):
 * the ids it knows of.
 */
function idsIn(resources: Record<string, any> | any): Set<string> {
  return new Set(
    JSON.stringify(resources).match(/r\d{3}-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g),
  );
}

/** Images the cloud holds that state does not know of: neither by id nor by the create key of an intent. */
async function unrecordedImages(dir: string, prefix: string): Promise<string[]> {
  const resources = await stateResources(dir);
  const ids = idsIn(resources);
  const keys = new Set(Object.values(resources).map((entry) => entry.intent?.key));
  return (await imagesOf(prefix))
    .filter((image) => !ids.has(image.id) && !keys.has(image.name))
    .map((image) => `${image.name} (${image.id})`);
}

/** Every document is one available image in the cloud and one settled entry in state; no create key is left. */
async function expectConverged(dir: string, prefix: string, names: string[]): Promise<void> {
  expect(await imageCountsByName(cloud, prefix)).toEqual(new Map(names.map((name) => [name, 1])));
  expect(await imageCountsByName(cloud, CREATE_KEY_PREFIX)).toEqual(new Map());
  const byName = new Map((await imagesOf(prefix)).map((image) => [image.name, image]));
  const resources = await stateResources(dir);
  expect(Object.keys(resources).sort()).toEqual(names.map((name) => `image.${name}`).sort());
  for (const name of names) {
    const entry = resources[`image.${name}`];
    expect(entry.id, `image.${name} records its image`).toBe(byName.get(name).id);
    expect(entry.intent, `image.${name} has no intent left`).toBeUndefined();
    expect(entry.operation, `image.${name} has no operation left`).toBeUndefined();
    expect(entry.attributes.status, `image.${name} is recorded available`).toBe('available');
    expect(byName.get(name).status).toBe('available');
  }
}

type CreateGate = ReturnType<typeof createGate>;

/**
 * Holds image creates back at the proxy, before the cloud sees them: `allow(n)` lets n more through, `open()` all.
 * `drop()` forgets the held ones for good, so a killed process's creates never reach the cloud later.
 */
function createGate(proxy: LossyProxy) {
  let budget = Infinity;
  let passed = 0;
  let held: (() => void)[] = [];
  let dropped = 0;
  const release = (): void => {
    while (held.length && passed < budget) {
      passed++;
      held.shift()!();
    }
  };
  proxy.before = (method, path) => {
    if (method !== 'POST' || path !== '/v1/images') return undefined;
    if (passed < budget) {
      passed++;
      return undefined;
    }
    return new Promise<void>((resolve) => held.push(resolve));
  };
  return {
    /** Creates let through so far. */
    get passed() {
      return passed;
    },
    allow(count: number) {
      budget = passed + count;
      release();
    },
    open() {
      budget = Infinity;
      release();
    },
    drop() {
      dropped += held.length;
      held = [];
    },
    /** Requests the gate keeps (held or dropped): the proxy never forwards them. */
    get kept() {
      return held.length + dropped;
    },
  };
}

/**
 * Every request the proxy forwarded has been answered and the cloud is handling none: a killed apply's last requests
 * have taken effect, so what the cloud holds can be compared with state.
 */
async function quiescent(proxy: LossyProxy, gate: CreateGate): Promise<void> {
  await until(
    async () => proxy.answered.length + gate.kept === proxy.seen.length && (await nothingInFlight(cloud)),
    "the killed apply's requests to finish in the cloud",
  );
}

/** Every create the gate let through has been answered by the cloud: those images exist. */
function createsAnswered(proxy: LossyProxy, gate: CreateGate): boolean {
  return proxy.answered.filter((request) => request === 'POST /v1/images').length === gate.passed;
}

describe('kill -9 during an apply of 200 images', () => {
  it('converges after kills at the first intent, while recorded creates wait, and amid available and pending images', async () => {
    const prefix = 'scale-kill';
    const names = namesOf(prefix, COUNT);
    const proxy = await startLossyProxy(cloud.url);
    const viaProxy = { ...cloud, url: proxy.url };
    const gate = createGate(proxy);
    const dir = await space({ 'images.yaml': imagesFile(prefix, COUNT) }, { via: viaProxy });
    const run = () => {
      const child = spawnCli(['apply', '--auto-approve', '--parallelism', '20'], { cwd: dir, cloud: viaProxy });
      return { child, done: collect(child) };
    };
    const kill = async ({ child, done }: ReturnType<typeof run>): Promise<void> => {
      child.kill('SIGKILL');
      const killed = await done;
      expect(killed.signal, killed.stdout.slice(-2000) + killed.stderr).toBe('SIGKILL');
      gate.drop();
      await quiescent(proxy, gate);
      // Nothing the dead process made is lost: every image is in state, by id or by its intent's create key.
      expect(await unrecordedImages(dir, prefix)).toEqual([]);
    };
    const pendingIds = async (): Promise<Set<string>> =>
      new Set((await imagesOf(prefix)).filter((image) => image.status === 'pending').map((image) => image.id));
    const recordedIds = async (): Promise<Set<string>> => idsIn(await stateResources(dir));

    try {
      await freezeClock(true);

      // 1. As soon as the first create intents are in state (each is written before its create is sent). The gate
      // keeps most creates for later moments, however fast this run sends them.
      gate.allow(20);
      const first = run();
      await until(
        async () => Object.values(await stateResources(dir)).some((entry) => entry.intent?.action === 'create'),
        'the first create intents in state',
        undefined,
        5,
      );
      await kill(first);
      // Time passes between runs: what the dead process created finishes in the cloud.
      await cloud.advanceClock(PAST_READY_SECONDS);

      // 2. Once creates are accepted and recorded by id, their images still pending (the clock stands still).
      const recordedBefore = await recordedIds();
      gate.allow(40);
      const second = run();
      await until(async () => {
        const pending = await pendingIds();
        return [...(await recordedIds())].filter((id) => !recordedBefore.has(id) && pending.has(id)).length >= 10;
      }, 'ten new ids in state whose images are pending');
      await kill(second);
      await cloud.advanceClock(PAST_READY_SECONDS);

      // 3. With images of this run available and recorded, others pending, and the rest not yet sent.
      const passedBefore = gate.passed;
      gate.allow(20);
      const third = run();
      await until(
        async () => gate.passed - passedBefore === 20 && createsAnswered(proxy, gate),
        'twenty creates to reach the cloud',
      );
      const firstBatch = await pendingIds();
      expect(firstBatch.size).toBe(20);
      await cloud.advanceClock(PAST_READY_SECONDS);
      gate.allow(20);
      await until(async () => {
        const resources = Object.values(await stateResources(dir));
        if (!resources.some((entry) => firstBatch.has(entry.id) && entry.attributes?.status === 'available'))
          return false;
        const pending = await pendingIds();
        return [...idsIn(resources)].some((id) => pending.has(id));
      }, 'an image of this run recorded available while another recorded one is pending');
      await kill(third);
      const mixed = await imagesOf(prefix);
      expect(mixed.some((image) => image.status === 'pending')).toBe(true);
      expect(mixed.some((image) => image.status === 'available')).toBe(true);
      expect(mixed.length).toBeLessThan(COUNT);

      // The last apply, with time running again, finishes everything: no twin, all in state, a clean plan.
      await freezeClock(false);
      gate.open();
      const last = await runCli(['apply', '--auto-approve', '--parallelism', '50'], { cwd: dir, cloud: viaProxy });
      expectExit(last, 0);
      expect(last.stdout + last.stderr).toMatch(/stale lock/);
      await expectConverged(dir, prefix, names);
      await expectNoChanges(dir, viaProxy);
    } finally {
      await freezeClock(false);
      gate.open();
      await proxy.stop();
    }
  }, 180_000);
});

describe('faults while 200 creates wait', () => {
  const cases = [
    { what: '30 % of requests failing with 429, 500 or 503', faults: { error_rate: 0.3, statuses: [429, 500, 503] } },
    { what: '30 % of responses lost after the cloud acted', faults: { lost_response_rate: 0.3 } },
  ];
  it.each(cases.map((c, i) => ({ ...c, prefix: `scale-fault${i}`, seed: 120 + i })))(
    'converges with $what, re-run as a user would: no twin, a clean plan',
    async ({ faults, prefix, seed }) => {
      const dir = await space({ 'images.yaml': imagesFile(prefix, COUNT) });
      const apply = () => runCli(['apply', '--auto-approve', '--parallelism', '50'], { cwd: dir, cloud });
      try {
        // The faults start once creates have been accepted and recorded: the clock stands still until then, so
        // the first images are still pending, and their waits meet the faults.
        await freezeClock(true);
        const child = spawnCli(['apply', '--auto-approve', '--parallelism', '50'], { cwd: dir, cloud });
        const done = collect(child);
        await until(async () => idsIn(await stateResources(dir)).size >= 20, 'twenty ids in state');
        const before = (await cloud.hook('GET', '/stats')).body.faults;
        await setFaults(cloud, { ...faults, seed });
        await freezeClock(false);
        const runs: CliResult[] = [await done];
        while (runs.at(-1)!.code === 1 && runs.length < 5) runs.push(await apply());
        const after = (await cloud.hook('GET', '/stats')).body.faults;
        await setFaults(cloud, {});
        expectExit(runs.at(-1)!, 0);
        // The faults really happened, during this test.
        if (faults.error_rate) expect(after.failed - before.failed).toBeGreaterThan(0);
        if (faults.lost_response_rate) expect(after.lost_responses - before.lost_responses).toBeGreaterThan(0);

        await expectConverged(dir, prefix, namesOf(prefix, COUNT));
        await expectNoChanges(dir, cloud);
      } finally {
        await setFaults(cloud, {});
        await freezeClock(false);
      }
    },
    180_000,
  );
});

describe('an image that ends failed while 199 others wait', () => {
  it("fails that resource only, with the cloud's status_reasons; the next plan replaces only it", async () => {
    const prefix = 'scale-fail';
    // The emulator fails an import whose object name contains "corrupt" (its README); this document sorts first,
    // so its create is among the first sent, with or without slots held by waits.
    const failing = `${prefix}-bad-corrupt`;
    const others = namesOf(`${prefix}-ok`, COUNT - 1);
    const proxy = await startLossyProxy(cloud.url);
    const viaProxy = { ...cloud, url: proxy.url };
    const gate = createGate(proxy);
    const dir = await space(
      { 'images.yaml': [failing, ...others].map((name) => imageDoc(name)).join('---\n') },
      { via: viaProxy },
    );
    try {
      // The first twenty creates reach a cloud whose clock stands still; the others are held back.
      await freezeClock(true);
      gate.allow(20);
      const child = spawnCli(['apply', '--auto-approve', '--parallelism', '50'], { cwd: dir, cloud: viaProxy });
      let exited = false;
      let progress = '';
      child.stdout!.on('data', (chunk: Buffer) => (progress += chunk.toString()));
      const done = collect(child).finally(() => (exited = true));
      let budget = 20;
      const failingId = await until(async () => {
        if (!createsAnswered(proxy, gate) || gate.passed < budget) return false;
        const entry = (await stateResources(dir))[`image.${failing}`];
        // Should a scheduler start it later than among the first, twenty more creates until it has started.
        if (!entry) gate.allow((budget += 20) - gate.passed);
        return [...idsIn(entry ?? {})][0];
      }, 'the failing image to be created');
      // Its import ends: it fails. Every image created after this stays pending while the clock stands still.
      await cloud.advanceClock(PAST_READY_SECONDS);
      gate.open();
      // The apply reports the failure while other creates are still waiting for their images.
      await until(async () => {
        const reported = progress.split('\n').some((line) => line.startsWith(`image.${failing}: failed`));
        return reported && (await imagesOf(prefix)).some((image) => image.status === 'pending');
      }, 'the failure reported while other images are pending');
      expect(exited).toBe(false);
      await freezeClock(false);

      const applied = await done;
      expectExit(applied, 1);
      const output = applied.stdout + applied.stderr;
      // Only that resource failed, and its error carries the cloud's status_reasons.
      expect(output).toContain(`Apply failed: 1 of ${COUNT} operations failed.`);
      const reason = 'image_data_corrupted: The image data is corrupted or in an unsupported format';
      expect(output.split('\n').filter((line) => line.includes(reason))).toEqual(
        expect.arrayContaining([expect.stringContaining(`image.${failing}`)]),
      );
      expect(output.split('\n').filter((line) => line.includes(reason) && !line.includes(failing))).toEqual([]);

      // The 199 others are created and recorded; the failed one is recorded as the cloud left it.
      const byName = new Map((await imagesOf(prefix)).map((image) => [image.name, image]));
      expect(await imageCountsByName(cloud, prefix)).toEqual(new Map([failing, ...others].map((name) => [name, 1])));
      expect(await imageCountsByName(cloud, CREATE_KEY_PREFIX)).toEqual(new Map());
      expect(byName.get(failing)).toMatchObject({ id: failingId, status: 'failed' });
      expect(byName.get(failing).status_reasons.map((reason: any) => reason.code)).toEqual(['image_data_corrupted']);
      const resources = await stateResources(dir);
      expect(resources[`image.${failing}`]).toMatchObject({ id: failingId, attributes: { status: 'failed' } });
      for (const name of others) {
        const entry = resources[`image.${name}`];
        expect(entry.id, `image.${name} records its image`).toBe(byName.get(name).id);
        expect(entry.intent, `image.${name} has no intent left`).toBeUndefined();
        expect(entry.attributes.status, `image.${name} is recorded available`).toBe('available');
      }

      // The next plan replaces the failed image, and nothing else.
      const planned = await runCli(['plan', '--json'], { cwd: dir, cloud: viaProxy });
      expectExit(planned, 0);
      const plan = JSON.parse(planned.stdout);
      expect(plan.changes).toHaveLength(1);
      expect(plan.changes[0]).toMatchObject({ address: `image.${failing}`, action: 'replace', id: failingId });
      expect(plan.changes[0].reason).toContain('image_data_corrupted');
      expect(plan.summary).toMatchObject({ add: 0, change: 0, replace: 1, destroy: 0 });
    } finally {
      await freezeClock(false);
      gate.open();
      await proxy.stop();
    }
  }, 180_000);
});
