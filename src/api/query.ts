/**
 * Trace queries: small predicates over trace entries, each carrying the words that describe it, so that a
 * search that finds nothing, a failed matcher and a step limit can all say what was being looked for.
 *
 *   reply(226)                         FTP reply 226
 *   dataSyn()                          a SYN leaving on a data connection
 *   enters('TIME-WAIT', 'server/data#3')  server/data#3 entering TIME-WAIT
 *   segmentsOf('client/ctrl#1')        a segment of client/ctrl#1 (either direction, either host)
 *   reply(150).or(reply(125)).at('server')
 *
 * A query only tests one entry; searching (first, next, all, ...) is search.ts. Queries return the trace's
 * own entries, so two results compare by `seq` (their order in the run) and `at` (their simulated time).
 *
 * Connection names may end in a glob: 'server/data#*' is every data connection of the server.
 * Not here: queries over state (use inspect()), and time windows (search options take `after`/`before`).
 */

import { UsageError } from '../../sim/errors.ts';
import { flagNames, type Segment } from '../../sim/tcp/segment.ts';
import type { TcpState } from '../../sim/tcp/tcb.ts';
import type { EntryOf, TraceEntry, TraceKind } from '../../sim/trace.ts';
import '../apps/ftp-trace.ts';
import '../clients/trace.ts';

/** The entries that carry a segment. */
export type SegmentEntry = EntryOf<'seg-send' | 'seg-recv' | 'seg-drop' | 'seg-hold' | 'seg-release'>;

/** What happened to a segment in a segment entry: it left its host, arrived, was lost, held or released. */
export type SegmentEvent = 'send' | 'recv' | 'drop' | 'hold' | 'release';

const SEGMENT_KINDS: Readonly<Record<SegmentEvent, SegmentEntry['kind']>> = {
  send: 'seg-send',
  recv: 'seg-recv',
  drop: 'seg-drop',
  hold: 'seg-hold',
  release: 'seg-release',
};

export function isSegmentEntry(e: TraceEntry): e is SegmentEntry {
  return (
    e.kind === 'seg-send' ||
    e.kind === 'seg-recv' ||
    e.kind === 'seg-drop' ||
    e.kind === 'seg-hold' ||
    e.kind === 'seg-release'
  );
}

/**
 * What a query may ask about the trace as a whole: which connection a segment belongs to, and the name
 * the other host gives the same connection ('client/data#2' at one end is 'server/data#3' at the other).
 * search.ts builds it from the trace, linking two names when a segment sent by one arrives at the other.
 */
export interface QueryContext {
  peerOf(conn: string): string | undefined;
  /** The connection a segment entry belongs to at its own host, or the sender's when its host had none. */
  ownerOf(e: SegmentEntry): string;
}

const NO_LINKS: QueryContext = { peerOf: () => undefined, ownerOf: (e) => e.conn };

export type EntryTest = (e: TraceEntry, ctx: QueryContext) => boolean;

export class Query<E extends TraceEntry = TraceEntry> {
  /** `what` reads after "no entry matches: " and "waiting for ". */
  constructor(
    readonly what: string,
    private readonly test: EntryTest,
  ) {}

  matches(e: TraceEntry, ctx: QueryContext = NO_LINKS): e is E {
    return this.test(e, ctx);
  }

  /** Only entries recorded at this host. */
  at(host: string): Query<E> {
    return new Query<E>(`${this.what} at ${host}`, (e, c) => e.host === host && this.test(e, c));
  }

  /** Narrows by a test of your own; `what` is added to the description ("FTP reply 226 after 2ms"). */
  where(test: (e: E) => boolean, what: string): Query<E> {
    return new Query<E>(`${this.what} ${what}`, (e, c) => this.test(e, c) && test(e as E));
  }

  /** Entries that match this query or the other. */
  or<F extends TraceEntry>(other: Query<F>): Query<E | F> {
    return new Query<E | F>(`${this.what} or ${other.what}`, (e, c) => this.test(e, c) || other.test(e, c));
  }
}

// ---- names and flags -----------------------------------------------------------------------------------

/** A connection name, or a glob over names ('server/data#*', 'client/*'); undefined matches any. */
export type ConnPattern = string | undefined;

export function connTest(pattern: ConnPattern): (name: string) => boolean {
  if (pattern === undefined) return () => true;
  if (!pattern.includes('*')) return (name) => name === pattern;
  const re = new RegExp(`^${pattern.split('*').map(escapeRegExp).join('.*')}$`);
  return (name) => re.test(name);
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

const FLAG_BITS: Readonly<Record<string, number>> = { FIN: 1, SYN: 2, RST: 4, PSH: 8, ACK: 16, URG: 32 };

/** 'SYN,ACK' -> the bits; an unknown name is a caller's mistake worth a clear message. */
export function flagBits(names: string): number {
  let bits = 0;
  for (const raw of names.split(/[,|+\s]+/)) {
    if (raw === '') continue;
    const bit = FLAG_BITS[raw.toUpperCase()];
    if (bit === undefined) {
      throw new UsageError(
        `unknown TCP flag '${raw}' in '${names}': use ${Object.keys(FLAG_BITS).join(', ')}`,
      );
    }
    bits |= bit;
  }
  return bits;
}

function on(conn: ConnPattern): string {
  return conn === undefined ? '' : ` on ${conn}`;
}

// ---- any entry ---------------------------------------------------------------------------------------------

/** Every entry of one kind: kind('tcp-event'). */
export function kind<K extends TraceKind>(k: K): Query<EntryOf<K>> {
  return new Query(`a '${k}' entry`, (e) => e.kind === k);
}

/** Every entry. */
export function anyEntry(): Query {
  return new Query('any entry', () => true);
}

/** The entry with this sequence number. */
export function entry(seq: number): Query {
  return new Query(`entry #${seq}`, (e) => e.seq === seq);
}

// ---- FTP ---------------------------------------------------------------------------------------------------

/** A text test: a string is found anywhere in the text, a RegExp searches it. */
export type TextMatch = string | RegExp;

function textTest(m: TextMatch | undefined): (s: string) => boolean {
  if (m === undefined) return () => true;
  return typeof m === 'string' ? (s) => s.includes(m) : (s) => m.test(s);
}

function showText(m: TextMatch | undefined): string {
  return m === undefined ? '' : typeof m === 'string' ? ` ${JSON.stringify(m)}` : ` ${m}`;
}

/**
 * The server wrote an FTP reply ('ftp-reply', the moment the server model writes it, before the bytes
 * travel). `code` may be a class: '2xx'. `text`: a part of the reply's text, or a RegExp.
 */
export function reply(
  code?: number | string,
  text?: TextMatch,
  session?: ConnPattern,
): Query<EntryOf<'ftp-reply'>> {
  const codeOk = codeTest(code);
  const textOk = textTest(text);
  const sessionOk = connTest(session);
  const what = `FTP reply ${code ?? '(any code)'}${showText(text)}${on(session)}`;
  return new Query(
    what,
    (e) => e.kind === 'ftp-reply' && codeOk(e.code) && textOk(e.text) && sessionOk(e.session),
  );
}

/** A client model has read a complete reply ('client-reply': the reply arrived at the client). */
export function clientReply(code?: number | string, client?: string): Query<EntryOf<'client-reply'>> {
  const codeOk = codeTest(code);
  const what = `FTP reply ${code ?? '(any code)'} read by ${client ?? 'a client'}`;
  return new Query(
    what,
    (e) => e.kind === 'client-reply' && codeOk(e.code) && (client === undefined || e.client === client),
  );
}

function codeTest(code: number | string | undefined): (c: number) => boolean {
  if (code === undefined) return () => true;
  if (typeof code === 'number') return (c) => c === code;
  const m = /^([1-5])xx$/.exec(code);
  if (m) return (c) => Math.floor(c / 100) === Number(m[1]);
  if (/^\d{3}$/.test(code)) return (c) => c === Number(code);
  throw new UsageError(`reply code '${code}': write a number (226) or a class ('2xx')`);
}

/**
 * The server parsed a command line; `verb` (case-insensitive) is its first word, `arg` the rest (a string
 * is the whole argument, a RegExp searches it).
 */
export function command(
  verb?: string,
  arg?: TextMatch,
  session?: ConnPattern,
): Query<EntryOf<'ftp-command'>> {
  const argOk =
    arg === undefined
      ? () => true
      : typeof arg === 'string'
        ? (a: string) => a === arg
        : (a: string) => arg.test(a);
  const sessionOk = connTest(session);
  const v = verb?.toUpperCase();
  const what = `FTP command ${verb ?? '(any)'}${showText(arg)}${on(session)}`;
  return new Query(what, (e) => {
    if (e.kind !== 'ftp-command' || !sessionOk(e.session)) return false;
    const space = e.line.indexOf(' ');
    const word = (space < 0 ? e.line : e.line.slice(0, space)).toUpperCase();
    return (v === undefined || word === v) && argOk(space < 0 ? '' : e.line.slice(space + 1));
  });
}

/** Fields of a W3C line, by what they mean (the column each is written in). */
export interface LogFields {
  /** cs-method, case-insensitive: 'RETR', 'ControlChannelOpened'. */
  readonly method?: string;
  /** cs-uri-stem: the argument as logged. */
  readonly uri?: string;
  /** sc-status: 226, a class '4xx', or '-' for a channel event. */
  readonly status?: number | string;
  /** sc-win32-status. */
  readonly win32?: number;
  /** sc-substatus. */
  readonly substatus?: number;
  /** s-port: 21 for commands, the data port for DataChannel lines. */
  readonly port?: number;
  /** cs-username. */
  readonly user?: string;
  /** x-fullpath. */
  readonly path?: string;
  /** The session (its control connection's name), a pattern. */
  readonly session?: ConnPattern;
}

/** The server wrote a W3C log line with these fields. */
export function logLine(fields: LogFields): Query<EntryOf<'ftp-log'>> {
  const f = fields;
  const status =
    f.status === undefined || f.status === '-'
      ? undefined
      : codeTest(typeof f.status === 'number' ? f.status : f.status);
  const sessionOk = connTest(f.session);
  const parts = Object.entries(f).map(([k, v]) => `${k}=${v}`);
  return new Query(`a log line with ${parts.join(' ') || 'any fields'}`, (e) => {
    if (e.kind !== 'ftp-log') return false;
    const l = e.entry;
    if (f.method !== undefined && l.method.toUpperCase() !== f.method.toUpperCase()) return false;
    if (f.uri !== undefined && l.uriStem !== f.uri) return false;
    if (f.status === '-' && l.status !== '-' && l.status !== '') return false;
    if (status !== undefined && !(/^\d{3}$/.test(l.status) && status(Number(l.status)))) return false;
    if (f.win32 !== undefined && l.win32 !== f.win32) return false;
    if (f.substatus !== undefined && l.substatus !== f.substatus) return false;
    if (f.port !== undefined && l.serverPort !== f.port) return false;
    if (f.user !== undefined && l.user !== f.user) return false;
    if (f.path !== undefined && l.fullPath !== f.path) return false;
    return sessionOk(e.session);
  });
}

/** The server's data channel entered a state ('ftp-data', the model's names: 'LISTENING', 'ESTABLISHED'...). */
export function dataState(to?: string, session?: ConnPattern): Query<EntryOf<'ftp-data'>> {
  const sessionOk = connTest(session);
  return new Query(
    `data channel entering ${to ?? 'a state'}${on(session)}`,
    (e) => e.kind === 'ftp-data' && (to === undefined || e.to === to) && sessionOk(e.session),
  );
}

/** How a client's run ended ('client-verdict'). */
export function verdict(v?: string, client?: string): Query<EntryOf<'client-verdict'>> {
  return new Query(
    `verdict ${v ?? '(any)'} of ${client ?? 'a client'}`,
    (e) =>
      e.kind === 'client-verdict' &&
      (v === undefined || e.verdict === v) &&
      (client === undefined || e.client === client),
  );
}

// ---- TCP ---------------------------------------------------------------------------------------------------

/** A connection entered a TCP state ('tcp-state'): enters('TIME-WAIT', 'server/data#3'). */
export function enters(state: TcpState, conn?: ConnPattern): Query<EntryOf<'tcp-state'>> {
  const connOk = connTest(conn);
  return new Query(
    `${conn ?? 'a connection'} entering ${state}`,
    (e) => e.kind === 'tcp-state' && e.to === state && connOk(e.conn),
  );
}

/** Any TCP state change, of one connection or of all. */
export function stateChange(conn?: ConnPattern): Query<EntryOf<'tcp-state'>> {
  const connOk = connTest(conn);
  return new Query(`a TCP state change${on(conn)}`, (e) => e.kind === 'tcp-state' && connOk(e.conn));
}

export interface SegmentFilter {
  /** The connection, from either end: segments sent by it, arriving at it, and those of its peer. */
  readonly conn?: ConnPattern;
  /** What happened to the segment; default any. */
  readonly event?: SegmentEvent;
  /** Flags that must all be set: 'SYN', 'FIN,ACK'. */
  readonly flags?: string;
  /** Flags that must all be clear. */
  readonly without?: string;
  /** true: carries payload; false: carries none. */
  readonly data?: boolean;
  /** Words for the description; built from the filter when absent. */
  readonly what?: string;
}

/** Segment entries that pass a filter. */
export function segment(f: SegmentFilter = {}): Query<SegmentEntry> {
  const want = f.flags === undefined ? 0 : flagBits(f.flags);
  const avoid = f.without === undefined ? 0 : flagBits(f.without);
  const kindOk =
    f.event === undefined ? isSegmentEntry : (e: TraceEntry) => e.kind === SEGMENT_KINDS[f.event!];
  const connOk = segmentConnTest(f.conn);
  return new Query(f.what ?? describeSegment(f), (e, ctx) => {
    if (!kindOk(e)) return false;
    const s = (e as SegmentEntry).seg;
    if ((s.flags & want) !== want || (s.flags & avoid) !== 0) return false;
    if (f.data !== undefined && s.payload.length > 0 !== f.data) return false;
    return connOk(e as SegmentEntry, ctx);
  });
}

function segmentConnTest(pattern: ConnPattern): (e: SegmentEntry, ctx: QueryContext) => boolean {
  if (pattern === undefined) return () => true;
  const ok = connTest(pattern);
  return (e, ctx) => {
    const owner = ctx.ownerOf(e);
    if (owner === '') return false;
    if (ok(owner)) return true;
    const peer = ctx.peerOf(owner);
    return peer !== undefined && ok(peer);
  };
}

function describeSegment(f: SegmentFilter): string {
  const flags = f.flags === undefined ? 'a segment' : `a ${flagNames(flagBits(f.flags))} segment`;
  const without = f.without === undefined ? '' : ` without ${flagNames(flagBits(f.without))}`;
  const data = f.data === undefined ? '' : f.data ? ' with data' : ' without data';
  const event =
    f.event === undefined
      ? ''
      : { send: ' leaving', recv: ' arriving', drop: ' lost', hold: ' held', release: ' released' }[f.event];
  return `${flags}${without}${data}${event}${f.conn === undefined ? '' : ` of ${f.conn}`}`;
}

/** Every segment entry of one connection, both directions, at both hosts (sent, arrived, lost, held). */
export function segmentsOf(conn: string): Query<SegmentEntry> {
  return segment({ conn, what: `a segment of ${conn}` });
}

/** The SYN of an active open leaving its host (SYN without ACK). */
export function syn(conn?: ConnPattern): Query<SegmentEntry> {
  return segment({ conn, event: 'send', flags: 'SYN', without: 'ACK', what: `a SYN leaving${on(conn)}` });
}

/** The SYN of a data connection leaving its host: the server's in active mode, the client's in passive. */
export function dataSyn(host?: string): Query<SegmentEntry> {
  const q = segment({
    conn: '*/data#*',
    event: 'send',
    flags: 'SYN',
    without: 'ACK',
    what: 'a SYN leaving on a data connection',
  });
  return host === undefined ? q : q.at(host);
}

/** A FIN leaving its host. */
export function fin(conn?: ConnPattern): Query<SegmentEntry> {
  return segment({ conn, event: 'send', flags: 'FIN', what: `a FIN leaving${on(conn)}` });
}

/** A RST leaving its host. */
export function rst(conn?: ConnPattern): Query<SegmentEntry> {
  return segment({ conn, event: 'send', flags: 'RST', what: `a RST leaving${on(conn)}` });
}

/** The segment in a segment entry, for tests that want its fields. */
export function segmentOf(e: TraceEntry): Segment | undefined {
  return isSegmentEntry(e) ? e.seg : undefined;
}
