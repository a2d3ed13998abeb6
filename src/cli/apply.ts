import { UserError } from '../diagnostics/errors.js';
import type { CommandContext } from './context.js';

export async function apply(_context: CommandContext): Promise<number> {
  throw UserError.of('cli.not-built', 'imageform apply is not built yet', 'see the open issues');
}
