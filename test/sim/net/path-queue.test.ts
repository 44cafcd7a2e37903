import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  drainStarted,
  EMPTY_WAIT_QUEUE,
  enqueueStart,
  startTimes,
  type WaitQueue,
} from '../../../sim/net/path-queue.ts';

describe('the wait queue', () => {
  it('drains exactly the start times at or before now', () => {
    const q = [10, 20, 20, 30].reduce(enqueueStart, EMPTY_WAIT_QUEUE);
    expect(startTimes(drainStarted(q, 19))).toEqual([20, 20, 30]);
    expect(startTimes(drainStarted(q, 20))).toEqual([30]);
    expect(drainStarted(q, 30)).toBe(EMPTY_WAIT_QUEUE);
    expect(startTimes(drainStarted(q, 9))).toEqual([10, 20, 20, 30]);
  });

  it('behaves as a plain sorted list, even when old versions are reused (step back, fork)', () => {
    const op = fc.oneof(
      fc.record({ kind: fc.constant('push' as const), gap: fc.integer({ min: 0, max: 5 }) }),
      fc.record({ kind: fc.constant('drain' as const), gap: fc.integer({ min: 0, max: 8 }) }),
      fc.record({ kind: fc.constant('back' as const), to: fc.nat() }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 200 }), (ops) => {
        // Each version: the queue, the list it should equal, the last start pushed, the last drain time.
        type Version = { q: WaitQueue; model: number[]; last: number; now: number };
        const versions: Version[] = [{ q: EMPTY_WAIT_QUEUE, model: [], last: 0, now: 0 }];
        let v = versions[0]!;
        for (const o of ops) {
          if (o.kind === 'back') {
            v = versions[o.to % versions.length]!;
            continue;
          }
          if (o.kind === 'push') {
            const start = Math.max(v.last, v.now) + o.gap;
            v = { q: enqueueStart(v.q, start), model: [...v.model, start], last: start, now: v.now };
          } else {
            const now = v.now + o.gap;
            v = { q: drainStarted(v.q, now), model: v.model.filter((t) => t > now), last: v.last, now };
          }
          versions.push(v);
        }
        for (const w of versions) {
          expect(startTimes(w.q)).toEqual(w.model);
          expect(w.q.size).toBe(w.model.length);
        }
      }),
    );
  });
});
