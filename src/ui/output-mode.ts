/** How a command should talk to the user, decided once from the streams, the environment and the flags. */
export interface OutputMode {
  /** ink views and prompts: stdout is a terminal and nothing asks for plain output. */
  interactive: boolean;
  /** ANSI colours in plain text (only when explicitly forced: plain output is for logs). */
  color: boolean;
}

export function outputMode(
  streams: { stdout: { isTTY?: boolean } },
  env: NodeJS.ProcessEnv,
  flags: { noColor?: boolean } = {},
): OutputMode {
  const noColor = flags.noColor === true || (env.NO_COLOR !== undefined && env.NO_COLOR !== '');
  const inCi = isSet(env.CI) || isSet(env.GITHUB_ACTIONS) || isSet(env.BUILD_NUMBER);
  const interactive = streams.stdout.isTTY === true && !noColor && !inCi && env.TERM !== 'dumb';
  const forced = isSet(env.FORCE_COLOR) && !noColor;
  return { interactive, color: interactive || forced };
}

function isSet(value: string | undefined): boolean {
  return value !== undefined && value !== '' && value !== '0' && value.toLowerCase() !== 'false';
}
