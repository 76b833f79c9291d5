/** Expected failures come back as values; exceptions are for broken invariants and infrastructure. */
export type Result<T, E> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: E };

export const ok = <T>(value: T): Result<T, never> => ({ ok: true, value });
export const err = <E>(error: E): Result<never, E> => ({ ok: false, error });

/** A refusal of a command, with a message a person can act on. */
export interface Rejection<Code extends string = string> {
  readonly code: Code;
  readonly message: string;
}

export const reject = <Code extends string>(code: Code, message: string): Result<never, Rejection<Code>> =>
  err({ code, message });
