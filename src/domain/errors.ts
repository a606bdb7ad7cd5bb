/** The kinds of failure every layer below the transports reports; one place maps each to HTTP and CLI. */
export type ErrorKind =
  | 'invalid'
  | 'unauthenticated'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'rule_violation'
  | 'unavailable';

/** A failure with a stable snake_case code, a kind, a human message and optional structured details. */
export class DomainError extends Error {
  readonly code: string;
  readonly kind: ErrorKind;
  readonly details: Record<string, unknown>;

  constructor(kind: ErrorKind, code: string, message: string, details: Record<string, unknown> = {}) {
    super(message);
    this.name = 'DomainError';
    this.kind = kind;
    this.code = code;
    this.details = details;
  }
}

/** Shorthand for an `invalid` DomainError naming the field at fault. */
export function invalid(code: string, message: string, details: Record<string, unknown> = {}): DomainError {
  return new DomainError('invalid', code, message, details);
}
