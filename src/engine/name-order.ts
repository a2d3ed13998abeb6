import { createHash } from 'node:crypto';
import type { StateDocument } from '../state/state.js';
import type { ResourceChange } from '../core/plan-types.js';
import { entryProvider, kindOf, type World } from './world.js';

/**
 * Where a kind's cloud names are unique (its nameScope: images per account and region, export jobs per image), a name must be
 * freed before it is taken: the rename that frees a name runs before the rename or create that takes it. Renames that
 * trade names in a ring (a swap) cannot be ordered; one of them first moves aside to a temporary name. Deletes need
 * no edge here: every removal finishes before the first create or update starts.
 */
export interface NameOrder {
  /** Address -> the step that must finish first: the rename freeing the name it takes (an address or asideStep()). */
  after: Map<string, string>;
  /** Renames that first move to a temporary name to break a ring: address -> the temporary name. */
  aside: Map<string, string>;
  /** For the plan: each ring and how it is broken. */
  notes: string[];
}

interface NameUse {
  address: string;
  /** Where the name must be unique: `image`, or the export jobs of one image. */
  scope: string;
  takes?: string;
  frees?: string;
  id?: string;
}

/** The key of the extra step that moves `address` aside before the rest of its ring is renamed. */
export function asideStep(address: string): string {
  return `${address} (temporary name)`;
}

/** A temporary name for the object `id`: valid for images and export jobs, unique, and the same at plan and apply. */
export function temporaryName(id: string): string {
  return `imageform-swap-${createHash('sha256').update(id).digest('hex').slice(0, 12)}`;
}

function nameUse(change: ResourceChange, state: StateDocument, world: World): NameUse | undefined {
  const entry = state.resources[change.address];
  const provider = change.provider ?? (entry ? entryProvider(world, entry) : [...world.keys()][0]);
  const kind = provider === undefined ? undefined : kindOf(world, provider, change.kind);
  const kindScope = kind?.nameScope?.(change, entry);
  if (kindScope === undefined) return undefined;
  const scope = `${provider}: ${kindScope}`;
  const field = change.fields.find((f) => f.path === 'name');
  const takes = typeof field?.after === 'string' && !field.known_after_apply ? field.after : undefined;
  // Only a rename frees a name while creates and updates run; a replace's old object is gone before they start.
  const frees = change.action === 'update' && typeof field?.before === 'string' ? field.before : undefined;
  if (takes === undefined && frees === undefined) return undefined;
  return {
    address: change.address,
    scope,
    ...(takes !== undefined ? { takes } : {}),
    ...(frees !== undefined ? { frees } : {}),
    ...(change.id ? { id: change.id } : {}),
  };
}

function nameUses(changes: readonly ResourceChange[], state: StateDocument, world: World): NameUse[] {
  return changes.map((change) => nameUse(change, state, world)).filter((use): use is NameUse => use !== undefined);
}

/** Address -> the address whose rename frees the name it takes (what `--target` must bring along too). */
export function nameDependencies(
  changes: readonly ResourceChange[],
  state: StateDocument,
  world: World,
): Map<string, string> {
  return waitsFor(nameUses(changes, state, world));
}

function waitsFor(uses: readonly NameUse[]): Map<string, string> {
  const freedBy = new Map<string, NameUse>();
  for (const use of uses) if (use.frees !== undefined) freedBy.set(`${use.scope}\n${use.frees}`, use);
  const after = new Map<string, string>();
  for (const use of uses) {
    const freer = use.takes !== undefined ? freedBy.get(`${use.scope}\n${use.takes}`) : undefined;
    if (freer && freer.address !== use.address) after.set(use.address, freer.address);
  }
  return after;
}

export function nameOrder(changes: readonly ResourceChange[], state: StateDocument, world: World): NameOrder {
  const uses = nameUses(changes, state, world);
  const after = waitsFor(uses);

  // Each use waits on at most one other, so a ring is found by following `after` back to where it started.
  const aside = new Map<string, string>();
  const notes: string[] = [];
  const seen = new Set<string>();
  for (const start of [...after.keys()].sort()) {
    const path: string[] = [];
    let at: string | undefined = start;
    while (at !== undefined && !seen.has(at) && !path.includes(at)) {
      path.push(at);
      at = after.get(at);
    }
    for (const address of path) seen.add(address);
    if (at === undefined || !path.includes(at)) continue;
    const ring = path.slice(path.indexOf(at)).sort();
    const first = ring[0]!;
    const id = uses.find((use) => use.address === first)?.id;
    if (!id) continue;
    const name = temporaryName(id);
    aside.set(first, name);
    // Whoever takes first's old name now waits only for first to move aside.
    for (const [address, freer] of after)
      if (freer === first && ring.includes(address)) after.set(address, asideStep(first));
    const others = ring.slice(1);
    notes.push(
      `${ring.length === 2 ? `${first} and ${others[0]} swap names` : `${ring.join(', ')} trade names in a ring`}: ` +
        `${first} is first renamed to the temporary name "${name}", then each takes its new name`,
    );
  }
  return { after, aside, notes };
}
