import { UserError } from '../diagnostics/errors.js';
import type { CommandContext } from './context.js';

export async function importCommand(_context: CommandContext): Promise<number> {
  throw UserError.of('cli.not-built', 'imageform import is not built yet', 'see the open issues');
}
