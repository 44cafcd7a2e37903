import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import {
  isSeq,
  SEQ_SPACE,
  seqAdd,
  seqDiff,
  seqGe,
  seqGt,
  seqInRange,
  seqLe,
  seqLt,
  seqMax,
  seqMin,
} from '../../../sim/tcp/seq.ts';

const TOP = SEQ_SPACE - 1;

describe('sequence arithmetic modulo 2^32', () => {
  test('adding wraps past 2^32 - 1 to 0, and subtracting wraps back', () => {
    expect(seqAdd(TOP, 1)).toBe(0);
    expect(seqAdd(TOP - 2, 5)).toBe(2);
    expect(seqAdd(2, -5)).toBe(TOP - 2);
    expect(seqAdd(0, 0)).toBe(0);
  });

  test('comparisons see 2^32 - 3 as before 2 (the gap crosses zero)', () => {
    expect(seqLt(TOP - 2, 2)).toBe(true);
    expect(seqGt(2, TOP - 2)).toBe(true);
    expect(seqLe(TOP - 2, TOP - 2)).toBe(true);
    expect(seqGe(2, 2)).toBe(true);
    expect(seqLt(2, 2)).toBe(false);
    expect(seqDiff(2, TOP - 2)).toBe(5);
    expect(seqDiff(TOP - 2, 2)).toBe(-5);
    expect(seqMax(TOP, 1)).toBe(1);
    expect(seqMin(TOP, 1)).toBe(TOP);
  });

  test('ranges are half-open and may straddle zero', () => {
    expect(seqInRange(TOP, TOP - 1, 3)).toBe(true);
    expect(seqInRange(0, TOP - 1, 3)).toBe(true);
    expect(seqInRange(3, TOP - 1, 3)).toBe(false);
    expect(seqInRange(TOP - 2, TOP - 1, 3)).toBe(false);
    expect(seqInRange(5, 5, 5)).toBe(false);
  });

  test('isSeq accepts exactly the integers 0 .. 2^32 - 1', () => {
    expect([0, 1, TOP].map(isSeq)).toEqual([true, true, true]);
    expect([-1, SEQ_SPACE, 1.5, Number.NaN].map(isSeq)).toEqual([false, false, false, false]);
  });

  test('for any a and any distance below 2^31, a + d is after a, with distance d', () => {
    fc.assert(
      fc.property(fc.nat({ max: TOP }), fc.integer({ min: 1, max: 2 ** 31 - 1 }), (a, d) => {
        const b = seqAdd(a, d);
        return isSeq(b) && seqLt(a, b) && seqGt(b, a) && !seqLt(b, a) && seqDiff(b, a) === d;
      }),
    );
  });
});
