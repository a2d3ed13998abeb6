import { EmulatorProblem, fieldProblem } from './problem.js';
import { seededRandom } from './prng.js';
import { requireObject } from './request-body.js';

/** Fault injection for requests to the cloud's API (DESIGN.md §6), repeatable from a seed. */
export interface FaultSettings {
  error_rate: number;
  /** HTTP statuses to fail with; 0 resets the connection instead. */
  statuses: number[];
  latency_ms: number;
  seed: number;
  lost_response_rate: number;
}

export type FaultDecision = { latencyMs: number } & (
  { kind: 'none' } | { kind: 'fail'; status: number } | { kind: 'lose-response' }
);

export const noFaults: FaultSettings = {
  error_rate: 0,
  statuses: [500],
  latency_ms: 0,
  seed: 0,
  lost_response_rate: 0,
};

function rate(body: Record<string, unknown>, field: string): number {
  const value = body[field] ?? 0;
  if (typeof value !== 'number' || !(value >= 0 && value <= 1)) {
    throw fieldProblem('invalid-value', field, `${field} must be a number from 0 to 1`, value);
  }
  return value;
}

export function parseFaultSettings(input: unknown): FaultSettings {
  const body = requireObject(input);
  const known = new Set(Object.keys(noFaults));
  for (const key of Object.keys(body)) {
    if (!known.has(key))
      throw fieldProblem('unknown-field', key, `Unknown fault setting ${key} (known: ${[...known].join(', ')})`);
  }
  const statuses = body.statuses ?? noFaults.statuses;
  if (
    !Array.isArray(statuses) ||
    statuses.length === 0 ||
    !statuses.every((s) => s === 0 || (Number.isInteger(s) && s >= 400 && s <= 599))
  ) {
    throw fieldProblem(
      'invalid-value',
      'statuses',
      'statuses must be a non-empty list of HTTP error statuses (400-599), or 0 for a reset connection',
      statuses,
    );
  }
  const latency = body.latency_ms ?? 0;
  if (typeof latency !== 'number' || !(latency >= 0 && latency <= 60_000)) {
    throw fieldProblem('invalid-value', 'latency_ms', 'latency_ms must be a number from 0 to 60000', latency);
  }
  const seed = body.seed ?? 0;
  if (typeof seed !== 'number' || !Number.isInteger(seed))
    throw fieldProblem('invalid-value', 'seed', 'seed must be an integer', seed);
  return {
    error_rate: rate(body, 'error_rate'),
    statuses: statuses as number[],
    latency_ms: latency,
    seed,
    lost_response_rate: rate(body, 'lost_response_rate'),
  };
}

export class FaultInjector {
  settings: FaultSettings = noFaults;
  readonly counts = { failed: 0, reset: 0, lost_responses: 0 };
  private random = seededRandom(0);

  configure(settings: FaultSettings): void {
    this.settings = settings;
    this.random = seededRandom(settings.seed);
  }

  /** Three draws per request whatever the outcome, so the sequence of decisions depends only on the seed. */
  decide(): FaultDecision {
    const { error_rate, statuses, latency_ms, lost_response_rate } = this.settings;
    const failDraw = this.random();
    const statusDraw = this.random();
    const loseDraw = this.random();
    if (failDraw < error_rate) {
      const status = statuses[Math.floor(statusDraw * statuses.length)]!;
      if (status === 0) this.counts.reset++;
      else this.counts.failed++;
      return { latencyMs: latency_ms, kind: 'fail', status };
    }
    if (loseDraw < lost_response_rate) {
      this.counts.lost_responses++;
      return { latencyMs: latency_ms, kind: 'lose-response' };
    }
    return { latencyMs: latency_ms, kind: 'none' };
  }
}

/** The refusal of a request chosen to fail: the cloud renders it in its own shape, with its code for `status`. */
export const injectedFault = (status: number) =>
  new EmulatorProblem(status, 'injected', 'Injected fault (injected by the emulator)');
