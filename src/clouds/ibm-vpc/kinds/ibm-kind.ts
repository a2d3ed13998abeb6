import type {
  DriftInput,
  OperationContext,
  PlanResourceInput,
  RemovalInput,
  ResourceKind,
} from '../../../engine/resource-kind.js';
import type { IbmVpcClient } from '../api-types.js';
import type { IbmSnapshot } from '../snapshot.js';

/** The engine's kind interfaces, bound to IBM's snapshot and client. */
export type IbmKind = ResourceKind<IbmSnapshot, IbmVpcClient>;
export type IbmPlanInput = PlanResourceInput<IbmSnapshot>;
export type IbmDriftInput = DriftInput<IbmSnapshot>;
export type IbmRemovalInput = RemovalInput<IbmSnapshot>;
export type IbmContext = OperationContext<IbmVpcClient>;
