/**
 * Sequence-number arithmetic modulo 2^32 (RFC 9293 §3.4). Every comparison of two sequence numbers in the
 * TCP machine goes through these helpers, never through `<` on raw numbers, so wraparound is handled in
 * one place. Sequence numbers are held as unsigned 32-bit integers in a `number` (0 .. 2^32 - 1).
 *
 * Comparisons are meaningful only for numbers less than 2^31 apart, which TCP guarantees: a window is at
 * most 65535 octets here (no window scaling) and the MSL bounds how old a segment can be.
 */

/** 2^32: the size of the sequence space. */
export const SEQ_SPACE = 0x1_0000_0000;

/** `a + n` modulo 2^32 (n may be negative). */
export function seqAdd(a: number, n: number): number {
  return (a + n) >>> 0;
}

/** The signed distance from `b` to `a`: positive when `a` is after `b`. */
export function seqDiff(a: number, b: number): number {
  return (a - b) | 0;
}

export function seqLt(a: number, b: number): boolean {
  return ((a - b) | 0) < 0;
}

export function seqLe(a: number, b: number): boolean {
  return ((a - b) | 0) <= 0;
}

export function seqGt(a: number, b: number): boolean {
  return ((a - b) | 0) > 0;
}

export function seqGe(a: number, b: number): boolean {
  return ((a - b) | 0) >= 0;
}

/** Whichever of `a` and `b` comes later in sequence space. */
export function seqMax(a: number, b: number): number {
  return ((a - b) | 0) >= 0 ? a : b;
}

/** Whichever of `a` and `b` comes earlier in sequence space. */
export function seqMin(a: number, b: number): number {
  return ((a - b) | 0) <= 0 ? a : b;
}

/** `lo <= x < hi` in sequence space (an empty range when lo == hi). */
export function seqInRange(x: number, lo: number, hi: number): boolean {
  return ((x - lo) | 0) >= 0 && ((x - hi) | 0) < 0;
}

/** True for an integer in 0 .. 2^32 - 1, the only values a sequence number may take. */
export function isSeq(x: number): boolean {
  return Number.isInteger(x) && x >= 0 && x < SEQ_SPACE;
}
