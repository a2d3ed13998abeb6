import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ResourceDocument } from '../../../src/core/document.js';
import { isUnknown } from '../../../src/core/unknown.js';
import { applyPlan } from '../../../src/engine/apply.js';
import type { Cloud, CloudClient } from '../../../src/engine/cloud.js';
import type { EngineEvent, EngineHost } from '../../../src/engine/events.js';
import { makePlan } from '../../../src/engine/plan.js';
import type { KindPlan, ResourceKind } from '../../../src/engine/resource-kind.js';
import type { CloudSnapshot } from '../../../src/engine/snapshot.js';
import type { ApplyWorld } from '../../../src/engine/world.js';
import { LocalStateBackend } from '../../../src/state/local.js';
import type { StateBackend } from '../../../src/state/state.js';

/**
 * The proof that a cloud plugs in without touching the engine (issue 11): a minimal cloud, declared here through the
 * `Cloud` and `ResourceKind` interfaces only, with two kinds and an in-memory client, is planned, applied, drifted and
 * destroyed by the unchanged engine, with the real local state backend.
 */
interface Disk {
  id: string;
  name: string;
  size: number;
}

interface Label {
  id: string;
  disk: string;
  text: string;
}

/** The "remote" cloud: objects in memory, a clock, and a request counter. */
class MemoryClient implements CloudClient {
  readonly disks = new Map<string, Disk>();
  readonly labels = new Map<string, Label>();
  requestCount = 0;
  private next = 0;

  async now(): Promise<Date> {
    this.requestCount++;
    return new Date('2031-01-01T00:00:00Z');
  }

  newId(prefix: string): string {
    this.requestCount++;
    return `${prefix}-${++this.next}`;
  }

  async close(): Promise<void> {}
}

interface MemorySnapshot extends CloudSnapshot {
  disks: Map<string, Disk>;
  labels: Map<string, Label>;
}

type MemoryKind = ResourceKind<MemorySnapshot, MemoryClient>;

const diskKind: MemoryKind = {
  kind: 'disk',
  description: 'A disk',
  specSchema: { type: 'object' },
  fields: { name: { effect: 'update' }, size: { effect: 'replace' } },
  referenceAttributes: ['id', 'name', 'size'],
  named: true,
  plan({ document, spec, entry, snapshot }): KindPlan {
    const actual = entry?.id ? snapshot.disks.get(entry.id) : undefined;
    const name = typeof spec.name === 'string' ? spec.name : document.name;
    const size = Number(spec.size);
    if (!actual)
      return {
        exists: false,
        fields: [
          { path: 'name', before: null, after: name },
          { path: 'size', before: null, after: size },
        ],
        attributes: { name, size },
        diagnostics: [],
      };
    const fields = [];
    if (actual.name !== name) fields.push({ path: 'name', before: actual.name, after: name });
    if (actual.size !== size) fields.push({ path: 'size', before: actual.size, after: size });
    // A replacement gets a new id: dependents learn it only after apply.
    const attributes = actual.size === size ? { ...actual } : { name, size };
    return { exists: true, fields, id: actual.id, attributes, diagnostics: [] };
  },
  drift({ entry, snapshot }) {
    const actual = entry.id ? snapshot.disks.get(entry.id) : undefined;
    if (!actual) return { fields: [], gone: true };
    if (actual.name === entry.attributes.name) return undefined;
    return { fields: [{ path: 'name', before: entry.attributes.name, after: actual.name }] };
  },
  async create(context) {
    const spec = context.spec!;
    const disk = {
      id: context.client.newId('disk'),
      name: typeof spec.name === 'string' ? spec.name : context.document!.name,
      size: Number(spec.size),
    };
    context.client.disks.set(disk.id, disk);
    // What a poller says at every sweep, most of the time the same thing.
    for (const [message, fraction] of [
      ['formatting'],
      ['formatting'],
      ['formatting', 0.5],
      ['formatting', 0.5],
    ] as const)
      context.progress(message, fraction);
    await context.record({
      kind: 'disk',
      id: disk.id,
      attributes: { ...disk },
      dependencies: [],
      lifecycle: { prevent_destroy: false, deletion_policy: 'delete' },
    });
  },
  async update(context) {
    const disk = context.client.disks.get(context.entry!.id!)!;
    disk.name = String(context.spec!.name ?? context.document!.name);
    await context.record({ ...context.entry!, attributes: { ...disk } });
  },
  async delete(context) {
    context.client.requestCount++;
    context.client.disks.delete(context.entry!.id!);
  },
};

const labelKind: MemoryKind = {
  kind: 'label',
  description: 'A label on a disk',
  specSchema: { type: 'object' },
  fields: { disk: { effect: 'replace', imageReference: true }, text: { effect: 'update' } },
  referenceAttributes: ['id'],
  plan({ spec, entry, snapshot }): KindPlan {
    const actual = entry?.id ? snapshot.labels.get(entry.id) : undefined;
    const disk = isUnknown(spec.disk) ? '(known after apply)' : String(spec.disk);
    if (!actual)
      return {
        exists: false,
        fields: [
          { path: 'disk', before: null, after: disk, ...(isUnknown(spec.disk) ? { known_after_apply: true } : {}) },
        ],
        attributes: {},
        diagnostics: [],
      };
    const fields = [];
    if (actual.disk !== disk)
      fields.push({
        path: 'disk',
        before: actual.disk,
        after: disk,
        ...(isUnknown(spec.disk) ? { known_after_apply: true } : {}),
      });
    if (actual.text !== spec.text) fields.push({ path: 'text', before: actual.text, after: spec.text });
    return { exists: true, fields, id: actual.id, attributes: { ...actual }, diagnostics: [] };
  },
  drift: () => undefined,
  async create(context) {
    const label = {
      id: context.client.newId('label'),
      disk: String(context.spec!.disk),
      text: String(context.spec!.text),
    };
    context.client.labels.set(label.id, label);
    await context.record({
      kind: 'label',
      id: label.id,
      attributes: { ...label },
      dependencies: [],
      lifecycle: { prevent_destroy: false, deletion_policy: 'delete' },
    });
  },
  async update(context) {
    const label = context.client.labels.get(context.entry!.id!)!;
    label.text = String(context.spec!.text);
    await context.record({ ...context.entry!, attributes: { ...label } });
  },
  async delete(context) {
    context.client.requestCount++;
    context.client.labels.delete(context.entry!.id!);
  },
};

const memoryCloud: Cloud<MemoryClient, MemorySnapshot> = {
  type: 'memory',
  kinds: [diskKind, labelKind],
  settingsSchema: { type: 'object' },
  literalImageId: { pattern: '^disk-', example: 'disk-1' },
  open: async () => new MemoryClient(),
  openEmbedded: async () => new MemoryClient(),
  startEmulator: async () => {
    throw new Error('the memory cloud has no emulator: its client is the cloud');
  },
  async refresh(client) {
    client.requestCount++;
    return {
      now: await client.now(),
      adoptedIntents: new Map(),
      requests: 1,
      disks: new Map([...client.disks].map(([id, disk]) => [id, { ...disk }])),
      labels: new Map([...client.labels].map(([id, label]) => [id, { ...label }])),
    };
  },
};

function document(kind: string, name: string, spec: Record<string, unknown>): ResourceDocument {
  const location = { file: 'lab.yaml', line: 1, col: 1 };
  return {
    kind,
    name,
    address: `${kind}.${name}`,
    provider: 'lab',
    spec,
    lifecycle: { prevent_destroy: false, ignore_changes: [], deletion_policy: 'delete' },
    location,
    locate: () => location,
  };
}

const host: EngineHost & { events: EngineEvent[] } = {
  events: [],
  notify(event) {
    this.events.push(event);
  },
  confirm: async () => false,
};

describe('a second cloud through the Cloud and ResourceKind interfaces', () => {
  let dir: string;
  let backend: StateBackend;
  const client = new MemoryClient();

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'imageform-second-cloud-'));
    backend = new LocalStateBackend(dir);
  });

  afterEach(async () => {
    await backend.close();
    await rm(dir, { recursive: true, force: true });
  });

  async function world(): Promise<ApplyWorld> {
    const snapshot = await memoryCloud.refresh(client, { entries: {}, documents: [], concurrency: 1 });
    return new Map([['lab', { cloud: memoryCloud, client, snapshot }]]);
  }

  async function planAndApply(documents: ResourceDocument[]) {
    const state = await backend.read();
    const seen = await world();
    const result = makePlan(documents, state, seen);
    expect(result.diagnostics).toEqual([]);
    const applied = await applyPlan(result, { world: seen, backend, state, host, parallelism: 4 });
    return { result, applied };
  }

  it('plans, applies, detects drift and destroys with the engine unchanged', async () => {
    const files = [
      document('disk', 'data', { name: 'data-1', size: 10 }),
      document('label', 'owner', { disk: '${disk.data.id}', text: 'team-a' }),
    ];

    const first = await planAndApply(files);
    expect(first.result.plan.summary).toEqual({ add: 2, change: 0, replace: 0, destroy: 0 });
    const label = first.result.plan.changes.find((change) => change.address === 'label.owner')!;
    expect(label.fields).toEqual([
      { path: 'disk', before: null, after: '(known after apply)', known_after_apply: true },
    ]);
    expect(first.applied.failures).toEqual([]);
    expect(first.applied.counts.added).toBe(2);
    // The view hears of a progress once per change of what it says.
    expect(host.events.filter((event) => event.type === 'resource-progress' && event.address === 'disk.data')).toEqual([
      { type: 'resource-progress', address: 'disk.data', message: 'formatting' },
      { type: 'resource-progress', address: 'disk.data', message: 'formatting', fraction: 0.5 },
    ]);
    const [disk] = [...client.disks.values()];
    expect(client.labels.size).toBe(1);
    expect([...client.labels.values()][0]!.disk).toBe(disk!.id);
    const stored = await backend.read();
    expect(stored.resources['disk.data']).toMatchObject({ kind: 'disk', provider: 'lab', id: disk!.id });

    // Nothing to do: the same files against what the cloud now holds.
    expect(makePlan(files, stored, await world()).plan.changes).toEqual([]);

    // The engine derives the action from the kind's field facts: size replaces, text updates in place.
    const changed = makePlan(
      [
        document('disk', 'data', { name: 'data-1', size: 20 }),
        document('label', 'owner', { disk: '${disk.data.id}', text: 'team-b' }),
      ],
      stored,
      await world(),
    ).plan;
    expect(changed.changes.map((change) => [change.address, change.action])).toEqual([
      ['disk.data', 'replace'],
      ['label.owner', 'replace'],
    ]);
    expect(changed.changes[0]!.fields).toEqual([{ path: 'size', before: 10, after: 20, forces_replacement: true }]);
    const retext = makePlan(
      [files[0]!, document('label', 'owner', { disk: '${disk.data.id}', text: 'team-b' })],
      stored,
      await world(),
    ).plan;
    expect(retext.changes.map((change) => [change.address, change.action])).toEqual([['label.owner', 'update']]);

    // A hand edit in the cloud is drift.
    disk!.name = 'renamed-by-hand';
    const drifted = makePlan(files, stored, await world()).plan;
    expect(drifted.drift).toEqual([
      { address: 'disk.data', fields: [{ path: 'name', before: 'data-1', after: 'renamed-by-hand' }] },
    ]);
    const fixed = await planAndApply(files);
    expect(fixed.result.plan.changes.map((change) => [change.address, change.action])).toEqual([
      ['disk.data', 'update'],
    ]);
    expect(disk!.name).toBe('data-1');

    // Without documents, everything in state is deleted, the label before its disk.
    const destroyed = await planAndApply([]);
    expect(destroyed.result.plan.summary).toEqual({ add: 0, change: 0, replace: 0, destroy: 2 });
    expect(destroyed.applied.counts.destroyed).toBe(2);
    expect(client.disks.size + client.labels.size).toBe(0);
    expect((await backend.read()).resources).toEqual({});
  });
});
