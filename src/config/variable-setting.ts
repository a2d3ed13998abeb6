/**
 * The schema of a key that names the environment variable holding a secret (`api_key_env`, `password_env`, ...):
 * secrets never go in files (DESIGN.md §3), so every cloud's settings and documents name their variables this way.
 * `title` is the secret's noun in messages ("put the password in the variable named by ...").
 */
export function variableNameSchema(options: {
  title: string;
  example: string;
  description: string;
  default?: string;
}): Record<string, unknown> {
  return {
    type: 'string',
    title: options.title,
    ...(options.default === undefined ? {} : { default: options.default }),
    pattern: '^[A-Za-z_][A-Za-z0-9_]*$',
    patternErrorMessage: `must be the name of an environment variable, e.g. ${options.example}`,
    description: options.description,
  };
}
