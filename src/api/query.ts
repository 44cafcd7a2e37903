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
 * This file holds the Query type, connection-name globs, flag names and the queries over any entry; the FTP
 * queries are query-ftp.ts and the TCP ones query-tcp.ts. A query only tests one entry; searching (first,
 * next, all, ...) is search.ts. Queries return the trace's own entries, so two results compare by `seq`
 * (their order in the run) and `at` (their simulated time).
 *
 * Connection names may end in a glob: 'server/data#*' is every data connection of the server.
 * Not here: queries over state (use inspect()), and time windows (search options take `after`/`before`).
 */

import { UsageError } from '../../sim/errors.ts';
import type { EntryOf, TraceEntry, TraceKind } from '../../sim/trace.ts';
import '../apps/ftp-trace.ts';
import '../clients/trace.ts';

import { isSegmentEntry, type SegmentEntry } from '../views/trace-kinds.ts';

/** The entries that carry a segment, and the test for one: the views' own, so both agree. */
export { isSegmentEntry, type SegmentEntry };

/** What happened to a segment in a segment entry: it left its host, arrived, was lost, held or released. */
export type SegmentEvent = 'send' | 'recv' | 'drop' | 'hold' | 'release';

export const SEGMENT_KINDS: Readonly<Record<SegmentEvent, SegmentEntry['kind']>> = {
  send: 'seg-send',
  recv: 'seg-recv',
  drop: 'seg-drop',
  hold: 'seg-hold',
  release: 'seg-release',
};

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

/** ' on <conn>' for a description, or nothing. */
export function onConn(conn: ConnPattern): string {
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
