/**
 * Kernel benchmark: events per second of the world's step loop on 100,000 pending timer events, beside a
 * bare binary-heap loop that does the same work (pop the earliest timer, push it back a pseudo-random delay
 * later). Both use the same delays, from one small LCG, so the heaps see the same shapes.
 */
import { StepLimitError } from '../sim/errors.ts';
import { World } from '../sim/world.ts';
import { report, time } from './util.ts';

const PENDING = 100_000;
const EVENTS = 2_000_000;

function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return 1 + (s >>> 12); // 1 .. 2^20 ns
  };
}

interface Ev {
  at: number;
  seq: number;
  id: number;
}

function bareLoop(): number {
  const next = lcg(1);
  const h: Ev[] = [];
  let seq = 0;
  const push = (e: Ev) => {
    let i = h.length;
    h.push(e);
    while (i > 0) {
      const p = (i - 1) >> 1;
      const q = h[p]!;
      if (q.at < e.at || (q.at === e.at && q.seq < e.seq)) break;
      h[i] = q;
      i = p;
    }
    h[i] = e;
  };
  const pop = (): Ev => {
    const top = h[0]!;
    const last = h.pop()!;
    const n = h.length;
    if (n > 0) {
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= n) break;
        let c = l;
        let child = h[l]!;
        const r = l + 1;
        if (r < n) {
          const right = h[r]!;
          if (right.at < child.at || (right.at === child.at && right.seq < child.seq)) {
            c = r;
            child = right;
          }
        }
        if (last.at < child.at || (last.at === child.at && last.seq < child.seq)) break;
        h[i] = child;
        i = c;
      }
      h[i] = last;
    }
    return top;
  };
  for (let i = 0; i < PENDING; i++) push({ at: next(), seq: seq++, id: i });
  let now = 0;
  let sum = 0;
  for (let n = 0; n < EVENTS; n++) {
    const e = pop();
    now = e.at;
    sum += e.id;
    push({ at: now + next(), seq: seq++, id: e.id });
  }
  return sum;
}

function kernelLoop(history: boolean): number {
  const next = lcg(1);
  const w = new World({ trace: false, history });
  let sum = 0;
  w.on('timer', (world, id: number) => {
    sum += id;
    world.after(next(), 'timer', id);
  });
  for (let i = 0; i < PENDING; i++) w.schedule(next(), 'timer', i);
  // The timers never stop, so the run ends at its step limit, which is the number of events to time.
  try {
    w.run({ maxSteps: EVENTS });
  } catch (e) {
    if (!(e instanceof StepLimitError)) throw e;
  }
  return sum;
}

export function kernelBench(): void {
  // Warm up both loops so the JIT has compiled them before they are timed.
  bareLoop();
  kernelLoop(false);
  const bare = time(() => bareLoop());
  const kernel = time(() => kernelLoop(false));
  const kernelHistory = time(() => kernelLoop(true));
  const rate = (s: number) => EVENTS / s;
  report('kernel: 100,000 pending timers, 2,000,000 events', [
    ['bare binary-heap loop', `${(rate(bare) / 1e6).toFixed(2)} M events/s`],
    ['kernel, tracing off, history off', `${(rate(kernel) / 1e6).toFixed(2)} M events/s`],
    ['kernel, tracing off, history on', `${(rate(kernelHistory) / 1e6).toFixed(2)} M events/s`],
    ['ratio bare / kernel (goal <= 2)', (kernel / bare).toFixed(2)],
    ['ratio bare / kernel with history', (kernelHistory / bare).toFixed(2)],
  ]);
}

if (import.meta.url === `file://${process.argv[1]}`) kernelBench();
