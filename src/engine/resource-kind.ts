import type { Diagnostic } from '../core/diagnostic.js';
import type { ResourceDocument } from '../core/document.js';
import type { KindDeclaration } from '../core/kind-declaration.js';
import type { Action, FieldChange } from '../core/plan-types.js';
import type { ResourceState, StateDocument } from '../state/state.js';
import type { CloudSnapshot } from './snapshot.js';

/**
 * A resource kind as the engine sees it (DESIGN.md §7): its declaration (schema and field facts), how to plan and
 * check drift purely from a snapshot, and how to carry out each operation with its cloud's client. Optional
 * capabilities are optional members; the engine never asks which cloud a kind belongs to.
 */

/** What a kind's plan found; the engine derives the action from it (the worst field decides, impact.ts). */
export interface KindPlan {
  /** The object (or, for a status action, its effect) exists in the cloud: absent means create. */
  exists: boolean;
  fields: FieldChange[];
  /** The object must be replaced whatever its fields say (it ended failed, it is being deleted). */
  replaceReason?: string;
  /** The object has not finished (a create a cut-off apply left pending): awaited when nothing else is to do. */
  unfinished?: string;
  /** Why, for a create or update (e.g. "could no longer be read (404)"). */
  reason?: string;
  status?: { before: string | null; after: string };
  /** The cloud object acted on (absent for a create). */
  id?: string;
  /** Values dependents may reference; a missing key or UNKNOWN means known after apply. */
  attributes: Record<string, unknown>;
  diagnostics: Diagnostic[];
  notes?: string[];
  /** For images: the dates the image will have after this plan (for cross-resource rules). */
  effectiveDates?: { deprecation_at?: string | null; obsolescence_at?: string | null };
  /** For kinds that act on an image: the image's id, when known. */
  imageId?: string;
}

/** What planning one resource decided. `action: 'none'` resources are left out of the plan's changes. */
export interface PlannedResource extends Omit<KindPlan, 'exists' | 'replaceReason' | 'unfinished'> {
  address: string;
  kind: string;
  /** The provider (a name from the settings) the resource belongs to. */
  provider: string;
  action: Action | 'none';
  /** Drift: fields of the managed object changed outside imageform since the last apply. */
  drift?: { fields: FieldChange[]; gone?: boolean };
}

/** Inputs of the pure planner for one resource that has a document. */
export interface PlanResourceInput<S extends CloudSnapshot = CloudSnapshot> {
  document: ResourceDocument;
  /** The spec with references resolved; UNKNOWN where only apply will tell. */
  spec: Record<string, unknown>;
  /** The state entry (undefined when there is none, or it is held under another provider). */
  entry: ResourceState | undefined;
  snapshot: S;
  now: Date;
}

/** Inputs of the pure drift check for a resource in state (with or without a document). */
export interface DriftInput<S extends CloudSnapshot = CloudSnapshot> {
  address: string;
  entry: ResourceState;
  snapshot: S;
  /** Fields of this cloud object that another managed resource changes (image_deprecate owns deprecation_at). */
  ownedElsewhere: ReadonlySet<string>;
}

export interface DriftFound {
  fields: FieldChange[];
  gone?: boolean;
  /** Passed dates its cloud leaves to imageform, not enacted yet (DESIGN.md §8.4). */
  due?: { path: string; at: string }[];
}

/** A resource planned for removal, for kinds whose removal changes another object (a revert of a status). */
export interface RemovalInput<S extends CloudSnapshot = CloudSnapshot> {
  result: PlannedResource;
  entry: ResourceState;
  planned: ReadonlyMap<string, PlannedResource>;
  snapshot: S;
}

/** What apply hands a kind to carry out one operation. */
export interface OperationContext<C = unknown> {
  address: string;
  /** The client of the resource's provider. */
  client: C;
  /** Spec with references resolved against the results of earlier operations (undefined for deletes). */
  spec?: Record<string, unknown>;
  document?: ResourceDocument;
  entry?: ResourceState;
  /** Record progress (state is written after each call). */
  record(entry: ResourceState | undefined): Promise<void>;
  /** Record what this operation did to another managed object of the same provider (a status action's image). */
  recordOther(kind: string, id: string, update: (entry: ResourceState) => ResourceState): Promise<void>;
  progress(message: string, fraction?: number): void;
  /**
   * Wait for the cloud without holding a `--parallelism` slot (DESIGN.md §9): the slot goes to another operation
   * meanwhile, and is taken back before this one goes on. Waits that only read the cloud go through here, with the
   * kind's own poller (engine/sweep-poller.ts) reading every waiting object in a few requests. `final`: the
   * operation sends no request after this wait (it only records what it found), so it takes no slot again and its
   * records are not held up by operations the cloud is slow to answer.
   */
  idle<T>(wait: () => Promise<T>, options?: { final?: boolean }): Promise<T>;
  /** Addresses being deleted or replaced in the same apply (a revert on an image about to go is skipped). */
  deleting: ReadonlySet<string>;
  timeouts: { createMs: number; deleteMs: number; exportMs: number };
}

export interface ResourceKind<S extends CloudSnapshot = CloudSnapshot, C = unknown> extends KindDeclaration {
  plan(input: PlanResourceInput<S>): KindPlan;
  drift(input: DriftInput<S>): DriftFound | undefined;
  create(context: OperationContext<C>): Promise<void>;
  update(context: OperationContext<C>): Promise<void>;
  /** Delete from the cloud (or revert); the entry is removed from state by the caller. */
  delete(context: OperationContext<C>): Promise<void>;
  /** Wait for an unfinished object (action `await`) and fail if it ends failed; kinds that never plan it omit it. */
  await?(context: OperationContext<C>): Promise<void>;
  /** Rename to a temporary name before the update that gives the final one (a swap of unique names). */
  renameAside?(context: OperationContext<C>, name: string): Promise<void>;
  /** Where this kind's cloud names must be unique (e.g. "image", "export jobs of IMAGE"); absent: not unique. */
  nameScope?(change: { fields: readonly FieldChange[] }, entry: ResourceState | undefined): string | undefined;
  /** Predict what removing it does beyond itself (a revert's status change). */
  planRemoval?(input: RemovalInput<S>): void;
  /**
   * Bring an entry up to what the refresh saw before apply acts (an adopted intent's id, current attributes, an
   * interrupted rename that went through); true when it changed the entry, which it edits in place.
   */
  refreshEntry?(entry: ResourceState, snapshot: S, address: string, document: ResourceDocument | undefined): boolean;
  /** Whether the entry's object still exists in the snapshot (to settle a recorded delete or update). */
  objectExists?(entry: ResourceState, snapshot: S): boolean;
  /** Read an existing object for `imageform import ADDR ID`. */
  importObject?(client: C, id: string, address: string): Promise<Pick<ResourceState, 'id' | 'attributes'>>;
}

/** The state each kind reads, with nothing of another provider. */
export type ProviderState = Pick<StateDocument, 'resources'>;
