import { UserError } from '../diagnostics/errors.js';
import type { CommandContext } from './context.js';

export async function drift(_context: CommandContext): Promise<number> {
  throw UserError.of('cli.not-built', 'imageform drift is not built yet', 'see the open issues');
}
