/**
 * A pure test harness: two TCP machines joined by a fake link, stepped to the earliest event (a delivery
 * or a TCB deadline). No engine, no real time. The link delivers each segment after `delay` plus whatever
 * the fault schedule adds; the schedule can drop, duplicate or delay any segment (by its index in its
 * direction), which also reorders. A side whose TCB has reached CLOSED answers like a closed port.
 *
 * Applications are minimal: a side reads everything as soon as it is readable (unless `slowReader`), and
 * the test drives writes and closes through `send`, `close`, `abort`, or `onEvent` hooks.
 */

import {
  closedPortReply,
  createTcb,
  type Endpoint,
  handleSegment,
  handleTimeout,
  listen,
  nextDeadline,
  open,
  read,
  type Segment,
  type Step,
  type Tcb,
  type TcpOptions,
  type TcpOutput,
  type TcpState,
  abort as tcpAbort,
  close as tcpClose,
  send as tcpSend,
} from '../../../sim/tcp/index.ts';
import type { Time } from '../../../sim/time.ts';

export type SideName = 'a' | 'b';

/** What happens to one segment on the link. */
export interface Fate {
  readonly drop?: boolean;
  readonly duplicate?: boolean;
  /** Added to the link delay (a large value overtakes nothing but is overtaken: reordering). */
  readonly extraDelay?: Time;
}

/** The fault schedule: the fate of the n-th segment sent by `from` (0-based). */
export type Schedule = (from: SideName, n: number, seg: Segment) => Fate;

export const CLEAN: Schedule = () => ({});

export interface Side {
  readonly name: SideName;
  readonly endpoint: Endpoint;
  tcb: Tcb;
  /** Every state the TCB went through, starting with its first. */
  readonly states: TcpState[];
  /** When the TCB last entered CLOSED (null while it is not closed). */
  closedAt: Time | null;
  /** Every output other than segments, in order. */
  readonly events: TcpOutput[];
  /** Octets read by the application, in order. */
  readonly received: Uint8Array[];
  /** Segments this side sent (after the TCB made them, before the link). */
  readonly sent: Segment[];
  /** Leave octets in the receive buffer (the test reads them, or `readChunk` per step). */
  slowReader: boolean;
  /** A slow reader takes at most this many octets after each step of the pair (0: none). */
  readChunk: number;
  /** Called after each call that produced outputs, e.g. to close when the peer closes. */
  onEvent?: (o: TcpOutput, pair: Pair) => void;
}

interface Flight {
  readonly at: Time;
  readonly order: number;
  readonly to: SideName;
  readonly seg: Segment;
}

export interface PairOptions {
  readonly a?: Partial<TcpOptions>;
  readonly b?: Partial<TcpOptions>;
  readonly delay?: Time;
  readonly schedule?: Schedule;
  readonly issA?: number;
  readonly issB?: number;
  /** B opens actively too (a simultaneous open) instead of listening. */
  readonly simultaneous?: boolean;
  /**
   * Deep-freeze every TCB the machine returns before handing it back: any later attempt by the machine
   * to change a value it was given then throws.
   */
  readonly freeze?: boolean;
}

/** Object.freeze through objects and arrays (typed arrays cannot be frozen and are left as they are). */
export function deepFreeze<T>(x: T): T {
  if (x === null || typeof x !== 'object' || ArrayBuffer.isView(x) || Object.isFrozen(x)) return x;
  Object.freeze(x);
  for (const v of Object.values(x as object)) deepFreeze(v);
  return x;
}

export const A_END: Endpoint = { addr: '10.0.0.1', port: 40000 };
export const B_END: Endpoint = { addr: '10.0.0.2', port: 21 };

export class Pair {
  now: Time = 0;
  readonly a: Side;
  readonly b: Side;
  private flights: Flight[] = [];
  private order = 0;
  private readonly count = { a: 0, b: 0 };
  private readonly delay: Time;
  private readonly schedule: Schedule;
  private readonly freeze: boolean;
  /** Segments the link dropped, for assertions. */
  readonly lost: Segment[] = [];
  steps = 0;

  /** A connects to B, which listens. Nothing moves until `step` or `run`. */
  constructor(o: PairOptions = {}) {
    this.delay = o.delay ?? 10_000_000;
    this.schedule = o.schedule ?? CLEAN;
    this.freeze = o.freeze ?? false;
    this.a = this.side('a', A_END, createTcb(A_END, B_END, o.a ?? {}));
    this.b = this.side('b', B_END, createTcb(B_END, o.simultaneous ? A_END : null, o.b ?? {}));
    const issB = o.issB ?? 0xffff_ff00;
    this.apply(this.b, o.simultaneous ? open(this.b.tcb, issB, this.now) : listen(this.b.tcb, issB));
    this.apply(this.a, open(this.a.tcb, o.issA ?? 0xffff_fff0, this.now));
  }

  private side(name: SideName, endpoint: Endpoint, tcb: Tcb): Side {
    return {
      name,
      endpoint,
      tcb,
      states: [tcb.state],
      closedAt: null,
      events: [],
      received: [],
      sent: [],
      slowReader: false,
      readChunk: 0,
    };
  }

  peerOf(s: Side): Side {
    return s === this.a ? this.b : this.a;
  }

  send(s: Side, bytes: Uint8Array | string): void {
    const b = typeof bytes === 'string' ? new TextEncoder().encode(bytes) : bytes;
    this.apply(s, tcpSend(s.tcb, b, this.now));
  }

  close(s: Side): void {
    this.apply(s, tcpClose(s.tcb, this.now));
  }

  abort(s: Side): void {
    this.apply(s, tcpAbort(s.tcb, this.now));
  }

  /** The host forgets the connection without a word (a crash and reboot): its TCB is CLOSED. */
  crash(s: Side): void {
    s.tcb = createTcb(s.endpoint, null);
    s.states.push('CLOSED');
  }

  /** After a crash, the side opens again from the same port with a new ISS. */
  reopen(s: Side, iss: number): void {
    s.tcb = createTcb(s.endpoint, this.peerOf(s).endpoint);
    this.apply(s, open(s.tcb, iss, this.now));
  }

  /** The application reads up to `max` octets. */
  read(s: Side, max = Number.POSITIVE_INFINITY): Uint8Array {
    const r = read(s.tcb, max, this.now);
    this.apply(s, r);
    if (r.bytes.length > 0) s.received.push(r.bytes);
    return r.bytes;
  }

  /** All octets a side has read, as one string (latin1, one char per octet). */
  text(s: Side): string {
    let out = '';
    for (const c of s.received) for (const x of c) out += String.fromCharCode(x);
    return out;
  }

  private apply(s: Side, step: Step): void {
    s.tcb = this.freeze ? deepFreeze(step.tcb) : step.tcb;
    for (const o of step.out) {
      if (o.kind === 'segment') {
        s.sent.push(o.seg);
        this.transmit(s.name, o.seg);
        continue;
      }
      if (o.kind === 'state') {
        s.states.push(o.to);
        s.closedAt = o.to === 'CLOSED' ? this.now : null;
      }
      s.events.push(o);
      if (o.kind === 'data' && !s.slowReader) this.read(s);
      s.onEvent?.(o, this);
    }
  }

  private transmit(from: SideName, seg: Segment): void {
    const n = this.count[from]++;
    const fate = this.schedule(from, n, seg);
    if (fate.drop) {
      this.lost.push(seg);
      return;
    }
    const to: SideName = from === 'a' ? 'b' : 'a';
    const at = this.now + this.delay + (fate.extraDelay ?? 0);
    this.flights.push({ at, order: this.order++, to, seg });
    if (fate.duplicate) this.flights.push({ at: at + 1, order: this.order++, to, seg });
  }

  /** The time of the next event, or null when nothing is in flight and no timer runs. */
  nextEvent(): Time | null {
    let next: Time | null = null;
    for (const f of this.flights) if (next === null || f.at < next) next = f.at;
    for (const s of [this.a, this.b]) {
      const d = nextDeadline(s.tcb);
      if (d !== null && (next === null || d < next)) next = d;
    }
    return next;
  }

  /** Advances to the earliest event and processes it. Returns false when idle. */
  step(): boolean {
    let busy = this.stepOnce();
    for (const s of [this.a, this.b]) {
      if (s.slowReader && s.readChunk > 0 && s.tcb.rcvQueue.length > 0) {
        this.read(s, s.readChunk);
        busy = true;
      }
    }
    return busy;
  }

  private stepOnce(): boolean {
    const at = this.nextEvent();
    if (at === null) return false;
    this.steps++;
    this.now = Math.max(this.now, at);
    // Deliveries first, in the order they were sent, then timers (a and then b).
    let i = -1;
    for (let j = 0; j < this.flights.length; j++) {
      const f = this.flights[j]!;
      if (f.at <= this.now && (i < 0 || f.order < this.flights[i]!.order)) i = j;
    }
    if (i >= 0) {
      const [f] = this.flights.splice(i, 1);
      this.deliver(f!.to === 'a' ? this.a : this.b, f!.seg);
      return true;
    }
    for (const s of [this.a, this.b]) {
      const d = nextDeadline(s.tcb);
      if (d !== null && d <= this.now) this.apply(s, handleTimeout(s.tcb, this.now));
    }
    return true;
  }

  private deliver(s: Side, seg: Segment): void {
    if (s.tcb.state === 'CLOSED') {
      const reply = closedPortReply(seg);
      if (reply) {
        s.sent.push(reply);
        this.transmit(s.name, reply);
      }
      return;
    }
    this.apply(s, handleSegment(s.tcb, seg, this.now));
  }

  /** Steps until idle or `until` holds; throws after `maxSteps` (a livelock is a failure, not a hang). */
  run(until: (p: Pair) => boolean = () => false, maxSteps = 100_000): void {
    while (!until(this)) {
      if (!this.step()) return;
      if (this.steps > maxSteps) throw new Error(`pair still busy after ${maxSteps} steps at t=${this.now}`);
    }
  }

  /** Runs until both sides are established (or idle). */
  connect(): void {
    this.run((p) => p.a.tcb.state === 'ESTABLISHED' && p.b.tcb.state === 'ESTABLISHED');
  }
}
