import { UserError } from '../core/errors.js';

/** Where a PostgreSQL URL points, safe to show: host, port and database only (never user or password). */
export interface PostgresTarget {
  url: string;
  /** e.g. `db.internal:5432/imageform` */
  display: string;
  /** The password, so it can be scrubbed from any driver message that might echo it. */
  secrets: string[];
}

/** Read the URL from the variable named by `url_env`: it is never taken from a file. */
export function resolvePostgresTarget(urlEnv: string, env: NodeJS.ProcessEnv): PostgresTarget {
  const url = env[urlEnv];
  if (url === undefined || url.trim() === '') {
    throw UserError.of(
      'state.postgres-url-missing',
      `state.backend is postgres but the variable ${urlEnv} is not set`,
      `export ${urlEnv}=postgres://USER:PASSWORD@HOST:5432/DATABASE; state.url_env in imageform.yaml names the variable`,
    );
  }
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw invalidUrl(urlEnv);
  }
  if (parsed.protocol !== 'postgres:' && parsed.protocol !== 'postgresql:') throw invalidUrl(urlEnv);
  const database = decodeURIComponent(parsed.pathname.replace(/^\//, '')) || '(default database)';
  const display = `${parsed.hostname || 'localhost'}:${parsed.port || '5432'}/${database}`;
  const secrets = [url];
  if (parsed.password) secrets.push(parsed.password, decodeURIComponent(parsed.password));
  return { url, display, secrets };
}

/** Remove anything secret from a driver message before it reaches the user. */
export function scrubSecrets(message: string, target: PostgresTarget): string {
  let scrubbed = message;
  for (const secret of target.secrets) {
    if (secret.length >= 3) scrubbed = scrubbed.split(secret).join('***');
  }
  return scrubbed;
}

function invalidUrl(urlEnv: string): UserError {
  // The value itself is never echoed: it holds a password.
  return UserError.of(
    'state.postgres-url-invalid',
    `the value of ${urlEnv} is not a PostgreSQL URL`,
    'expected postgres://USER:PASSWORD@HOST:5432/DATABASE',
  );
}
