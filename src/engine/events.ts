import type { Action, Plan } from '../core/plan-types.js';

/**
 * The engine reports through this host; it never writes to the terminal itself. Commands pick a renderer
 * (ink for terminals, plain lines for CI, JSON) that implements it.
 */
export type EngineEvent =
  | { type: 'refresh-started'; resources: number }
  | { type: 'refresh-finished'; resources: number; requests: number }
  | { type: 'plan-ready'; plan: Plan }
  | { type: 'resource-started'; address: string; action: Action; id?: string }
  | { type: 'resource-progress'; address: string; message: string; fraction?: number }
  | { type: 'resource-finished'; address: string; action: Action; id?: string; elapsedMs: number }
  | { type: 'resource-failed'; address: string; action: Action; message: string; elapsedMs: number }
  | { type: 'notice'; level: 'info' | 'warning'; message: string }
  | { type: 'apply-finished'; counts: ApplyCounts; failed: number; operation?: 'apply' | 'destroy' };

export interface ApplyCounts {
  added: number;
  changed: number;
  replaced: number;
  destroyed: number;
  forgotten: number;
  /** Objects a cut-off apply left unfinished, waited for until done. */
  awaited: number;
}

export interface EngineHost {
  notify(event: EngineEvent): void;
  /** Ask a yes/no question; resolves to `defaultAnswer` when nobody can answer. Only "yes" means yes. */
  confirm(question: string, defaultAnswer: false): Promise<boolean>;
}
