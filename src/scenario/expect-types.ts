/**
 * Expectations: claims about a run, written as data over the trace (and over the clients' and applications'
 * final state), each with a one-line text used in reports. The vocabulary is small and composes:
 *
 * - `seen: P` (optionally `times: n`), `notSeen: P` over event patterns P; `order: [P1, P2, ...]` (the first
 *   match of each comes in this order) and `sequence: [P1, P2, ...]` (each matches after the one before);
 * - `client` outcome, `intact` transfers, `content` of a download, `app` results of TCP applications;
 *   `intact` compares with the server's file as it is at the end of the run: a RETR's bytes equal it, a STOR's
 *   bytes are it, an APPE's bytes end it (a later write to the same file is another claim);
 * - `not: E`, `any: [E...]`, and in TypeScript scenarios `check: (outcome) => string | null`.
 *
 * Any expectation may carry `profile` (it applies only under that profile) and `text` (its report line).
 *
 * Event patterns (each matches trace entries):
 * - `{ reply: 226 }` the server writes a reply ('ftp-reply'); with `client: 'c'`, the reply arrives at
 *   client c ('client-reply'), while its script runs step `step` if given. Codes may be classes ('4xx');
 *   `text` matches a substring.
 * - `{ command: 'PASV' }` the server parses a command line starting with that verb (`client` restricts it to
 *   c's session).
 * - `{ segment: 'FIN', conn }` a segment with those flags arrives at the connection's host on it (`dir: 'in'`,
 *   the default) or leaves on it (`dir: 'out'`). Flags as the fault rules spell them: 'SYN', '!ACK', 'data'.
 * - `{ state: 'TIME-WAIT', conn }` the connection enters that TCP state.
 * - `{ event: 'refused', conn }` the socket layer delivers that event to the connection's application.
 * - `{ tcp: 'retransmit' }` the TCP machine notes a timer firing ('retransmit', 'persist', 'time-wait'), a
 *   congestion event ('fast-retransmit', 'timeout', 'recovered') or a dropped segment's reason (on `conn`).
 * - `{ log: { method: 'STOR', status: 425, win32: 1236 } }` the server writes a W3C line with those fields.
 * - `{ step: 2, client: 'c', phase: 'fail' }` a client's script step starts, ends, or fails.
 * - `{ entry: 'seg-drop', fields: { reason: 'loss' } }` any trace entry of a kind whose fields equal these.
 *
 * Connections (`conn`): a name ('client/data#3'); `{ client: 'c' }` its control connection; `{ client: 'c',
 * data: 1 }` its first data connection ('last', 'any'); `{ app: 'a', conn: 'x' }` a TCP application's
 * connection; add `peer: true` for the other end (the server's side of the client's connection).
 */

import type { TcpState } from '../../sim/tcp/tcb.ts';
import type { CodeMatch } from '../clients/script.ts';
import type { StepPhase, Verdict } from '../clients/trace.ts';
import type { Profile } from '../ftp/config.ts';

export type ConnRef =
  /** A connection by its name (validation turns it into `{ name }`). */
  | string
  | { readonly name: string; readonly peer?: boolean }
  | { readonly client: string; readonly data?: number | 'last' | 'any'; readonly peer?: boolean }
  | { readonly app: string; readonly conn?: string; readonly peer?: boolean };

export interface LogMatch {
  readonly method?: string;
  readonly uri?: string;
  readonly status?: CodeMatch | '-';
  readonly win32?: number;
  readonly substatus?: number;
  readonly port?: number;
  readonly user?: string;
  readonly path?: string;
}

export type SocketEventName =
  | 'accepted'
  | 'connected'
  | 'peer-closed'
  | 'closed'
  | 'reset'
  | 'refused'
  | 'timed-out';

export type EventPattern =
  | { readonly reply: CodeMatch; readonly client?: string; readonly step?: number; readonly text?: string }
  | { readonly command: string; readonly client?: string }
  | {
      /** Flags that must be set ('FIN'), or be clear ('!ACK'); 'data' and 'pure-ack' as the fault rules. */
      readonly segment: string | readonly string[];
      readonly conn: ConnRef;
      readonly dir?: 'in' | 'out';
    }
  | { readonly state: TcpState; readonly conn: ConnRef }
  | { readonly event: SocketEventName; readonly conn: ConnRef }
  | { readonly tcp: string; readonly conn?: ConnRef }
  | { readonly log: LogMatch }
  | { readonly step: number; readonly client: string; readonly phase: StepPhase }
  | { readonly entry: string; readonly fields?: Readonly<Record<string, unknown>>; readonly host?: string };

export interface ContentMatch {
  readonly equals?: string;
  readonly contains?: readonly string[];
  readonly lacks?: readonly string[];
}

export type ExpectationBody =
  | { readonly seen: EventPattern; readonly times?: number }
  | { readonly notSeen: EventPattern }
  /** The first match of each pattern, in this order: "the first 226 comes before the first FIN". */
  | { readonly order: readonly EventPattern[] }
  /** Each pattern matched after the previous one's match: "A, then later B, then later C". */
  | { readonly sequence: readonly EventPattern[] }
  | { readonly client: string; readonly outcome: Verdict; readonly code?: CodeMatch }
  | { readonly intact: { readonly client: string; readonly step?: number; readonly file?: string } }
  | ({ readonly content: { readonly client: string; readonly step: number } } & ContentMatch)
  | {
      readonly app: string;
      readonly received?: number;
      readonly intact?: boolean;
      readonly completed?: boolean;
    }
  | { readonly not: Expectation }
  | { readonly any: readonly Expectation[] }
  // biome-ignore lint/suspicious/noExplicitAny: the outcome type lives in run.ts, which imports this file
  | { readonly check: (outcome: any) => string | null };

export type Expectation = ExpectationBody & {
  /** The expectation applies only when the run uses this profile. */
  readonly profile?: Profile;
  /** The report line; generated from the expectation when absent. */
  readonly text?: string;
};

export interface ExpectationResult {
  readonly text: string;
  readonly passed: boolean;
  /** Why it failed, or what decided it. */
  readonly detail?: string;
  /** The trace entry where it was decided or failed (the CLI prints the trace around it). */
  readonly seq?: number;
}
