import { describe, expect, test } from 'vitest';
import { append, contents, drop, EMPTY_QUEUE, peek } from '../../../sim/tcp/bytes.ts';
import { hold, NO_HELD, release } from '../../../sim/tcp/reassembly.ts';
import { bytes } from './fixtures.ts';

const str = (b: Uint8Array) => String.fromCharCode(...b);

describe('ByteQueue', () => {
  test('octets come out in the order they went in, across chunk boundaries', () => {
    let q = EMPTY_QUEUE;
    for (const s of ['abc', 'de', 'fghij']) q = append(q, bytes(s));
    expect(q.length).toBe(10);
    expect(str(contents(q))).toBe('abcdefghij');
    expect(str(peek(q, 2, 5))).toBe('cdefg');
    q = drop(q, 4);
    expect(str(contents(q))).toBe('efghij');
    expect(str(peek(q, 1, 1))).toBe('f');
  });

  test('a request inside one chunk is a view of the application buffer, not a copy', () => {
    const buf = bytes('hello world');
    const q = append(EMPTY_QUEUE, buf);
    const view = peek(q, 6, 5);
    expect(view.buffer).toBe(buf.buffer);
    expect(view.byteOffset).toBe(6);
  });

  test('a kept version never drifts when a later version appends or drops', () => {
    const v1 = append(append(EMPTY_QUEUE, bytes('ab')), bytes('cd'));
    const v2 = append(v1, bytes('ef'));
    const v3 = drop(v2, 3);
    // A fork of v1 appends on its own: it must not see v2's chunk, nor overwrite it.
    const fork = append(v1, bytes('XY'));
    expect(str(contents(v1))).toBe('abcd');
    expect(str(contents(v2))).toBe('abcdef');
    expect(str(contents(v3))).toBe('def');
    expect(str(contents(fork))).toBe('abcdXY');
    expect(str(contents(append(v2, bytes('g'))))).toBe('abcdefg');
  });

  test('a deep-frozen version can still be appended to (by copying)', () => {
    const v1 = append(append(EMPTY_QUEUE, bytes('ab')), bytes('cd'));
    Object.freeze(v1.chunks);
    Object.freeze(v1);
    expect(str(contents(append(v1, bytes('e'))))).toBe('abcde');
  });

  test('many appends and drops stay linear and exact (the front is compacted)', () => {
    let q = EMPTY_QUEUE;
    let expected = 0;
    for (let i = 0; i < 5000; i++) {
      q = append(q, Uint8Array.of(i & 0xff, (i + 1) & 0xff));
      if (i % 2 === 1) {
        q = drop(q, 3);
        expected += 3;
      }
    }
    expect(expected).toBe(7500);
    expect(q.length).toBe(10_000 - expected);
    expect(q.chunks.length).toBeLessThan(5000);
    const all = contents(q);
    for (let k = 0; k < all.length; k++) {
      const pos = expected + k; // octet index in the stream
      const i = Math.floor(pos / 2);
      expect(all[k]).toBe((i + (pos % 2)) & 0xff);
    }
  });

  test('dropping everything gives the empty queue; appending nothing changes nothing', () => {
    const q = append(EMPTY_QUEUE, bytes('abc'));
    expect(drop(q, 3)).toBe(EMPTY_QUEUE);
    expect(append(q, new Uint8Array(0))).toBe(q);
    expect(() => drop(q, 4)).toThrow(/drop 4 of 3/);
  });
});

describe('reassembly queue', () => {
  test('segments beyond a gap are released in order once the gap fills, overlaps trimmed', () => {
    let q = NO_HELD;
    q = hold(q, { seq: 20, data: bytes('uvwxy'), fin: false });
    q = hold(q, { seq: 10, data: bytes('klmno'), fin: false });
    q = hold(q, { seq: 13, data: bytes('nopqrst'), fin: false });
    expect(q.map((e) => e.seq)).toEqual([10, 13, 20]);
    const r = release(q, 10);
    expect(r.pieces.map(str).join('')).toBe('klmnopqrstuvwxy');
    expect(r.rcvNxt).toBe(25);
    expect(r.fin).toBe(false);
    expect(r.rest).toEqual([]);
  });

  test('nothing is released while the gap is open', () => {
    const q = hold(NO_HELD, { seq: 20, data: bytes('abc'), fin: true });
    const r = release(q, 19);
    expect(r.pieces).toEqual([]);
    expect(r.rest).toBe(q);
  });

  test('a held FIN is released after its text, across the wrap of the sequence space', () => {
    const top = 2 ** 32 - 2;
    let q = hold(NO_HELD, { seq: 1, data: bytes('cd'), fin: true });
    q = hold(q, { seq: top, data: bytes('zab'), fin: false });
    const r = release(q, top);
    expect(r.pieces.map(str).join('')).toBe('zabcd');
    expect(r.rcvNxt).toBe(3);
    expect(r.fin).toBe(true);
  });

  test('a duplicate of a held segment is not held twice; a longer one replaces it', () => {
    const a = hold(NO_HELD, { seq: 5, data: bytes('abc'), fin: false });
    expect(hold(a, { seq: 5, data: bytes('ab'), fin: false })).toBe(a);
    const b = hold(a, { seq: 5, data: bytes('abcd'), fin: false });
    expect(b.map((e) => str(e.data))).toEqual(['abcd']);
  });
});
