import { randomUUID } from 'node:crypto';
import { hostname, userInfo } from 'node:os';
import { UserError } from '../core/errors.js';
import { imageformVersion } from '../version.js';
import type { LockInfo } from './state.js';

/** Who is taking the lock, for whoever is refused later. */
export function newLockInfo(operation: string): LockInfo {
  const host = hostname();
  return {
    id: randomUUID(),
    operation,
    who: `${currentUser()}@${host}`,
    host,
    pid: process.pid,
    created: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
    version: imageformVersion(),
  };
}

/** `root@host (pid 1234) since 2026-11-24T02:50:00Z for "apply"` */
export function describeHolder(info: LockInfo): string {
  return `${info.who} (pid ${info.pid}) since ${info.created} for "${info.operation}"`;
}

export function lockedError(info: LockInfo): UserError {
  return UserError.of(
    'state.locked',
    `state is locked by ${describeHolder(info)}; lock ID ${info.id}`,
    `wait for it to finish, or run "imageform force-unlock ${info.id}" if it is stale`,
  );
}

export function notLockedError(where: string): UserError {
  return UserError.of('state.not-locked', `${where} is not locked`, 'nothing to unlock');
}

export function lockIdMismatchError(lockId: string, holder: LockInfo): UserError {
  return UserError.of(
    'state.lock-id-mismatch',
    `lock ID ${lockId} does not match the lock held by ${describeHolder(holder)}; its ID is ${holder.id}`,
    'check the ID printed by the refused command',
  );
}

/** A lock file or row read back; anything malformed is treated as unknown rather than crashing the refusal. */
export function parseLockInfo(text: string): LockInfo | undefined {
  try {
    const value = JSON.parse(text) as Partial<LockInfo>;
    if (typeof value.id !== 'string') return undefined;
    return {
      id: value.id,
      operation: String(value.operation ?? 'unknown'),
      who: String(value.who ?? 'unknown'),
      host: String(value.host ?? 'unknown'),
      pid: Number(value.pid ?? 0),
      created: String(value.created ?? 'unknown'),
      version: String(value.version ?? 'unknown'),
    };
  } catch {
    return undefined;
  }
}

function currentUser(): string {
  try {
    return userInfo().username;
  } catch {
    // No passwd entry (some containers): fall back to the environment.
    return process.env.USER ?? process.env.LOGNAME ?? 'unknown';
  }
}
