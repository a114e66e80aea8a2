import type { Result } from '../../../src/domain/result.js';

/** The value of a result the test expects to succeed, with the error in the failure message. */
export function valueOf<T, E>(result: Result<T, E>): T {
  if (!result.ok) throw new Error(`expected ok, got error ${JSON.stringify(result.error)}`);
  return result.value;
}

/** The error of a result the test expects to fail. */
export function errorOf<T, E>(result: Result<T, E>): E {
  if (result.ok) throw new Error(`expected an error, got ok ${JSON.stringify(result.value)}`);
  return result.error;
}
