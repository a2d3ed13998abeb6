import { UserError } from '../diagnostics/errors.js';
import type { CommandContext } from './context.js';

export async function forceUnlock(_context: CommandContext): Promise<number> {
  throw UserError.of('cli.not-built', 'imageform force-unlock is not built yet', 'see the open issues');
}
