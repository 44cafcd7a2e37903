/**
 * The trace as JSON Lines: one entry per line, every field of the entry, in the order it was recorded
 * (`seq`, `at`, `host`, `kind`, then the kind's own fields). Written for tools (jq, a notebook), so:
 *
 * - `at` is simulated time in integer nanoseconds, exact;
 * - a segment (`seg`) is flattened: `src` and `dst` as 'addr:port', `seq` and `ack` absolute (as on the
 *   wire), `flags` as names ('SYN,ACK'), `wnd`, `mss` when the SYN carries it, `len` the payload length,
 *   and `preview`, the first 64 payload bytes as text (printable ASCII, CR, LF and TAB kept, any other
 *   byte as '.'), present only when there is a payload;
 * - any other byte array becomes `{ "len": n, "preview": "..." }` the same way. Byte-exact payloads are
 *   in the pcap, not here: a trace of a 10 MB transfer stays small.
 *
 * Kinds the view does not know are written all the same, field by field.
 */

import { flagNames, type Segment } from '../../sim/tcp/segment.ts';
import type { TraceEntry } from '../../sim/trace.ts';
import { preview } from './text.ts';

function isSegment(v: unknown): v is Segment {
  if (typeof v !== 'object' || v === null) return false;
  const s = v as Partial<Segment>;
  return (
    typeof s.seq === 'number' &&
    typeof s.flags === 'number' &&
    s.payload instanceof Uint8Array &&
    s.src !== undefined
  );
}

function segmentJson(s: Segment): Record<string, unknown> {
  const out: Record<string, unknown> = {
    src: `${s.src.addr}:${s.src.port}`,
    dst: `${s.dst.addr}:${s.dst.port}`,
    seq: s.seq,
    ack: s.ack,
    flags: flagNames(s.flags),
    wnd: s.wnd,
  };
  if (s.mss !== undefined) out.mss = s.mss;
  out.len = s.payload.length;
  if (s.payload.length > 0) out.preview = preview(s.payload);
  return out;
}

function replacer(_key: string, value: unknown): unknown {
  if (value instanceof Uint8Array) {
    return value.length > 0 ? { len: value.length, preview: preview(value) } : { len: 0 };
  }
  if (isSegment(value)) return segmentJson(value);
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Map) return Object.fromEntries(value);
  if (value instanceof Set) return [...value];
  return value;
}

/** One entry as one line of JSON. */
export function jsonLine(e: TraceEntry): string {
  return JSON.stringify(e, replacer);
}

/** Every entry of the trace (or of a prefix), one JSON line each. */
export function jsonLines(trace: readonly TraceEntry[]): string[] {
  return trace.map(jsonLine);
}
