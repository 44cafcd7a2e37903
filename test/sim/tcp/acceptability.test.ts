/** The segment acceptability test of RFC 9293 §3.10.7.4, first check, with RCV.NXT near 2^32. */

import { describe, expect, test } from 'vitest';
import { acceptable, seqAdd } from '../../../sim/tcp/index.ts';

const NXT = 2 ** 32 - 10;
const at = (n: number) => seqAdd(NXT, n);

describe('acceptability: RCV.NXT = 2^32 - 10', () => {
  test.each([
    // SEG.LEN = 0, RCV.WND = 0: SEG.SEQ = RCV.NXT
    [0, 0, 0, true],
    [0, 0, 1, false],
    [0, 0, -1, false],
    // SEG.LEN = 0, RCV.WND > 0: RCV.NXT =< SEG.SEQ < RCV.NXT+RCV.WND (and = the right edge, see below)
    [0, 100, 0, true],
    [0, 100, 99, true],
    [0, 100, 50, true], // straddles 2^32: RCV.NXT + 50 is 40
    [0, 100, -1, false],
    [0, 100, 101, false],
    // SEG.LEN > 0, RCV.WND = 0: never
    [1, 0, 0, false],
    [5, 0, -2, false],
    // SEG.LEN > 0, RCV.WND > 0: first or last octet in the window
    [10, 100, 0, true],
    [10, 100, -9, true], // last octet is RCV.NXT
    [10, 100, -10, false], // entirely old
    [10, 100, 99, true], // first octet at the last place of the window
    [10, 100, 100, false], // first octet beyond the window
    [300, 100, -100, false], // starts before and ends after: neither end inside (the RFC's test)
  ])('SEG.LEN %i, RCV.WND %i, SEG.SEQ = RCV.NXT%+i -> %s', (len, wnd, off, ok) => {
    expect(acceptable(NXT, wnd, at(off), len)).toBe(ok);
  });

  test('a zero-length segment at exactly RCV.NXT+RCV.WND is accepted, as BSD and Linux do', () => {
    expect(acceptable(NXT, 100, at(100), 0)).toBe(true);
    expect(acceptable(NXT, 100, at(100), 1)).toBe(false);
  });
});
