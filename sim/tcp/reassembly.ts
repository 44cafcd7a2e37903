/**
 * The reassembly queue: segments that arrived in the window but after a gap (RFC 9293 §3.10.7.4, "segments
 * with higher beginning sequence numbers SHOULD be held for later processing"). Each entry keeps its text
 * and whether it carried a FIN, so that the FIN is processed when the gap before it fills.
 *
 * Entries are sorted by sequence number and may overlap (a retransmission that covers two earlier pieces);
 * `release` trims overlaps as it hands octets over in order. An immutable array: arrivals out of order are
 * rare next to in-order ones, so a copy per change costs little and keeps snapshots exact.
 */

import { seqAdd, seqDiff, seqGt, seqLe, seqLt } from './seq.ts';

export interface HeldSegment {
  /** Sequence number of the first octet of `data` (or of the FIN when `data` is empty). */
  readonly seq: number;
  readonly data: Uint8Array;
  readonly fin: boolean;
}

export type Reassembly = readonly HeldSegment[];

export const NO_HELD: Reassembly = Object.freeze([]) as Reassembly;

/** The queue with `seg` added, unless an entry at the same place already holds as much or more. */
export function hold(q: Reassembly, seg: HeldSegment): Reassembly {
  let i = 0;
  while (i < q.length && seqLt(q[i]!.seq, seg.seq)) i++;
  const same = q[i];
  if (same && same.seq === seg.seq) {
    if (same.data.length >= seg.data.length && (same.fin || !seg.fin)) return q;
    return [...q.slice(0, i), seg, ...q.slice(i + 1)];
  }
  return [...q.slice(0, i), seg, ...q.slice(i)];
}

/** Octets and FIN that the queue can hand over now that everything before `rcvNxt` has arrived. */
export interface Released {
  /** Text in order, starting at the old RCV.NXT (pieces to append to the receive buffer). */
  readonly pieces: Uint8Array[];
  /** RCV.NXT after the pieces (not counting the FIN). */
  readonly rcvNxt: number;
  /** A FIN follows the pieces. */
  readonly fin: boolean;
  readonly rest: Reassembly;
}

export function release(q: Reassembly, rcvNxt: number): Released {
  const pieces: Uint8Array[] = [];
  let nxt = rcvNxt;
  let fin = false;
  let i = 0;
  for (; i < q.length && !fin; i++) {
    const e = q[i]!;
    if (seqGt(e.seq, nxt)) break;
    const end = seqAdd(e.seq, e.data.length);
    if (seqGt(end, nxt)) {
      pieces.push(e.data.subarray(seqDiff(nxt, e.seq)));
      nxt = end;
    }
    if (e.fin && seqLe(nxt, end)) fin = true;
  }
  return { pieces, rcvNxt: nxt, fin, rest: i === 0 ? q : q.slice(i) };
}
