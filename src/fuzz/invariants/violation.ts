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

/**
 * What a violation is about, as data: what a replay file's expectation is written from (replay.ts), so that
 * `netstep run` fails on the same thing the invariant did.
 */
export type Where =
  | { readonly kind: 'download'; readonly client: string; readonly step: number }
  | { readonly kind: 'upload'; readonly client: string; readonly step: number; readonly path: string }
  | { readonly kind: 'client'; readonly client: string }
  | { readonly kind: 'conn'; readonly conn: string }
  | { readonly kind: 'not-idle' }
  /** The connection that closed last, too late. */
  | { readonly kind: 'late'; readonly conn: string }
  | {
      readonly kind: 'reply';
      readonly session: string;
      readonly what: 'no-command' | 'second-1xx' | 'wrong-reply' | 'unanswered';
      readonly code?: number;
      readonly line?: string;
    }
  | { readonly kind: 'log'; readonly session: string; readonly what: 'commands' | 'data-pairs' | 'control' };

export interface Violation {
  readonly invariant: InvariantName;
  /** One line that says what went wrong, where. */
  readonly message: string;
  /** The trace entry where it was decided, when there is one. */
  readonly seq?: number;
  readonly at?: Where;
}

export function violation(
  invariant: InvariantName,
  message: string,
  extra: { readonly seq?: number | undefined; readonly at?: Where } = {},
): Violation {
  return {
    invariant,
    message,
    ...(extra.seq === undefined ? {} : { seq: extra.seq }),
    ...(extra.at === undefined ? {} : { at: extra.at }),
  };
}
