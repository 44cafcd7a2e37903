/**
 * Queries over what TCP and the network record: state changes, and segments sent, arrived, lost, held or
 * released, by connection (from either end), flags and payload.
 */

import { flagNames, type Segment } from '../../sim/tcp/segment.ts';
import type { TcpState } from '../../sim/tcp/tcb.ts';
import type { EntryOf, TraceEntry } from '../../sim/trace.ts';
import {
  type ConnPattern,
  connTest,
  flagBits,
  isSegmentEntry,
  onConn,
  Query,
  type QueryContext,
  SEGMENT_KINDS,
  type SegmentEntry,
  type SegmentEvent,
} from './query.ts';

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
  return new Query(`a TCP state change${onConn(conn)}`, (e) => e.kind === 'tcp-state' && connOk(e.conn));
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
  return segment({ conn, event: 'send', flags: 'SYN', without: 'ACK', what: `a SYN leaving${onConn(conn)}` });
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
  return segment({ conn, event: 'send', flags: 'FIN', what: `a FIN leaving${onConn(conn)}` });
}

/** A RST leaving its host. */
export function rst(conn?: ConnPattern): Query<SegmentEntry> {
  return segment({ conn, event: 'send', flags: 'RST', what: `a RST leaving${onConn(conn)}` });
}

/** The segment in a segment entry, for tests that want its fields. */
export function segmentOf(e: TraceEntry): Segment | undefined {
  return isSegmentEntry(e) ? e.seg : undefined;
}
