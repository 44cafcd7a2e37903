/**
 * Searching a trace with queries: the first, next, last or every entry that matches, between two points.
 *
 *   const syn = first(trace, dataSyn());
 *   const ok = first(trace, reply(200));
 *   syn.seq < ok.seq                       // the SYN left before the 200 was written
 *   all(trace, segmentsOf('server/data#3'), { after: syn })
 *
 * `first` and `last` throw a UsageError naming the query when nothing matches (tests read best that way);
 * `find` and `findLast` return undefined instead. Bounds are exclusive and take an entry or a seq.
 *
 * The connection links a query may need (which names one connection has at its two ends) are learnt from
 * the trace once and kept with it; they follow the trace as it grows, and are rebuilt when it was cut back.
 */

import { UsageError } from '../../sim/errors.ts';
import type { Segment } from '../../sim/tcp/segment.ts';
import { formatMs } from '../../sim/time.ts';
import type { TraceEntry } from '../../sim/trace.ts';
import { isSegmentEntry, type Query, type QueryContext, type SegmentEntry } from './query.ts';

/** A point in the trace: an entry, or its seq. */
export type EntryRef = TraceEntry | number;

export interface SearchOptions {
  /** Only entries after this one (exclusive). */
  readonly after?: EntryRef;
  /** Only entries before this one (exclusive). */
  readonly before?: EntryRef;
}

function seqOf(r: EntryRef): number {
  return typeof r === 'number' ? r : r.seq;
}

function bounds(trace: readonly TraceEntry[], o: SearchOptions): [number, number] {
  const lo = o.after === undefined ? 0 : Math.max(0, seqOf(o.after) + 1);
  const hi = o.before === undefined ? trace.length : Math.min(trace.length, seqOf(o.before));
  return [lo, hi];
}

/** The first matching entry, or undefined. */
export function find<E extends TraceEntry>(
  trace: readonly TraceEntry[],
  q: Query<E>,
  o: SearchOptions = {},
): E | undefined {
  const ctx = contextOf(trace);
  const [lo, hi] = bounds(trace, o);
  for (let i = lo; i < hi; i++) {
    const e = trace[i]!;
    if (q.matches(e, ctx)) return e;
  }
  return undefined;
}

/** The last matching entry, or undefined. */
export function findLast<E extends TraceEntry>(
  trace: readonly TraceEntry[],
  q: Query<E>,
  o: SearchOptions = {},
): E | undefined {
  const ctx = contextOf(trace);
  const [lo, hi] = bounds(trace, o);
  for (let i = hi - 1; i >= lo; i--) {
    const e = trace[i]!;
    if (q.matches(e, ctx)) return e;
  }
  return undefined;
}

/** The first matching entry; a UsageError saying what was looked for when there is none. */
export function first<E extends TraceEntry>(
  trace: readonly TraceEntry[],
  q: Query<E>,
  o: SearchOptions = {},
): E {
  const e = find(trace, q, o);
  if (e === undefined) throw notFound(trace, q, o);
  return e;
}

/** The last matching entry; a UsageError saying what was looked for when there is none. */
export function last<E extends TraceEntry>(
  trace: readonly TraceEntry[],
  q: Query<E>,
  o: SearchOptions = {},
): E {
  const e = findLast(trace, q, o);
  if (e === undefined) throw notFound(trace, q, o);
  return e;
}

/** Every matching entry, in trace order. */
export function all<E extends TraceEntry>(
  trace: readonly TraceEntry[],
  q: Query<E>,
  o: SearchOptions = {},
): E[] {
  const ctx = contextOf(trace);
  const [lo, hi] = bounds(trace, o);
  const out: E[] = [];
  for (let i = lo; i < hi; i++) {
    const e = trace[i]!;
    if (q.matches(e, ctx)) out.push(e);
  }
  return out;
}

export function count(trace: readonly TraceEntry[], q: Query, o: SearchOptions = {}): number {
  return all(trace, q, o).length;
}

function notFound(trace: readonly TraceEntry[], q: Query, o: SearchOptions): UsageError {
  const end =
    trace.length === 0 ? 'an empty trace' : `${trace.length} entries, up to t=${formatMs(trace.at(-1)!.at)}`;
  const after = o.after === undefined ? '' : ` after #${seqOf(o.after)}`;
  const before = o.before === undefined ? '' : ` before #${seqOf(o.before)}`;
  return new UsageError(`no entry${after}${before} matches: ${q.what} (searched ${end})`);
}

// ---- connection links ----------------------------------------------------------------------------------------

/**
 * Links learnt from segment entries: who sent each segment, and the pairs of names of one connection (a
 * segment sent by 'client/data#2' arriving at 'server/data#3'). A SYN arriving at a listener is recorded
 * before the connection exists (its entry has no connection name); it belongs to its sender's connection.
 */
class Links implements QueryContext {
  private sentBy = new WeakMap<Segment, string>();
  private peers = new Map<string, string>();
  private upTo = 0;
  private lastSeen: TraceEntry | undefined;

  constructor(private readonly trace: readonly TraceEntry[]) {}

  peerOf(conn: string): string | undefined {
    this.catchUp();
    return this.peers.get(conn);
  }

  ownerOf(e: SegmentEntry): string {
    if (e.conn !== '') return e.conn;
    this.catchUp();
    return this.sentBy.get(e.seg) ?? '';
  }

  private catchUp(): void {
    const t = this.trace;
    if (this.upTo > t.length || (this.upTo > 0 && t[this.upTo - 1] !== this.lastSeen)) {
      // The trace was cut back (a step back) and may have grown again differently: start over.
      this.sentBy = new WeakMap();
      this.peers = new Map();
      this.upTo = 0;
    }
    for (let i = this.upTo; i < t.length; i++) {
      const e = t[i]!;
      if (!isSegmentEntry(e)) continue;
      if (e.kind !== 'seg-recv') {
        if (e.conn !== '' && !this.sentBy.has(e.seg)) this.sentBy.set(e.seg, e.conn);
        continue;
      }
      const from = this.sentBy.get(e.seg);
      if (from !== undefined && e.conn !== '' && from !== e.conn) {
        this.peers.set(from, e.conn);
        this.peers.set(e.conn, from);
      }
    }
    this.upTo = t.length;
    this.lastSeen = t.at(-1);
  }
}

const contexts = new WeakMap<readonly TraceEntry[], Links>();

/** The query context of a trace: built on first use, kept with the trace array. */
export function contextOf(trace: readonly TraceEntry[]): QueryContext {
  let c = contexts.get(trace);
  if (c === undefined) {
    c = new Links(trace);
    contexts.set(trace, c);
  }
  return c;
}
