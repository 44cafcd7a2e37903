import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EventQueue, type SimEvent } from '../../sim/queue.ts';

const ev = (at: number, seq: number): SimEvent => ({ at, seq, kind: 'k', data: null });

function put(q: EventQueue, e: SimEvent): void {
  q.push(e.at, e.seq, e.kind, e.data);
}

function drain(q: EventQueue): SimEvent[] {
  const out: SimEvent[] = [];
  for (let e = q.pop(); e !== undefined; e = q.pop()) out.push(e);
  return out;
}

describe('EventQueue', () => {
  it('pops in time order', () => {
    const q = new EventQueue();
    for (const [i, t] of [30, 10, 20].entries()) put(q, ev(t, i));
    expect(drain(q).map((e) => e.at)).toEqual([10, 20, 30]);
  });

  it('keeps insertion order between equal times', () => {
    const q = new EventQueue();
    for (let i = 0; i < 50; i++) put(q, ev(i % 2 === 0 ? 5 : 1, i));
    const out = drain(q);
    expect(out.slice(0, 25).every((e) => e.at === 1)).toBe(true);
    for (let i = 1; i < out.length; i++) {
      if (out[i]!.at === out[i - 1]!.at) expect(out[i]!.seq).toBeGreaterThan(out[i - 1]!.seq);
    }
  });

  it('is empty after draining and pops undefined', () => {
    const q = new EventQueue();
    expect(q.pop()).toBeUndefined();
    put(q, ev(1, 0));
    expect(q.pop()?.at).toBe(1);
    expect(q.size).toBe(0);
    expect(q.pop()).toBeUndefined();
  });

  it('orders any sequence of pushes and pops by (time, seq)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 20 }), fc.boolean()), { maxLength: 200 }),
        (ops) => {
          const q = new EventQueue();
          const model: SimEvent[] = [];
          let seq = 0;
          for (const [t, pop] of ops) {
            if (pop) {
              model.sort((a, b) => a.at - b.at || a.seq - b.seq);
              expect(q.pop()).toEqual(model.shift());
            } else {
              const e = ev(t, seq++);
              put(q, e);
              model.push(e);
            }
          }
          model.sort((a, b) => a.at - b.at || a.seq - b.seq);
          expect(drain(q)).toEqual(model);
        },
      ),
    );
  });

  it('a clone is an independent copy', () => {
    const q = new EventQueue();
    for (const [i, t] of [5, 3, 9, 1].entries()) put(q, ev(t, i));
    const copy = q.clone();
    q.pop();
    expect(drain(copy).map((e) => e.at)).toEqual([1, 3, 5, 9]);
    expect(drain(q).map((e) => e.at)).toEqual([3, 5, 9]);
  });

  it('takes events in any order, and grows past its first capacity', () => {
    const events = Array.from({ length: 1000 }, (_, i) => ev((i * 7919) % 101, i));
    const q = new EventQueue(events.slice().reverse());
    for (let i = 0; i < 500; i++) put(q, ev((i * 31) % 57, 1000 + i));
    const out = drain(q);
    expect(out).toHaveLength(1500);
    for (let i = 1; i < out.length; i++) {
      const a = out[i - 1]!;
      const b = out[i]!;
      expect(a.at < b.at || (a.at === b.at && a.seq < b.seq)).toBe(true);
    }
  });

  it('take() moves the next event into the taken fields, and peek() shows it without taking it', () => {
    const q = new EventQueue([ev(9, 0), ev(4, 1)]);
    expect(q.peekAt()).toBe(4);
    expect(q.peek()).toEqual(ev(4, 1));
    expect(q.size).toBe(2);
    expect(q.take()).toBe(true);
    expect([q.takenAt, q.takenSeq, q.takenKind]).toEqual([4, 1, 'k']);
    expect(q.take()).toBe(true);
    expect(q.takenAt).toBe(9);
    expect(q.take()).toBe(false);
    expect(q.peekAt()).toBeUndefined();
  });

  it('with lanes, takes events in exactly the order of (time, seq), whatever the delays and the clock', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            fc.record({ op: fc.constant('push' as const), delay: fc.integer({ min: 0, max: 12 }) }),
            fc.record({ op: fc.constant('take' as const), delay: fc.constant(0) }),
            fc.record({ op: fc.constant('clone' as const), delay: fc.constant(0) }),
            fc.record({ op: fc.constant('rewind' as const), delay: fc.integer({ min: 1, max: 9 }) }),
          ),
          { maxLength: 300 },
        ),
        (ops) => {
          let q = new EventQueue();
          const model: SimEvent[] = [];
          let seq = 0;
          let now = 0;
          for (const { op, delay } of ops) {
            if (op === 'push') {
              // Many events share a few delays (lanes); the clock moves as events are taken.
              const e = ev(now + (delay % 5 === 0 ? delay * 3 : delay), seq++);
              q.push(e.at, e.seq, e.kind, e.data, now);
              model.push(e);
            } else if (op === 'take') {
              model.sort((a, b) => a.at - b.at || a.seq - b.seq);
              const want = model.shift();
              expect(q.peekAt()).toBe(want?.at);
              expect(q.pop()).toEqual(want);
              if (want !== undefined) now = want.at;
            } else if (op === 'rewind') {
              now = Math.max(0, now - delay); // a lane's tail may now be later than what comes next
            } else q = q.clone();
            expect(q.size).toBe(model.length);
          }
          model.sort((a, b) => a.at - b.at || a.seq - b.seq);
          expect(q.pending()).toEqual(model);
          expect(drain(q)).toEqual(model);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('a long lane drops its consumed front and keeps its order', () => {
    const q = new EventQueue();
    let seq = 0;
    let now = 0;
    const order: number[] = [];
    for (let round = 0; round < 3; round++) {
      // One delay, so one lane; the clock moves on with each push.
      for (let i = 0; i < 6000; i++) q.push(now + 10, seq++, 'k', null, now++);
      for (let i = 0; i < 5000; i++) {
        expect(q.take()).toBe(true);
        order.push(q.takenSeq);
      }
    }
    while (q.take()) order.push(q.takenSeq);
    expect(order).toHaveLength(18000);
    expect(order.every((s, i) => i === 0 || s > order[i - 1]!)).toBe(true);
  });
});
