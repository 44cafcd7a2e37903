/**
 * What an invariant reports when it does not hold. Invariants are pure functions over what a run left
 * behind (its trace, its file system, its connections); each returns the first violation it finds, or null.
 */

/** The invariants a campaign checks, by name (the names appear in summaries and replay files). */
export type InvariantName =
  /** The run threw: the server (or anything else in the world) crashed. */
  | 'no-throw'
  /** Every command line gets exactly one final reply, preceded by at most one 1xx. */
  | 'one-final-reply'
  /** A completed RETR delivered the file's bytes; a completed STOR or APPE stored the bytes sent. */
  | 'transfer-bytes'
  /** Once faults stop and the run goes idle, every TCP connection is closed, within a bound. */
  | 'liveness'
  /** The W3C log: one line per final reply, one DataChannelOpened/Closed pair per data connection. */
  | 'w3c-log'
  /** The client model's own contract (for 'correct': every transfer completes or fails with 4xx/5xx). */
  | 'client-contract';

export const INVARIANTS: readonly InvariantName[] = [
  'no-throw',
  'one-final-reply',
  'transfer-bytes',
  'liveness',
  'w3c-log',
  'client-contract',
];

export interface Violation {
  readonly invariant: InvariantName;
  /** One line that says what went wrong, where. */
  readonly message: string;
  /** The trace entry where it was decided, when there is one. */
  readonly seq?: number;
}

export function violation(invariant: InvariantName, message: string, seq?: number): Violation {
  return seq === undefined ? { invariant, message } : { invariant, message, seq };
}
