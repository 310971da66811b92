import type { HarnessError } from '../../errors.js';

/** The error a promise rejected with (tests assert on its code and exit code); throws when it resolved. */
export async function rejection(promise: Promise<unknown>): Promise<HarnessError> {
  try {
    await promise;
  } catch (error) {
    return error as HarnessError;
  }
  throw new Error('not rejected');
}
