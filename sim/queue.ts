/**
 * The event queue: a binary min-heap ordered by (time, insertion sequence). Equal times keep insertion
 * order, so a run is a pure function of its inputs. Events are immutable values; the heap array is the
 * only mutable thing, and `snapshot()` copies it (the events themselves are shared).
 */

import type { Time } from './time.ts';

export interface SimEvent {
  readonly at: Time;
  /** Insertion sequence: unique per world, increasing. Breaks ties between equal times. */
  readonly seq: number;
  /** Which handler runs it (see World.on). */
  readonly kind: string;
  readonly data: unknown;
}

function before(a: SimEvent, b: SimEvent): boolean {
  return a.at < b.at || (a.at === b.at && a.seq < b.seq);
}

export class EventQueue {
  private heap: SimEvent[];

  constructor(events: readonly SimEvent[] = []) {
    this.heap = events.slice();
  }

  get size(): number {
    return this.heap.length;
  }

  peek(): SimEvent | undefined {
    return this.heap[0];
  }

  push(ev: SimEvent): void {
    const h = this.heap;
    let i = h.length;
    h.push(ev);
    // Sift up: move parents down until ev's place is found.
    while (i > 0) {
      const p = (i - 1) >> 1;
      const parent = h[p]!;
      if (!before(ev, parent)) break;
      h[i] = parent;
      i = p;
    }
    h[i] = ev;
  }

  pop(): SimEvent | undefined {
    const h = this.heap;
    const top = h[0];
    const last = h.pop();
    if (top === undefined || last === undefined || h.length === 0) return top;
    // Sift down the last element from the root.
    const n = h.length;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      let c = l;
      let child = h[l]!;
      if (r < n) {
        const right = h[r]!;
        if (before(right, child)) {
          c = r;
          child = right;
        }
      }
      if (!before(child, last)) break;
      h[i] = child;
      i = c;
    }
    h[i] = last;
    return top;
  }

  /** A copy of the heap array, for checkpoints and forks. A heap copied as an array is still a heap. */
  snapshot(): readonly SimEvent[] {
    return this.heap.slice();
  }

  /** Pending events in the order they will run (sorted copy; for inspection, not the hot path). */
  pending(): SimEvent[] {
    return this.heap.slice().sort((a, b) => (before(a, b) ? -1 : 1));
  }
}
