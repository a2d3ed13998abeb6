/**
 * A value that is only known once an earlier change has been applied (a reference to a resource being created
 * or replaced). Internal to planning; renderers show it as "(known after apply)".
 */
export const UNKNOWN: unique symbol = Symbol('known after apply');
export type Unknown = typeof UNKNOWN;

export function isUnknown(value: unknown): value is Unknown {
  return value === UNKNOWN;
}
