/**
 * The event queue: a min-heap ordered by (time, insertion sequence). Equal times keep insertion order, so a
 * run is a pure function of its inputs. An event is its four fields; the queue keeps them in parallel arrays
 * and builds a SimEvent object only for those who ask for one (inspection, `peek`, `pending`).
 *
 * Why this shape (measured on bench/ftp.ts, 10,000 sessions, ~100,000 pending events): a binary heap of
 * event objects spent 6% of the run in comparisons, nearly all of them cache misses on events scheduled
 * thousands of events earlier, and each event object was one more allocation that lived long enough to be
 * copied by the young-generation GC. Here a 4-ary heap compares numbers in typed arrays (four children
 * share a cache line, and the heap is half as deep), and taking the next event allocates nothing: `take()`
 * moves it into the queue's `taken*` fields.
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

const ARITY = 4;

export class EventQueue {
  /** The heap, in heap order: entry i is (ats[i], seqs[i], kinds[i], datas[i]). */
  private ats: Float64Array;
  private seqs: Float64Array;
  private kinds: string[] = [];
  private datas: unknown[] = [];

  /** The event the last `take()` removed. */
  takenAt: Time = 0;
  takenSeq = 0;
  takenKind = '';
  takenData: unknown;

  /** A queue holding `events`, in any order. */
  constructor(events: readonly SimEvent[] = []) {
    const capacity = Math.max(64, events.length);
    this.ats = new Float64Array(capacity);
    this.seqs = new Float64Array(capacity);
    for (const ev of events) this.push(ev.at, ev.seq, ev.kind, ev.data);
  }

  get size(): number {
    return this.kinds.length;
  }

  /** The time of the next event, or undefined when empty. */
  peekAt(): Time | undefined {
    return this.kinds.length === 0 ? undefined : this.ats[0];
  }

  /** The next event, as an object (for inspection). */
  peek(): SimEvent | undefined {
    return this.kinds.length === 0 ? undefined : this.entry(0);
  }

  push(at: Time, seq: number, kind: string, data: unknown): void {
    const { kinds, datas } = this;
    let i = kinds.length;
    if (i === this.ats.length) this.grow();
    const { ats, seqs } = this;
    kinds.push(kind);
    datas.push(data);
    // Sift up: move parents down until the new event's place is found.
    while (i > 0) {
      const p = ((i - 1) / ARITY) | 0;
      const pAt = ats[p]!;
      if (pAt < at || (pAt === at && seqs[p]! < seq)) break;
      this.move(p, i);
      i = p;
    }
    ats[i] = at;
    seqs[i] = seq;
    kinds[i] = kind;
    datas[i] = data;
  }

  /** Removes the next event into the `taken*` fields. Returns false when the queue is empty. */
  take(): boolean {
    const { ats, seqs, kinds, datas } = this;
    const n = kinds.length;
    if (n === 0) return false;
    this.takenAt = ats[0]!;
    this.takenSeq = seqs[0]!;
    this.takenKind = kinds[0]!;
    this.takenData = datas[0];
    const lastKind = kinds.pop()!;
    const lastData = datas.pop();
    const m = n - 1;
    if (m === 0) return true;
    const lastAt = ats[m]!;
    const lastSeq = seqs[m]!;
    // Sift down the last event from the root: at each level, the smallest of up to four children.
    let i = 0;
    for (;;) {
      const first = ARITY * i + 1;
      if (first >= m) break;
      let c = first;
      let cAt = ats[first]!;
      let cSeq = seqs[first]!;
      const end = Math.min(first + ARITY, m);
      for (let j = first + 1; j < end; j++) {
        const a = ats[j]!;
        if (a < cAt || (a === cAt && seqs[j]! < cSeq)) {
          c = j;
          cAt = a;
          cSeq = seqs[j]!;
        }
      }
      if (lastAt < cAt || (lastAt === cAt && lastSeq < cSeq)) break;
      this.move(c, i);
      i = c;
    }
    ats[i] = lastAt;
    seqs[i] = lastSeq;
    kinds[i] = lastKind;
    datas[i] = lastData;
    return true;
  }

  /** `take()`, as an object (for callers off the hot path). */
  pop(): SimEvent | undefined {
    if (!this.take()) return undefined;
    return { at: this.takenAt, seq: this.takenSeq, kind: this.takenKind, data: this.takenData };
  }

  /** An independent copy, for checkpoints and forks. */
  clone(): EventQueue {
    const q = new EventQueue();
    q.ats = this.ats.slice();
    q.seqs = this.seqs.slice();
    q.kinds = this.kinds.slice();
    q.datas = this.datas.slice();
    return q;
  }

  /** Pending events in the order they will run (objects, sorted; for inspection, not the hot path). */
  pending(): SimEvent[] {
    const out: SimEvent[] = [];
    for (let i = 0; i < this.kinds.length; i++) out.push(this.entry(i));
    return out.sort((a, b) => a.at - b.at || a.seq - b.seq);
  }

  private entry(i: number): SimEvent {
    return { at: this.ats[i]!, seq: this.seqs[i]!, kind: this.kinds[i]!, data: this.datas[i] };
  }

  private move(from: number, to: number): void {
    this.ats[to] = this.ats[from]!;
    this.seqs[to] = this.seqs[from]!;
    this.kinds[to] = this.kinds[from]!;
    this.datas[to] = this.datas[from];
  }

  private grow(): void {
    const ats = new Float64Array(this.ats.length * 2);
    const seqs = new Float64Array(this.seqs.length * 2);
    ats.set(this.ats);
    seqs.set(this.seqs);
    this.ats = ats;
    this.seqs = seqs;
  }
}
