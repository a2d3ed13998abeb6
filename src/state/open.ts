import type { StateSettings } from '../config/model.js';
import { LocalStateBackend } from './local.js';
import type { StateBackend } from './state.js';

export interface OpenStateOptions {
  /** Told about things worth a line but not a failure, e.g. a stale lock taken over. */
  onNotice?: (message: string) => void;
  /** The user's working directory, for paths in messages. */
  cwd?: string;
}

/** The backend named by `state:` in imageform.yaml, for the configuration directory `dir`. */
export async function openStateBackend(
  dir: string,
  settings: StateSettings,
  env: NodeJS.ProcessEnv,
  options: OpenStateOptions = {},
): Promise<StateBackend> {
  if (settings.backend === 'postgres') {
    // Loaded only when used, so local runs never pay for the pg driver.
    const { openPostgresBackend } = await import('./postgres.js');
    return openPostgresBackend(settings, env, options);
  }
  return new LocalStateBackend(dir, options);
}
