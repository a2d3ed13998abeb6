import type { Readable, Writable } from 'node:stream';

/** What a command may touch of the outside world; tests and the launcher both build one. */
export interface CommandContext {
  argv: string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
  stdin: Readable & { isTTY?: boolean };
  stdout: Writable & { isTTY?: boolean; columns?: number };
  stderr: Writable & { isTTY?: boolean };
}

/** A command returns its exit code; it throws UserError for the user's mistakes. */
export type Command = (context: CommandContext) => Promise<number>;
