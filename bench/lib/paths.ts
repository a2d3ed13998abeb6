import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root, the built CLI the bench runs (`npm run build` makes dist/) and the probe preloaded into it. */
export const REPO = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const CLI = join(REPO, 'bin', 'imageform.js');
export const CLI_PROBE = join(REPO, 'bench', 'lib', 'cli-probe.js');
