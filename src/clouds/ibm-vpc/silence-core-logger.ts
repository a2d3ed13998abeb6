import { createRequire } from 'node:module';

/**
 * ibm-cloud-sdk-core logs through `debug` when DEBUG or NODE_DEBUG=axios is set, and at that level it prints whole
 * failed token requests, whose form body holds the API key. Nothing secret may ever be logged, so its loggers are
 * switched off; imageform reports failures itself, already redacted.
 */
export function silenceCoreLogger(): void {
  try {
    const require = createRequire(import.meta.url);
    const logger = (require('ibm-cloud-sdk-core/lib/logger.js') as { default?: Record<string, { enabled: boolean }> })
      .default;
    for (const level of Object.values(logger ?? {})) level.enabled = false;
  } catch {
    // A future core may move its logger; losing the safeguard must not break the client.
  }
}
