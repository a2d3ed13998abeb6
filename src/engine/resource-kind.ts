import type { ResourceDocument, Kind } from '../config/model.js';
import type { Diagnostic } from '../core/diagnostic.js';
import type { Action, FieldChange } from '../core/plan-types.js';
import type { CloudSnapshot } from '../clouds/ibm-vpc/snapshot.js';
import type { CloudImage, Provider } from '../clouds/ibm-vpc/api-types.js';
import type { ResourceState } from '../state/state.js';

/** What planning one resource decided. `action: 'none'` resources are left out of the plan's changes. */
export interface PlannedResource {
  address: string;
  kind: Kind;
  action: Action | 'none';
  fields: FieldChange[];
  status?: { before: string | null; after: string };
  reason?: string;
  /** The cloud object acted on (absent for a create). */
  id?: string;
  /** Values dependents may reference; a missing key or UNKNOWN means known after apply. */
  attributes: Record<string, unknown>;
  /** Drift: fields of the managed object changed outside imageform since the last apply. */
  drift?: { fields: FieldChange[]; gone?: boolean };
  diagnostics: Diagnostic[];
  /** For images: the dates the image will have after this plan (for cross-resource rules). */
  effectiveDates?: { deprecation_at?: string | null; obsolescence_at?: string | null };
  /** For kinds that act on an image: the image's id, when known. */
  imageId?: string;
  notes?: string[];
}

/** Inputs of the pure planner for one resource that has a document. */
export interface PlanResourceInput {
  document: ResourceDocument;
  /** The spec with references resolved; UNKNOWN where only apply will tell. */
  spec: Record<string, unknown>;
  /** The state entry, with an adopted intent's id filled in. */
  entry: ResourceState | undefined;
  snapshot: CloudSnapshot;
  now: Date;
}

/** Inputs of the pure drift check for a resource in state (with or without a document). */
export interface DriftInput {
  address: string;
  entry: ResourceState;
  snapshot: CloudSnapshot;
  /** Fields of this cloud object that another managed resource changes (image_deprecate owns deprecation_at). */
  ownedElsewhere: ReadonlySet<string>;
}

/** What apply hands a kind to carry out one operation. */
export interface OperationContext {
  address: string;
  provider: Provider;
  /** Spec with references resolved against the results of earlier operations (undefined for deletes). */
  spec?: Record<string, unknown>;
  document?: ResourceDocument;
  entry?: ResourceState;
  /** Record progress (state is written after each call). */
  record(entry: ResourceState | undefined): Promise<void>;
  /** Record what this operation did to a managed image's cloud object (a deprecation, or its revert). */
  recordImage(image: CloudImage): Promise<void>;
  progress(message: string, fraction?: number): void;
  /** Addresses being deleted or replaced in the same apply (a revert on an image about to go is skipped). */
  deleting: ReadonlySet<string>;
  timeouts: { createMs: number; deleteMs: number; exportMs: number };
}

export interface KindHandler {
  kind: Kind;
  plan(input: PlanResourceInput): PlannedResource;
  drift(input: DriftInput): { fields: FieldChange[]; gone?: boolean } | undefined;
  /** Attributes a dependent may reference when nothing changes (from state and the snapshot). */
  create(context: OperationContext): Promise<void>;
  update(context: OperationContext): Promise<void>;
  /** Wait for an unfinished object (action `await`) and fail if it ends `failed`; kinds that never plan it omit it. */
  await?(context: OperationContext): Promise<void>;
  /** Delete from the cloud (or revert); the entry is removed from state by the caller. */
  delete(context: OperationContext): Promise<void>;
  /** Rename to a temporary name before the update that gives the final one (a swap of unique names). */
  renameAside?(context: OperationContext, name: string): Promise<void>;
}
