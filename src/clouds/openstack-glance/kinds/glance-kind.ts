import type {
  DriftInput,
  OperationContext,
  PlanResourceInput,
  RemovalInput,
  ResourceKind,
} from '../../../engine/resource-kind.js';
import type { GlanceApi } from '../glance-api.js';
import type { GlanceSnapshot } from '../snapshot.js';

/** The engine's kind interfaces, bound to Glance's snapshot and client. */
export type GlanceKind = ResourceKind<GlanceSnapshot, GlanceApi>;
export type GlancePlanInput = PlanResourceInput<GlanceSnapshot>;
export type GlanceDriftInput = DriftInput<GlanceSnapshot>;
export type GlanceRemovalInput = RemovalInput<GlanceSnapshot>;
export type GlanceContext = OperationContext<GlanceApi>;
