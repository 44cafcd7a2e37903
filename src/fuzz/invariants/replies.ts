/**
 * Invariant 'one-final-reply': every command line the server parsed gets exactly one final reply (2xx-5xx),
 * preceded by at most one preliminary reply (1xx), in order (RFC 959 §4.2: "every command must generate at
 * least one reply", and §5.4's sequences: at most one 1yz before the completion reply).
 *
 * The rule is written over a session's control events, so the same function checks a simulated run (events
 * taken from the trace, `controlEvents`) and the pure server driven directly (the parser fuzz).
 *
 * What it allows, and why:
 * - replies before the first command: the banner (120 and/or 220, or 421 when refusing the session);
 * - a 421, whenever it comes: the server closing the session on its own (RFC 959 §4.2: "service not
 *   available, closing control connection", which "may be a reply to any command if the service knows it
 *   must shut down"). It is the session's end, not the final reply of the command that happens to wait (a
 *   PASV waiting for an old data connection when the control channel times out): the log writes no line for
 *   that command (w3c-log.ts counts on this), and the command is excused with the session when it closes;
 * - commands still waiting when the control connection closes (either side) or resets: the session is over
 *   and nothing can answer them; a client that hangs up mid-command has no reply owed;
 * - replies the server writes after the connection is gone (the trace records them; nothing carries them).
 * ABOR during a transfer fits the rule as it is: the transfer command gets its 426 and then ABOR its 225/226.
 *
 * Each reply must also be one its command may get (reply-table.ts, RFC 959 §5.4): a 1yz only to a transfer
 * (or REIN), a positive final reply only of the kinds the command has. That is what pins each reply to its
 * command: without it, a reply lost early would be made up for by the next one, and only counted at the end.
 */

import type { TraceEntry } from '../../../sim/trace.ts';
import '../../apps/ftp-trace.ts';
import '../../../sim/net/sockets.ts';
import { allows } from './reply-table.ts';
import { type Violation, violation, type Where } from './violation.ts';

export type ControlEvent =
  | { readonly kind: 'command'; readonly line: string; readonly seq: number }
  | { readonly kind: 'reply'; readonly code: number; readonly seq: number }
  /** The control connection closed or reset, from either side: the session is over. */
  | { readonly kind: 'closed'; readonly seq: number };

export interface Pairing {
  /** Commands that got their final reply. */
  readonly answered: number;
  /** Commands still waiting at the end (0 when the session closed). */
  readonly waiting: number;
  readonly violation: Violation | null;
}

interface Pending {
  readonly line: string;
  readonly seq: number;
  preliminary: number;
}

/**
 * Pairs one session's commands with its replies, in order. `finished`: the run went idle, so a command still
 * waiting will never be answered (when false, waiting commands are not a violation: the run was cut short).
 */
export function pairReplies(session: string, events: readonly ControlEvent[], finished: boolean): Pairing {
  const pending: Pending[] = [];
  let answered = 0;
  let commands = 0;
  let closed = false;
  const fail = (
    message: string,
    seq: number,
    at: Omit<Extract<Where, { kind: 'reply' }>, 'kind' | 'session'>,
  ): Pairing => ({
    answered,
    waiting: pending.length,
    violation: violation('one-final-reply', `${session}: ${message}`, {
      seq,
      at: { kind: 'reply', session, ...at },
    }),
  });
  for (const e of events) {
    if (closed) continue; // written into a connection that is gone: nothing carries it
    switch (e.kind) {
      case 'command':
        commands++;
        pending.push({ line: e.line, seq: e.seq, preliminary: 0 });
        break;
      case 'reply': {
        if (e.code === 421) break; // the server ends the session (see above)
        const head = pending[0];
        if (head === undefined) {
          if (commands === 0 && (e.code === 120 || e.code === 220)) break; // the banner
          return fail(`reply ${e.code} answers no command`, e.seq, { what: 'no-command', code: e.code });
        }
        if (e.code >= 100 && e.code < 200) {
          if (!allows(head.line, e.code, 'preliminary')) {
            return fail(
              `preliminary reply ${e.code} to '${head.line}', which takes none of that kind`,
              e.seq,
              {
                what: 'wrong-reply',
                code: e.code,
                line: head.line,
              },
            );
          }
          if (head.preliminary > 0) {
            return fail(`a second preliminary reply ${e.code} to '${head.line}'`, e.seq, {
              what: 'second-1xx',
              code: e.code,
              line: head.line,
            });
          }
          head.preliminary++;
          break;
        }
        if (e.code < 200 || e.code > 599) {
          return fail(`reply code ${e.code} is not a reply code`, e.seq, {
            what: 'no-command',
            code: e.code,
          });
        }
        if (!allows(head.line, e.code, 'final')) {
          return fail(`reply ${e.code} to '${head.line}', which RFC 959 §5.4 does not allow`, e.seq, {
            what: 'wrong-reply',
            code: e.code,
            line: head.line,
          });
        }
        pending.shift();
        answered++;
        break;
      }
      case 'closed':
        closed = true;
        pending.length = 0;
        break;
      default:
        return e satisfies never;
    }
  }
  const first = pending[0];
  if (finished && first !== undefined) {
    return fail(`no final reply to '${first.line}' and the session is still open`, first.seq, {
      what: 'unanswered',
      line: first.line,
    });
  }
  return { answered, waiting: pending.length, violation: null };
}

/**
 * The control events of every session of the server on `host`, from a trace: the commands it parsed, the
 * replies it wrote, and the end of the control connection (the server closing it, or the client's FIN or
 * RST arriving).
 */
export function controlEvents(trace: readonly TraceEntry[], host: string): Map<string, ControlEvent[]> {
  const sessions = new Map<string, ControlEvent[]>();
  const of = (session: string): ControlEvent[] => {
    const list = sessions.get(session) ?? [];
    if (list.length === 0) sessions.set(session, list);
    return list;
  };
  for (const e of trace) {
    if (e.host !== host) continue;
    switch (e.kind) {
      case 'ftp-command':
        of(e.session).push({ kind: 'command', line: e.line, seq: e.seq });
        break;
      case 'ftp-reply':
        of(e.session).push({ kind: 'reply', code: e.code, seq: e.seq });
        break;
      case 'sock-call':
        if ((e.call === 'close' || e.call === 'abort') && sessions.has(e.conn)) {
          of(e.conn).push({ kind: 'closed', seq: e.seq });
        }
        break;
      case 'sock-event':
        if (sessions.has(e.conn) && ENDS.has(e.event)) of(e.conn).push({ kind: 'closed', seq: e.seq });
        break;
      default:
        break;
    }
  }
  return sessions;
}

const ENDS: ReadonlySet<string> = new Set(['peer-closed', 'reset', 'timed-out', 'closed']);

/** The invariant over a whole run: the first violation in any session of the server on `host`. */
export function checkReplies(
  trace: readonly TraceEntry[],
  host: string,
  finished: boolean,
): Violation | null {
  for (const [session, events] of controlEvents(trace, host)) {
    const v = pairReplies(session, events, finished).violation;
    if (v !== null) return v;
  }
  return null;
}
