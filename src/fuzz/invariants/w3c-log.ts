/**
 * Invariant 'w3c-log': the server's W3C log accounts for the session exactly.
 * - One command line per final reply to a command (the log writes a command "at its final reply", facts §3;
 *   KB 2505047's example logs show one line per command). Channel lines (ControlChannelOpened/Closed,
 *   DataChannelOpened/Closed) are not command lines.
 * - DataChannelOpened and DataChannelClosed come in pairs: a Closed only after an Opened, never two Opened
 *   without a Closed between them (a session has one data connection open at a time), and none left open
 *   when the session has ended (ControlChannelClosed).
 * - One ControlChannelOpened first, and at most one ControlChannelClosed, last.
 *
 * The log side is grouped by x-session (the entry's session GUID) and joined to the control connection by
 * the ControlChannelOpened line, which is written in the same step as the banner.
 */
import type { TraceEntry } from '../../../sim/trace.ts';
import '../../apps/ftp-trace.ts';
import { controlEvents, pairReplies } from './replies.ts';
import { type Violation, violation } from './violation.ts';

export interface LogLine {
  readonly method: string;
  readonly seq: number;
}

const CHANNEL = new Set([
  'ControlChannelOpened',
  'ControlChannelClosed',
  'DataChannelOpened',
  'DataChannelClosed',
]);

/** Checks one session's log lines against the number of commands that got a final reply. */
export function checkSessionLog(
  session: string,
  lines: readonly LogLine[],
  answered: number,
): Violation | null {
  const fail = (message: string, seq: number | undefined, what: 'commands' | 'data-pairs' | 'control') =>
    violation('w3c-log', `${session}: ${message}`, { seq, at: { kind: 'log', session, what } });
  let commands = 0;
  let open: LogLine | null = null;
  let closed: LogLine | null = null;
  const first = lines[0];
  if (first !== undefined && first.method !== 'ControlChannelOpened') {
    return fail(`the first log line is ${first.method}, not ControlChannelOpened`, first.seq, 'control');
  }
  for (const l of lines.slice(1)) {
    if (closed !== null) return fail(`${l.method} logged after ControlChannelClosed`, l.seq, 'control');
    switch (l.method) {
      case 'ControlChannelOpened':
        return fail('a second ControlChannelOpened', l.seq, 'control');
      case 'ControlChannelClosed':
        if (open !== null)
          return fail('ControlChannelClosed with a data channel still logged open', l.seq, 'data-pairs');
        closed = l;
        break;
      case 'DataChannelOpened':
        if (open !== null) {
          return fail(
            'DataChannelOpened while the previous data channel is logged open',
            l.seq,
            'data-pairs',
          );
        }
        open = l;
        break;
      case 'DataChannelClosed':
        if (open === null) return fail('DataChannelClosed without a DataChannelOpened', l.seq, 'data-pairs');
        open = null;
        break;
      default:
        if (!CHANNEL.has(l.method)) commands++;
    }
  }
  if (commands !== answered) {
    return fail(
      `${commands} command lines in the log for ${answered} final replies to commands`,
      lines.at(-1)?.seq,
      'commands',
    );
  }
  return null;
}

/** Log lines of the server on `host`, by control connection. */
export function logLines(trace: readonly TraceEntry[], host: string): Map<string, LogLine[]> {
  const byGuid = new Map<string, LogLine[]>();
  const conn = new Map<string, string>();
  let opening: string | null = null;
  for (const e of trace) {
    if (e.host !== host) continue;
    if (e.kind === 'ftp-log') {
      const list = byGuid.get(e.session) ?? [];
      if (list.length === 0) byGuid.set(e.session, list);
      list.push({ method: e.entry.method, seq: e.seq });
      opening = e.entry.method === 'ControlChannelOpened' ? e.session : null;
    } else if (e.kind === 'ftp-reply') {
      // The banner follows its session's ControlChannelOpened line: that joins the GUID to the connection.
      if (opening !== null && !conn.has(opening)) conn.set(opening, e.session);
      opening = null;
    }
  }
  const out = new Map<string, LogLine[]>();
  for (const [guid, lines] of byGuid) out.set(conn.get(guid) ?? guid, lines);
  return out;
}

/** The invariant over a run: every session of the server on `host`. */
export function checkLog(trace: readonly TraceEntry[], host: string, finished: boolean): Violation | null {
  const logs = logLines(trace, host);
  for (const [session, events] of controlEvents(trace, host)) {
    const { answered } = pairReplies(session, events, finished);
    const v = checkSessionLog(session, logs.get(session) ?? [], answered);
    if (v !== null) return v;
  }
  return null;
}
