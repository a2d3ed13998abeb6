import type { ApplyCounts, EngineEvent } from '../engine/events.js';
import type { Action } from '../core/plan-types.js';
import { oneLine } from './safe-text.js';

/** What every apply renderer tracks per resource; the ink view and the plain lines read the same value. */
export interface ResourceRowState {
  address: string;
  action: Action;
  id?: string;
  /** Clock time the resource started, for the live elapsed time. */
  startedAt: number;
  status: 'running' | 'done' | 'failed';
  /** Latest progress message from the engine ("exporting", "waiting for available"). */
  message?: string;
  /** 0..1 for operations that report it (export jobs). */
  fraction?: number;
  elapsedMs?: number;
  error?: string;
}

export interface ApplyOutcome {
  counts: ApplyCounts;
  failed: number;
  /** Operations planned (or attempted, when no plan was seen). */
  total: number;
  errors: { address: string; message: string }[];
  operation?: 'apply' | 'destroy';
}

export interface ApplyState {
  /**
   * One per resource, in the order they started. The states that follow one another share this array and the
   * reducer updates it in place (a row itself is replaced, never changed): an apply of 1,000 images sends thousands
   * of events, and copying every row at each of them made the views quadratic. Only the latest state is read.
   */
  rows: ResourceRowState[];
  /** Where each address's row is in `rows`, so an event costs O(1) lookups rather than a scan of every row. */
  positions: Map<string, number>;
  /** Number of changes in the plan, when one was announced. */
  planned?: number;
  outcome?: ApplyOutcome;
}

export function emptyApplyState(): ApplyState {
  return { rows: [], positions: new Map() };
}

/** The position of an address's row in this state, or -1. */
function positionOf(state: ApplyState, address: string): number {
  const position = state.positions.get(address);
  return position !== undefined && state.rows[position]?.address === address ? position : -1;
}

/** The row of an address in this state. */
export function findRow(state: ApplyState, address: string): ResourceRowState | undefined {
  const position = positionOf(state, address);
  return position < 0 ? undefined : state.rows[position];
}

/** The state with `row` added last (a restarted address moves to the end, as it starts again). */
function withRowAppended(state: ApplyState, row: ResourceRowState): ApplyState {
  if (positionOf(state, row.address) < 0) {
    state.positions.set(row.address, state.rows.length);
    state.rows.push(row);
    return { ...state };
  }
  // Rare (a replace starts twice): the rows after it move up one.
  const rows = [...state.rows.filter((existing) => existing.address !== row.address), row];
  return { ...state, rows, positions: new Map(rows.map((existing, index) => [existing.address, index])) };
}

/** Folds one event into the state; returns a new value (sharing its rows), so React sees the change. */
export function reduceApply(state: ApplyState, event: EngineEvent, now: number): ApplyState {
  switch (event.type) {
    case 'plan-ready':
      return { ...state, planned: event.plan.changes.length };
    case 'resource-started': {
      // A replace starts twice (its delete, then its create): the time counts from the first start.
      const earlier = findRow(state, event.address);
      const startedAt = earlier?.status === 'running' ? earlier.startedAt : now;
      const row: ResourceRowState = { address: event.address, action: event.action, startedAt, status: 'running' };
      if (event.id) row.id = event.id;
      return withRowAppended(state, row);
    }
    case 'resource-progress':
      return updateRow(state, event.address, (row) => ({
        ...row,
        message: oneLine(event.message),
        ...(event.fraction !== undefined ? { fraction: event.fraction } : {}),
      }));
    case 'resource-finished':
      return updateRow(
        state,
        event.address,
        (row) => ({
          ...row,
          status: 'done',
          elapsedMs: event.elapsedMs,
          ...(event.id ? { id: event.id } : {}),
        }),
        { action: event.action, now },
      );
    case 'resource-failed':
      return updateRow(
        state,
        event.address,
        (row) => ({
          ...row,
          status: 'failed',
          elapsedMs: event.elapsedMs,
          error: oneLine(event.message),
        }),
        { action: event.action, now },
      );
    case 'apply-finished': {
      const succeeded = Object.values(event.counts).reduce((sum, count) => sum + count, 0);
      const errors = state.rows
        .filter((row) => row.status === 'failed')
        .map((row) => ({ address: row.address, message: row.error ?? 'failed' }));
      const total = Math.max(state.planned ?? 0, succeeded + event.failed);
      return {
        ...state,
        outcome: {
          counts: event.counts,
          failed: event.failed,
          total,
          errors,
          ...(event.operation ? { operation: event.operation } : {}),
        },
      };
    }
    default:
      return state;
  }
}

function updateRow(
  state: ApplyState,
  address: string,
  change: (row: ResourceRowState) => ResourceRowState,
  // A finish without a start (the engine may skip "started" for instant work) still gets a row.
  create?: { action: Action; now: number },
): ApplyState {
  const index = positionOf(state, address);
  if (index < 0) {
    if (!create) return state;
    const row: ResourceRowState = { address, action: create.action, startedAt: create.now, status: 'running' };
    return withRowAppended(state, change(row));
  }
  state.rows[index] = change(state.rows[index]!);
  return { ...state };
}
