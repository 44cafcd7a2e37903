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
 *
 * Lanes: most events are scheduled a fixed delay after the moment they are scheduled (a segment arrives one
 * path latency after it is sent), and such events come in time order by themselves. An event pushed with the
 * time it was scheduled at (`now`) goes to the lane of its delay, a plain FIFO, when that keeps the lane in
 * order; anything else goes to the heap. `take()` picks the least (time, sequence) among the heap's top and
 * the lanes' heads, so the order is exactly the heap's alone. Measured on bench/ftp.ts (10,000 sessions): 89%
 * of events are segment arrivals, which then skip the heap's sifting and its cache misses.
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
/** At most this many lanes (distinct delays) at once; events of further delays go to the heap. */
const MAX_LANES = 8;
/** A lane drops its consumed front once it is this long and most of the lane. */
const COMPACT_AFTER = 4096;

/** A FIFO of events of one delay, in (time, sequence) order: entries [head, length) of its arrays. */
class Lane {
  ats: number[] = [];
  seqs: number[] = [];
  kinds: string[] = [];
  datas: unknown[] = [];
  head = 0;

  constructor(public delay: Time) {}

  get size(): number {
    return this.kinds.length - this.head;
  }

  /** Entry i of the arrays as an object (for inspection). */
  event(i: number): SimEvent {
    return { at: this.ats[i]!, seq: this.seqs[i]!, kind: this.kinds[i]!, data: this.datas[i] };
  }

  /** Appends the event if that keeps the lane in order; false otherwise. */
  offer(at: Time, seq: number, kind: string, data: unknown): boolean {
    const n = this.ats.length;
    if (n > this.head && this.ats[n - 1]! > at) return false;
    this.ats.push(at);
    this.seqs.push(seq);
    this.kinds.push(kind);
    this.datas.push(data);
    return true;
  }

  shift(): void {
    this.datas[this.head] = undefined; // let the data go
    this.head++;
    if (this.head === this.kinds.length) {
      this.ats.length = 0;
      this.seqs.length = 0;
      this.kinds.length = 0;
      this.datas.length = 0;
      this.head = 0;
    } else if (this.head >= COMPACT_AFTER && this.head * 2 > this.kinds.length) {
      // copyWithin, not splice: splice would build an array of the removed entries.
      const n = this.kinds.length - this.head;
      for (const a of [this.ats, this.seqs, this.kinds, this.datas] as unknown[][]) {
        a.copyWithin(0, this.head);
        a.length = n;
      }
      this.head = 0;
    }
  }

  clone(): Lane {
    const l = new Lane(this.delay);
    l.ats = this.ats.slice(this.head);
    l.seqs = this.seqs.slice(this.head);
    l.kinds = this.kinds.slice(this.head);
    l.datas = this.datas.slice(this.head);
    return l;
  }
}

export class EventQueue {
  /** The heap, in heap order: entry i is (ats[i], seqs[i], kinds[i], datas[i]). */
  private ats: Float64Array;
  private seqs: Float64Array;
  private kinds: string[] = [];
  private datas: unknown[] = [];
  private lanes: Lane[] = [];
  /** Events in the heap and the lanes. */
  private count = 0;
  /**
   * What nextLane() last found, while nothing has been pushed or taken since (`chosen` undefined: unknown):
   * the run loop asks for the next time, then takes that event, and the lanes need scanning once for both.
   */
  private chosen: Lane | null | undefined;

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
    return this.count;
  }

  /** The time of the next event, or undefined when empty. */
  peekAt(): Time | undefined {
    const lane = this.nextLane();
    if (lane !== null) return lane.ats[lane.head];
    return this.kinds.length === 0 ? undefined : this.ats[0];
  }

  /** The next event, as an object (for inspection). */
  peek(): SimEvent | undefined {
    const lane = this.nextLane();
    if (lane !== null) {
      return lane.event(lane.head);
    }
    return this.kinds.length === 0 ? undefined : this.entry(0);
  }

  /**
   * Adds an event. `now`, when given, is the time it is scheduled at: the event may then go to the lane of
   * its delay (`at - now`). Sequence numbers must increase from one push to the next.
   */
  push(at: Time, seq: number, kind: string, data: unknown, now?: Time): void {
    this.count++;
    this.chosen = undefined;
    if (now !== undefined && this.toLane(at - now, at, seq, kind, data)) return;
    this.pushHeap(at, seq, kind, data);
  }

  private toLane(delay: Time, at: Time, seq: number, kind: string, data: unknown): boolean {
    const { lanes } = this;
    for (let i = 0; i < lanes.length; i++) {
      const lane = lanes[i]!;
      if (lane.delay === delay) return lane.offer(at, seq, kind, data);
    }
    if (lanes.length < MAX_LANES) {
      const lane = new Lane(delay);
      lanes.push(lane);
      return lane.offer(at, seq, kind, data);
    }
    // All lanes taken: an empty one changes its delay (the first events of a run, scheduled at its start
    // with one-off delays, must not keep the lanes from the delays that recur).
    for (let i = 0; i < lanes.length; i++) {
      const lane = lanes[i]!;
      if (lane.size === 0) {
        lane.delay = delay;
        return lane.offer(at, seq, kind, data);
      }
    }
    return false;
  }

  /**
   * The lane whose head comes before every other lane's head and the heap's top, or null when the heap's top
   * comes first (or everything is empty).
   */
  private nextLane(): Lane | null {
    if (this.chosen !== undefined) return this.chosen;
    let best: Lane | null = null;
    let bestAt = 0;
    let bestSeq = 0;
    if (this.kinds.length > 0) {
      bestAt = this.ats[0]!;
      bestSeq = this.seqs[0]!;
    } else bestAt = Number.POSITIVE_INFINITY;
    const { lanes } = this;
    for (let i = 0; i < lanes.length; i++) {
      const lane = lanes[i]!;
      const h = lane.head;
      if (h === lane.kinds.length) continue;
      const a = lane.ats[h]!;
      if (a < bestAt || (a === bestAt && lane.seqs[h]! < bestSeq)) {
        best = lane;
        bestAt = a;
        bestSeq = lane.seqs[h]!;
      }
    }
    this.chosen = best;
    return best;
  }

  private pushHeap(at: Time, seq: number, kind: string, data: unknown): void {
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
    if (this.count === 0) return false;
    this.count--;
    const lane = this.nextLane();
    this.chosen = undefined;
    if (lane !== null) {
      const h = lane.head;
      this.takenAt = lane.ats[h]!;
      this.takenSeq = lane.seqs[h]!;
      this.takenKind = lane.kinds[h]!;
      this.takenData = lane.datas[h];
      lane.shift();
      return true;
    }
    this.takeHeap();
    return true;
  }

  private takeHeap(): void {
    const { ats, seqs, kinds, datas } = this;
    const n = kinds.length;
    this.takenAt = ats[0]!;
    this.takenSeq = seqs[0]!;
    this.takenKind = kinds[0]!;
    this.takenData = datas[0];
    const lastKind = kinds.pop()!;
    const lastData = datas.pop();
    const m = n - 1;
    if (m === 0) return;
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
    q.lanes = this.lanes.map((l) => l.clone());
    q.count = this.count;
    return q;
  }

  /** Pending events in the order they will run (objects, sorted; for inspection, not the hot path). */
  pending(): SimEvent[] {
    const out: SimEvent[] = [];
    for (let i = 0; i < this.kinds.length; i++) out.push(this.entry(i));
    for (const l of this.lanes) {
      for (let i = l.head; i < l.kinds.length; i++) {
        out.push(l.event(i));
      }
    }
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
