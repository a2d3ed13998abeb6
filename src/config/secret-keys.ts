/**
 * Keys that name a secret (api_key, password, token, access_key_secret, ...): never allowed in a file, and never
 * repeated in a message. Keys ending in `_env` name the variable that holds one.
 */
const SECRET_KEY = /(^|_)(api_?key|apikey|password|passwd|token|secret|credentials?)($|_)/i;

export function isSecretKey(key: string): boolean {
  return !key.endsWith('_env') && SECRET_KEY.test(key);
}

/** A value under this key may be a secret: one written in the secret's place, or in its variable's place. */
export function mayHoldSecret(key: string): boolean {
  return key.endsWith('_env') || SECRET_KEY.test(key);
}
