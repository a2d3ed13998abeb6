import type { EngineEvent } from '../engine/events.js';
import type { Host, HostStreams } from './host-types.js';
import { planToJsonObject } from './json.js';

/** One JSON object a line per event (`apply --json`); the plan inside is the redacted `--json` plan object. */
export function createJsonHost(options: HostStreams): Host {
  return {
    notify(event: EngineEvent): void {
      const line = event.type === 'plan-ready' ? { type: event.type, plan: planToJsonObject(event.plan) } : event;
      options.stdout.write(`${JSON.stringify(line)}\n`);
    },
    async confirm(_question: string, defaultAnswer: false): Promise<boolean> {
      return defaultAnswer;
    },
    async finish(): Promise<void> {},
  };
}
