/**
 * Outcome of a rule whose failure is an expected, reportable case (bad input from an agency,
 * a transition the law does not allow). Unexpected failures stay exceptions.
 */
export type Result<T, E> = Ok<T> | Err<E>;

export interface Ok<T> {
  readonly ok: true;
  readonly value: T;
}

export interface Err<E> {
  readonly ok: false;
  readonly error: E;
}

/** The error shape of every domain rule: a stable code to branch on, a sentence for people. */
export interface DomainError<Code extends string> {
  readonly code: Code;
  readonly message: string;
}

export function ok<T>(value: T): Ok<T> {
  return { ok: true, value };
}

export function err<E>(error: E): Err<E> {
  return { ok: false, error };
}
