/**
 * Segment templates and one fixture per TCP state, each built by driving the machine through real inputs
 * from createTcb (never by writing TCB fields), so a fixture is a state the machine can actually reach.
 *
 * Sequence numbers sit near 2^32 on both sides, so that wraparound is crossed by almost every test: our
 * ISS is 2^32 - 256 and the peer's is 2^32 - 3. Write them as `us(n)` and `peer(n)` (ISS + n, modulo 2^32).
 * Every fixture is reached at time NOW, after a handshake whose RTT was 10 ms (SRTT 10 ms, so the RTO is
 * the 200 ms minimum).
 */

import './matchers.ts';
import { expect } from 'vitest';
import {
  close,
  createTcb,
  EMPTY,
  type Endpoint,
  flagNames,
  handleSegment,
  listen,
  open,
  type Segment,
  type Step,
  seqAdd,
  type Tcb,
  type TcpOptions,
  type TcpState,
} from '../../../sim/tcp/index.ts';
import { MS } from '../../../sim/time.ts';

export const LOCAL: Endpoint = { addr: '10.0.0.1', port: 1025 };
export const REMOTE: Endpoint = { addr: '10.0.0.2', port: 21 };

export const ISS = 2 ** 32 - 256;
export const PEER_ISS = 2 ** 32 - 3;
/** Our sequence number ISS + n. */
export const us = (n: number): number => seqAdd(ISS, n);
/** The peer's sequence number PEER_ISS + n. */
export const peer = (n: number): number => seqAdd(PEER_ISS, n);

/** The RTT of the fixtures' handshake, and the time at which every fixture is ready. */
export const RTT = 10 * MS;
export const NOW = RTT;

/** A segment as tests write it: control bits by name, payload as text or a length. */
export interface SegSpec {
  readonly src?: Endpoint;
  readonly dst?: Endpoint;
  readonly ctl: string;
  readonly seq: number;
  readonly ack?: number;
  readonly wnd?: number;
  readonly mss?: number;
  /** Payload as latin1 text. */
  readonly data?: string;
  /** Payload length (octets of 'x') when `data` is not given. */
  readonly len?: number;
}

export const FROM_PEER = { src: REMOTE, dst: LOCAL, wnd: 65535 } as const;
export const TO_PEER = { src: LOCAL, dst: REMOTE } as const;

const BITS: Record<string, number> = { FIN: 0x01, SYN: 0x02, RST: 0x04, PSH: 0x08, ACK: 0x10, URG: 0x20 };

/** A Segment from a spec (src and dst default to FROM_PEER's). */
export function seg(spec: SegSpec): Segment {
  let flags = 0;
  for (const name of spec.ctl.split(',')) {
    const bit = BITS[name.trim()];
    if (bit === undefined) throw new Error(`unknown control bit ${name} in '${spec.ctl}'`);
    flags |= bit;
  }
  const payload =
    spec.data !== undefined
      ? Uint8Array.from(spec.data, (c) => c.charCodeAt(0))
      : spec.len
        ? new Uint8Array(spec.len).fill(0x78)
        : EMPTY;
  const s: Segment = {
    src: spec.src ?? REMOTE,
    dst: spec.dst ?? LOCAL,
    seq: spec.seq,
    ack: spec.ack ?? 0,
    flags,
    wnd: spec.wnd ?? 65535,
    payload,
    ...(spec.mss !== undefined ? { mss: spec.mss } : {}),
  };
  if (flagNames(flags) !== spec.ctl) throw new Error(`write control bits in the order ${flagNames(flags)}`);
  return s;
}

/** A segment from the peer arrives at `now` (NOW by default). */
export function deliver(tcb: Tcb, spec: SegSpec, now = NOW, iss?: number): Step {
  return handleSegment(tcb, seg({ ...FROM_PEER, ...spec }), now, iss);
}

function expectState(step: Step, state: TcpState): Tcb {
  expect(step).toBeInTcpState(state);
  return step.tcb;
}

export function closed(o: Partial<TcpOptions> = {}): Tcb {
  return createTcb(LOCAL, REMOTE, o);
}

export function listening(o: Partial<TcpOptions> = {}): Tcb {
  return expectState(listen(createTcb(LOCAL, null, o), ISS), 'LISTEN');
}

/** Our SYN left at time 0. */
export function synSent(o: Partial<TcpOptions> = {}): Tcb {
  return expectState(open(closed(o), ISS, 0), 'SYN-SENT');
}

/** The peer's SYN arrived at 0 and our SYN,ACK left. */
export function synReceived(o: Partial<TcpOptions> = {}): Tcb {
  return expectState(deliver(listening(o), { ctl: 'SYN', seq: PEER_ISS, mss: 1460 }, 0), 'SYN-RECEIVED');
}

/** The peer's SYN,ACK arrived at NOW (window `wnd`, MSS `mss`) and our ACK left. */
export function established(o: Partial<TcpOptions> = {}, wnd = 65535, mss = 1460): Tcb {
  const step = deliver(synSent(o), { ctl: 'SYN,ACK', seq: PEER_ISS, ack: us(1), wnd, mss });
  return expectState(step, 'ESTABLISHED');
}

/** We closed: our FIN (us(1)) is unacknowledged. */
export function finWait1(o: Partial<TcpOptions> = {}): Tcb {
  return expectState(close(established(o), NOW), 'FIN-WAIT-1');
}

/** Our FIN is acknowledged; the peer has not closed. */
export function finWait2(o: Partial<TcpOptions> = {}): Tcb {
  return expectState(deliver(finWait1(o), { ctl: 'ACK', seq: peer(1), ack: us(2) }), 'FIN-WAIT-2');
}

/** The peer closed first: its FIN (peer(1)) is acknowledged. */
export function closeWait(o: Partial<TcpOptions> = {}): Tcb {
  return expectState(deliver(established(o), { ctl: 'FIN,ACK', seq: peer(1), ack: us(1) }), 'CLOSE-WAIT');
}

/** Both closed at once: the peer's FIN crossed ours, which is still unacknowledged. */
export function closing(o: Partial<TcpOptions> = {}): Tcb {
  return expectState(deliver(finWait1(o), { ctl: 'FIN,ACK', seq: peer(1), ack: us(1) }), 'CLOSING');
}

/** The peer closed first, then we did: our FIN (us(1)) is unacknowledged. */
export function lastAck(o: Partial<TcpOptions> = {}): Tcb {
  return expectState(close(closeWait(o), NOW), 'LAST-ACK');
}

/** We closed first and both FINs are acknowledged: 2 MSL from NOW. */
export function timeWait(o: Partial<TcpOptions> = {}): Tcb {
  return expectState(deliver(finWait2(o), { ctl: 'FIN,ACK', seq: peer(1), ack: us(2) }), 'TIME-WAIT');
}

/** Octets of a test payload: 'abc...' repeated. */
export function text(n: number, from = 0): string {
  let s = '';
  for (let i = 0; i < n; i++) s += String.fromCharCode(97 + ((from + i) % 26));
  return s;
}

/** Bytes from latin1 text. */
export function bytes(s: string): Uint8Array {
  return Uint8Array.from(s, (c) => c.charCodeAt(0));
}
