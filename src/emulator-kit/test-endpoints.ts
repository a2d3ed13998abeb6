import type { CloudClock } from './clock.js';
import { parseRfc3339 } from './date-time.js';
import type { EmulatorReply, EmulatorRequest, EmulatorRoute } from './emulated-cloud.js';
import { parseFaultSettings, type FaultInjector } from './faults.js';
import { EmulatorProblem, fieldProblem } from './problem.js';
import { parseJson, requireObject } from './request-body.js';
import type { RequestStats } from './request-stats.js';

/** Where every emulator's test endpoints live (DESIGN.md §6); a cloud adds its own below it. */
export const testEndpointPrefix = '/emulator/v1/';

interface Parts {
  clock: CloudClock;
  settle(now: number): void;
  faults: FaultInjector;
  stats: RequestStats;
}

const jsonBody = async (request: EmulatorRequest) => parseJson(await request.body());

/** `/emulator/v1/clock`, `/faults` and `/stats`: the same on every emulator. */
export function testEndpoints({ clock, settle, faults, stats }: Parts): EmulatorRoute[] {
  const clockBody = () => ({
    now: new Date(clock.now()).toISOString(),
    offset_seconds: clock.offsetMs / 1000,
    frozen: clock.frozen,
  });

  async function moveClock(request: EmulatorRequest): Promise<EmulatorReply> {
    const body = requireObject(await jsonBody(request));
    if (body.advance_seconds !== undefined && body.now !== undefined) {
      throw new EmulatorProblem(400, 'only-one', 'Give either advance_seconds or now, not both', { name: 'now' });
    }
    if (body.frozen !== undefined) {
      if (typeof body.frozen !== 'boolean')
        throw fieldProblem('invalid-type', 'frozen', 'frozen must be true or false', body.frozen);
      if (body.frozen) clock.freeze();
      else clock.thaw();
    }
    if (body.advance_seconds !== undefined) {
      if (typeof body.advance_seconds !== 'number')
        throw fieldProblem('invalid-type', 'advance_seconds', 'advance_seconds must be a number', body.advance_seconds);
      clock.advance(body.advance_seconds);
    } else if (body.now !== undefined) {
      const instant = parseRfc3339(body.now);
      if (instant === undefined)
        throw fieldProblem('invalid-type', 'now', 'now must be a date-time such as 2027-01-15T00:00:00Z', body.now);
      clock.set(instant);
    } else if (body.frozen === undefined) {
      throw fieldProblem(
        'required',
        'advance_seconds',
        'Give advance_seconds (a number of seconds) or now (a date-time)',
      );
    }
    settle(clock.now());
    // The clock's offset is part of the cloud's file: a restarted emulator keeps a moved clock.
    return { status: 200, body: clockBody(), mutated: true };
  }

  return [
    { method: 'GET', pattern: '/emulator/v1/clock', handle: () => ({ status: 200, body: clockBody() }) },
    { method: 'POST', pattern: '/emulator/v1/clock', handle: moveClock },
    {
      method: 'POST',
      pattern: '/emulator/v1/faults',
      handle: async (request) => {
        faults.configure(parseFaultSettings(await jsonBody(request)));
        return { status: 200, body: faults.settings };
      },
    },
    {
      method: 'GET',
      pattern: '/emulator/v1/stats',
      handle: () => ({
        status: 200,
        body: {
          total: stats.total,
          requests: Object.fromEntries([...stats.byRoute].sort()),
          faults: faults.counts,
          // in_flight leaves out this request itself
          in_flight: stats.inFlight - 1,
        },
      }),
    },
    {
      method: 'DELETE',
      pattern: '/emulator/v1/stats',
      handle: () => {
        stats.reset();
        return { status: 204 };
      },
    },
  ];
}
