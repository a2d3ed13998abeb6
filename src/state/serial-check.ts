import { UserError } from '../core/errors.js';

/** What a writer last read: the stored document it means to replace. */
export interface ExpectedState {
  lineage: string;
  serial: number;
}

/**
 * The compare step of every backend's compare-and-swap. Nothing stored counts as serial 0 of any lineage, so the
 * first write of a fresh state (serial 1) is accepted whatever lineage it was given.
 */
export function checkExpectedState(stored: ExpectedState | undefined, expected: ExpectedState, where: string): void {
  if (stored === undefined) {
    if (expected.serial === 0) return;
    throw serialMismatchError(where, `expected serial ${expected.serial} but nothing is stored`);
  }
  if (stored.lineage !== expected.lineage) {
    throw serialMismatchError(where, `expected lineage ${expected.lineage} but found lineage ${stored.lineage}`);
  }
  if (stored.serial !== expected.serial) {
    throw serialMismatchError(where, `expected serial ${expected.serial} but found serial ${stored.serial}`);
  }
}

export function serialMismatchError(where: string, detail: string): UserError {
  return UserError.of(
    'state.serial-mismatch',
    `${where}: state changed since it was read (${detail}); nothing was written`,
    'another imageform run wrote it meanwhile; run the command again',
  );
}
