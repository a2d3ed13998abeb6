import { expect } from 'vitest';
import { CloudError } from '../../src/core/cloud-error.js';

/** The CloudError a call ends with; fails the test when it succeeds or fails otherwise. */
export async function cloudErrorOf(promise: Promise<unknown>): Promise<CloudError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(CloudError);
  return error as CloudError;
}
