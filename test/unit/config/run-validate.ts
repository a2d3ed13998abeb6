import { PassThrough } from 'node:stream';
import type { Command, CommandContext } from '../../../src/cli/context.js';

/** Run a command with captured output, as the CLI would in `cwd`. */
export async function runValidate(
  command: Command,
  argv: string[],
  cwd: string,
): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const out = new PassThrough();
  const err = new PassThrough();
  out.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  err.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const context: CommandContext = { argv, cwd, env: {}, stdin: new PassThrough(), stdout: out, stderr: err };
  const code = await command(context);
  await new Promise((resolve) => setImmediate(resolve));
  return { code, stdout, stderr };
}
