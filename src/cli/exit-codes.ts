import { DomainError, type ErrorKind } from '../domain/errors.ts';

/** One place maps error kinds to process exit codes (documented in docs/cli.md). */
export const EXIT_CODES: Record<ErrorKind | 'unknown', number> = {
  unknown: 1,
  invalid: 2,
  unauthenticated: 3,
  forbidden: 4,
  not_found: 5,
  conflict: 6,
  rule_violation: 7,
  unavailable: 8,
};

/** Prints an error for a person and returns the exit code. */
export function reportError(err: unknown, write: (s: string) => void = (s) => process.stderr.write(s)): number {
  if (err instanceof DomainError) {
    const field = err.details.field ? ` [${String(err.details.field)}]` : '';
    write(`error: ${err.code}${field}: ${err.message}\n`);
    const errors = err.details.errors;
    if (Array.isArray(errors)) {
      for (const e of errors.slice(0, 20) as Array<{ field?: string; message?: string }>) write(`  - ${e.field ?? ''}: ${e.message ?? ''}\n`);
    }
    return EXIT_CODES[err.kind];
  }
  write(`error: ${(err as Error)?.message ?? String(err)}\n`);
  return EXIT_CODES.unknown;
}
