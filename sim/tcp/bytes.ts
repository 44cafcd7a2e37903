/**
 * ByteQueue: an immutable queue of octets, used for the send buffer (written by the application, not yet
 * acknowledged) and for the receive buffer (arrived in order, not yet read). Owns no sequence numbers:
 * the TCB maps offsets to them.
 *
 * Octets are never copied on the way in: the queue holds the application's buffers (or the payload views
 * of arriving segments) as chunks, and hands out `subarray` views of them. A copy is made only when one
 * request spans two chunks (a segment that coalesces several small writes, a read across segments).
 *
 * Persistence without copying: the chunk array is shared by all versions of a queue and only ever grows
 * at its end. A version owns the slots [first, end); `append` pushes in place when `end` is the array's
 * length (no other version has appended past it, so no existing version can see the new slot), and copies
 * the array otherwise (a forked snapshot appending on its own). Dropping from the front only moves
 * `first`/`head`. So a kept snapshot never drifts, and appending or consuming costs O(1), where copying
 * the chunk list on every change would be O(n) per segment for a transfer written in many pieces.
 */

import { invariant } from '../errors.ts';
import { EMPTY } from './segment.ts';

export interface ByteQueue {
  /** Shared, append-only backing array. Only slots [first, end) belong to this version. */
  readonly chunks: readonly Uint8Array[];
  readonly first: number;
  readonly end: number;
  /** Octets already consumed from chunks[first]. */
  readonly head: number;
  /** Octets in the queue. */
  readonly length: number;
}

export const EMPTY_QUEUE: ByteQueue = Object.freeze({
  chunks: Object.freeze([]) as readonly Uint8Array[],
  first: 0,
  end: 0,
  head: 0,
  length: 0,
});

/** When this many consumed slots sit at the front and they are most of the array, append compacts. */
const COMPACT_AFTER = 64;

export function append(q: ByteQueue, bytes: Uint8Array): ByteQueue {
  if (bytes.length === 0) return q;
  if (q.length === 0) return { chunks: [bytes], first: 0, end: 1, head: 0, length: bytes.length };
  let chunks = q.chunks as Uint8Array[];
  let first = q.first;
  let end = q.end;
  // Copy when another version has appended past ours, when the consumed front is most of the array,
  // and when a holder has frozen the array (deep-freezing a snapshot is allowed).
  if (chunks.length !== end || (first > COMPACT_AFTER && first * 2 > end) || Object.isFrozen(chunks)) {
    chunks = chunks.slice(first, end);
    end -= first;
    first = 0;
  }
  chunks.push(bytes);
  return { chunks, first, end: end + 1, head: q.head, length: q.length + bytes.length };
}

/** The queue without its first `n` octets. */
export function drop(q: ByteQueue, n: number): ByteQueue {
  if (n === 0) return q;
  invariant(n > 0 && n <= q.length, `drop ${n} of ${q.length} octets`);
  if (n === q.length) return EMPTY_QUEUE;
  let first = q.first;
  let head = q.head + n;
  for (;;) {
    const size = q.chunks[first]!.length;
    if (head < size) break;
    head -= size;
    first++;
  }
  return { chunks: q.chunks, first, end: q.end, head, length: q.length - n };
}

/**
 * The `len` octets starting `offset` octets into the queue: a view when they lie in one chunk, a copy
 * when they span several.
 */
export function peek(q: ByteQueue, offset: number, len: number): Uint8Array {
  if (len === 0) return EMPTY;
  invariant(offset >= 0 && len > 0 && offset + len <= q.length, `peek ${offset}+${len} of ${q.length}`);
  let i = q.first;
  let at = q.head + offset;
  for (;;) {
    const size = q.chunks[i]!.length;
    if (at < size) break;
    at -= size;
    i++;
  }
  const c = q.chunks[i]!;
  if (at + len <= c.length) return c.subarray(at, at + len);
  const out = new Uint8Array(len);
  let filled = 0;
  while (filled < len) {
    const chunk = q.chunks[i++]!;
    const n = Math.min(chunk.length - at, len - filled);
    out.set(chunk.subarray(at, at + n), filled);
    filled += n;
    at = 0;
  }
  return out;
}

/** Every octet in the queue, in order (a view when the queue is one chunk). */
export function contents(q: ByteQueue): Uint8Array {
  return q.length === 0 ? EMPTY : peek(q, 0, q.length);
}
