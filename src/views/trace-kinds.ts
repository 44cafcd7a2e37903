/**
 * The trace vocabulary the views read, in one place: which entry kinds carry a segment, and how a few
 * fields are spelled for a reader (a connection name beside its own host's lane, why a segment was lost).
 *
 * The trace is open: every layer declares its own kinds (network.ts, sockets.ts, ftp-trace.ts, the
 * client models). A view switches over the kinds it draws and passes over the others, so a new kind never
 * breaks a view; the JSON view is the one that writes every kind, whatever it is.
 */

import { assertNever } from '../../sim/errors.ts';
import type { EntryOf, TraceEntry } from '../../sim/trace.ts';
import '../apps/ftp-trace.ts';
import type {} from '../../sim/net/sockets.ts';

export type SegmentEntry =
  | EntryOf<'seg-send'>
  | EntryOf<'seg-recv'>
  | EntryOf<'seg-drop'>
  | EntryOf<'seg-hold'>
  | EntryOf<'seg-release'>;

export function isSegmentEntry(e: TraceEntry): e is SegmentEntry {
  return (
    e.kind === 'seg-send' ||
    e.kind === 'seg-recv' ||
    e.kind === 'seg-drop' ||
    e.kind === 'seg-hold' ||
    e.kind === 'seg-release'
  );
}

/** A connection's name as shown beside its own host: 'server/ctrl#1' at 'server' is 'ctrl#1'. */
export function shortConn(conn: string, host: string): string {
  if (conn === '') return '(no connection)';
  return conn.startsWith(`${host}/`) ? conn.slice(host.length + 1) : conn;
}

/** Why the network lost a segment, in words. */
export function dropReason(reason: EntryOf<'seg-drop'>['reason'], rule?: string): string {
  switch (reason) {
    case 'loss':
      return 'lost on the path';
    case 'queue-full':
      return "the path's queue is full";
    case 'mtu':
      return "larger than the path's MTU";
    case 'fault':
      return `dropped by rule ${rule ?? '?'}`;
    case 'no-route':
      return 'no host has this address';
    default:
      return assertNever(reason, 'drop reason');
  }
}

/**
 * The lines of an 'ftp-reply' entry as the client reads them, without line ends. The text is taken either
 * with or without its final CRLF and with or without the code in front, so that every view reads a reply
 * the same way: the first line always starts with the code.
 */
export function replyLines(code: number, text: string): string[] {
  const lines = text.replace(/\r?\n$/, '').split(/\r?\n/);
  if (!/^\d{3}[ -]/.test(lines[0]!) && lines[0] !== String(code)) lines[0] = `${code} ${lines[0]}`;
  return lines;
}

/** The hosts of FTP servers in a trace, in the order their first FTP entry appears. */
export function ftpServerHosts(trace: readonly TraceEntry[]): string[] {
  const hosts: string[] = [];
  for (const e of trace) {
    if (
      (e.kind === 'ftp-reply' || e.kind === 'ftp-command' || e.kind === 'ftp-log') &&
      !hosts.includes(e.host)
    )
      hosts.push(e.host);
  }
  return hosts;
}

/** One entry in a few words, for places that name an entry the ladder does not draw (an FTP reply). */
export function entrySummary(e: TraceEntry): string {
  switch (e.kind) {
    case 'ftp-command':
      return `command ${e.line}`;
    case 'ftp-reply':
      return `reply ${replyLines(e.code, e.text)[0]}`;
    case 'ftp-log':
      return `log ${e.line}`;
    case 'sock-event':
      return `${e.conn} ${e.event}${e.bytes !== undefined ? ` ${e.bytes} bytes` : ''}`;
    case 'sock-call':
      return `${e.conn} ${e.call}${e.bytes !== undefined ? ` ${e.bytes} bytes` : ''}`;
    default: {
      const { seq: _seq, at: _at, host: _host, kind, ...rest } = e as unknown as Record<string, unknown>;
      const fields = Object.entries(rest)
        .filter(([, v]) => typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean')
        .map(([k, v]) => `${k}=${v}`);
      return [String(kind), ...fields].join(' ');
    }
  }
}
