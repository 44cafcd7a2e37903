/**
 * The TCP connection state: the eleven states of RFC 9293 §3.3.2, the Transmission Control Block, the
 * outputs a transition returns, and the one place where the state changes (`setState`, which traces).
 *
 * A Tcb is an immutable value to everyone who holds one. Each input (a user call, a segment, a timeout)
 * makes one shallow copy (`copyTcb`), edits the copy and returns it, so a snapshot kept by a trace or a
 * stepper never drifts. Immer would cost several times more on the per-segment path.
 *
 * Names follow the RFC where it has one (SND.UNA is `sndUna`, RCV.WND is `rcvWnd`, ...). Not here: the
 * processing itself (arrival.ts, synchronized.ts, ack.ts, receive.ts, output.ts, user.ts, timers.ts).
 */

import { assertNever } from '../errors.ts';
import type { Time } from '../time.ts';
import { type ByteQueue, EMPTY_QUEUE } from './bytes.ts';
import { DEFAULT_PEER_MSS, MAX_WINDOW, type TcpOptions } from './options.ts';
import { NO_HELD, type Reassembly } from './reassembly.ts';
import type { Endpoint, Segment } from './segment.ts';

export type TcpState =
  | 'CLOSED'
  | 'LISTEN'
  | 'SYN-SENT'
  | 'SYN-RECEIVED'
  | 'ESTABLISHED'
  | 'FIN-WAIT-1'
  | 'FIN-WAIT-2'
  | 'CLOSE-WAIT'
  | 'CLOSING'
  | 'LAST-ACK'
  | 'TIME-WAIT';

export const TCP_STATES: readonly TcpState[] = [
  'CLOSED',
  'LISTEN',
  'SYN-SENT',
  'SYN-RECEIVED',
  'ESTABLISHED',
  'FIN-WAIT-1',
  'FIN-WAIT-2',
  'CLOSE-WAIT',
  'CLOSING',
  'LAST-ACK',
  'TIME-WAIT',
];

export interface Tcb {
  readonly state: TcpState;
  readonly options: TcpOptions;
  readonly local: Endpoint;
  /** The remote socket; null while listening (and in the CLOSED value a listener is made from). */
  readonly remote: Endpoint | null;
  /** Created by a passive OPEN: a reset in SYN-RECEIVED returns to LISTEN (RFC 9293 §3.10.7.4). */
  readonly passive: boolean;
  /** A passive OPEN with the remote socket unspecified: back in LISTEN, it is unspecified again. */
  readonly anyRemote: boolean;

  // Send sequence space (RFC 9293 §3.3.1).
  readonly iss: number;
  /** SND.UNA: oldest unacknowledged sequence number. */
  readonly sndUna: number;
  /** SND.NXT: next new sequence number to send. Never moves back (see rtxNxt). */
  readonly sndNxt: number;
  /** SND.WND: the window the peer last offered. */
  readonly sndWnd: number;
  readonly sndWl1: number;
  readonly sndWl2: number;
  /** MAX.SND.WND: the largest window the peer has offered (RFC 9293 §3.8.6.2.1, RFC 5961 §5). */
  readonly maxSndWnd: number;
  /** Eff.snd.MSS: min(our MSS, the peer's announced MSS or 536). */
  readonly sndMss: number;
  /**
   * Where sending resumes: equal to SND.NXT, except after a retransmission timeout (go-back-N from
   * SND.UNA, as in BSD) and after a zero-window probe, when it is behind SND.NXT and the octets between
   * are sent again before any new data.
   */
  readonly rtxNxt: number;
  /** Sequence number of our FIN once the user has called CLOSE, else null. */
  readonly finSeq: number | null;
  /** Octets written and not yet acknowledged; octet 0 has sequence number `dataStart(tcb)`. */
  readonly sndQueue: ByteQueue;

  // Receive sequence space.
  readonly irs: number;
  /** RCV.NXT: next sequence number expected. */
  readonly rcvNxt: number;
  /** RCV.WND: the window offered; its right edge RCV.NXT + RCV.WND never moves left. */
  readonly rcvWnd: number;
  /** Octets received in order and not yet read by the application (RCV.USER is its length). */
  readonly rcvQueue: ByteQueue;
  /** Segments received beyond a gap, held for reassembly. */
  readonly reassembly: Reassembly;
  /** The peer's FIN has been processed: after the octets in rcvQueue, the stream ends. */
  readonly finReceived: boolean;

  // Retransmission timer (RFC 6298).
  /** SRTT in ns, null until the first RTT sample. */
  readonly srtt: Time | null;
  readonly rttvar: Time;
  /** The current RTO, including any backoff. */
  readonly rto: Time;
  /** Consecutive retransmissions (or unanswered zero-window probes) without progress. */
  readonly retries: number;
  /** The segment being timed for an RTT sample: its first sequence number and when it left. */
  readonly rttSeq: number;
  readonly rttStart: Time | null;

  // Congestion control (RFC 5681, RFC 6582).
  readonly cwnd: number;
  readonly ssthresh: number;
  readonly dupAcks: number;
  /** `recover` of RFC 6582: the highest sequence number sent when loss recovery last began. */
  readonly recover: number;
  /** In NewReno fast recovery. */
  readonly inRecovery: boolean;
  /** A partial ACK has already restarted the timer in this recovery (RFC 6582 §3.2 step 5). */
  readonly partialAcked: boolean;

  // Timers, as deadlines in simulated time (null when not running).
  /** Retransmission timer. */
  readonly rtxAt: Time | null;
  /** Persist timer: probe a zero (or too small) window. Never runs together with rtxAt. */
  readonly persistAt: Time | null;
  /** Zero-window probes sent in this episode: the exponent of the persist backoff. */
  readonly probes: number;
  /** Delayed ACK timer. */
  readonly ackAt: Time | null;
  /** 2 * MSL timer of TIME-WAIT. */
  readonly timeWaitAt: Time | null;
}

/** A user-call error of RFC 9293 §3.10, spelled as the RFC spells it. */
export type UserCallError =
  | 'connection does not exist'
  | 'connection already exists'
  | 'connection closing'
  | 'foreign socket unspecified';

/** Why an arriving segment was dropped, for traces that explain what the machine ignored. */
export type DropReason =
  | 'not acceptable' // §3.10.7.4 first check: outside the receive window
  | 'rst ignored' // a RST that must not reset (LISTEN, unacceptable ACK in SYN-SENT, ...)
  | 'rst not exact' // RFC 5961 §3: in window but not RCV.NXT: challenge ACK
  | 'syn in window' // RFC 5961 §4: challenge ACK
  | 'no ack' // §3.10.7.4 fifth check: ACK bit off
  | 'ack not acceptable' // an ACK of something not sent, or too old (RFC 5961 §5)
  | 'no syn or rst' // SYN-SENT: neither SYN nor RST
  | 'unexpected'; // LISTEN: neither SYN, ACK nor RST

export type TcpTimer = 'retransmit' | 'persist' | 'delayed-ack' | 'time-wait';

export type CongestionEvent = 'fast-retransmit' | 'partial-ack' | 'recovered' | 'timeout';

export type TcpOutput =
  | { readonly kind: 'segment'; readonly seg: Segment }
  | { readonly kind: 'state'; readonly from: TcpState; readonly to: TcpState }
  /** The connection reached ESTABLISHED (both directions synchronized). */
  | { readonly kind: 'connected' }
  /** New octets are readable (how many: `readable(tcb)`). */
  | { readonly kind: 'data' }
  /** The peer's FIN: after the readable octets, the stream from the peer ends. */
  | { readonly kind: 'peer-closed' }
  /** The connection was reset by the peer (RST in a synchronized state). */
  | { readonly kind: 'reset' }
  /** The connection attempt was refused (RST in answer to our SYN). */
  | { readonly kind: 'refused' }
  /** Retransmissions or zero-window probes went unanswered `maxRetries` (or `synRetries`) times. */
  | { readonly kind: 'timed-out' }
  /** The TCB reached CLOSED and can be deleted; always the last output of the call that closes it. */
  | { readonly kind: 'closed' }
  | { readonly kind: 'error'; readonly error: UserCallError }
  | { readonly kind: 'timer'; readonly timer: TcpTimer }
  | { readonly kind: 'drop'; readonly reason: DropReason }
  | {
      readonly kind: 'congestion';
      readonly event: CongestionEvent;
      readonly cwnd: number;
      readonly ssthresh: number;
    };

/** What every input returns: the next TCB and what happened, in order. */
export interface Step {
  readonly tcb: Tcb;
  readonly out: readonly TcpOutput[];
}

/** The copy a transition edits before returning it. */
export type MutTcb = { -readonly [K in keyof Tcb]: Tcb[K] };

// Outputs without fields are shared constants: no allocation on the per-segment path.
export const CONNECTED: TcpOutput = Object.freeze({ kind: 'connected' });
export const DATA: TcpOutput = Object.freeze({ kind: 'data' });
export const PEER_CLOSED: TcpOutput = Object.freeze({ kind: 'peer-closed' });
export const RESET: TcpOutput = Object.freeze({ kind: 'reset' });
export const REFUSED: TcpOutput = Object.freeze({ kind: 'refused' });
export const TIMED_OUT: TcpOutput = Object.freeze({ kind: 'timed-out' });
export const CLOSED_EVENT: TcpOutput = Object.freeze({ kind: 'closed' });

export function dropped(reason: DropReason): TcpOutput {
  return { kind: 'drop', reason };
}

/**
 * The one place a state changes: records the transition for the trace, then the event it causes, if
 * any (the state change comes first, so a listener that reacts to the event sees the new state). On
 * CLOSED it stops every timer and emits 'closed' last, so a caller deletes the TCB on that event alone.
 */
export function setState(t: MutTcb, to: TcpState, out: TcpOutput[], cause?: TcpOutput): void {
  if (t.state === to) return;
  out.push({ kind: 'state', from: t.state, to });
  t.state = to;
  if (cause) out.push(cause);
  if (to === 'CLOSED') {
    t.rtxAt = null;
    t.persistAt = null;
    t.ackAt = null;
    t.timeWaitAt = null;
    out.push(CLOSED_EVENT);
  }
}

/**
 * The one shallow copy an input makes. Spelled out field by field, not `{ ...tcb }`: on Node 20 spreading
 * an object of this size costs about 1 us (the generic clone path), a literal of known shape about 40 ns,
 * and the copy is on every segment's path. A field missing here is a type error (MutTcb needs them all).
 */
export function copyTcb(t: Tcb): MutTcb {
  return {
    state: t.state,
    options: t.options,
    local: t.local,
    remote: t.remote,
    passive: t.passive,
    anyRemote: t.anyRemote,
    iss: t.iss,
    sndUna: t.sndUna,
    sndNxt: t.sndNxt,
    sndWnd: t.sndWnd,
    sndWl1: t.sndWl1,
    sndWl2: t.sndWl2,
    maxSndWnd: t.maxSndWnd,
    sndMss: t.sndMss,
    rtxNxt: t.rtxNxt,
    finSeq: t.finSeq,
    sndQueue: t.sndQueue,
    irs: t.irs,
    rcvNxt: t.rcvNxt,
    rcvWnd: t.rcvWnd,
    rcvQueue: t.rcvQueue,
    reassembly: t.reassembly,
    finReceived: t.finReceived,
    srtt: t.srtt,
    rttvar: t.rttvar,
    rto: t.rto,
    retries: t.retries,
    rttSeq: t.rttSeq,
    rttStart: t.rttStart,
    cwnd: t.cwnd,
    ssthresh: t.ssthresh,
    dupAcks: t.dupAcks,
    recover: t.recover,
    inRecovery: t.inRecovery,
    partialAcked: t.partialAcked,
    rtxAt: t.rtxAt,
    persistAt: t.persistAt,
    probes: t.probes,
    ackAt: t.ackAt,
    timeWaitAt: t.timeWaitAt,
  };
}

/**
 * Sequence number of the first octet in the send queue: just after the SYN until the SYN is
 * acknowledged, SND.UNA after that (states past SYN-RECEIVED are only reached once it is).
 */
export function dataStart(t: Tcb): number {
  switch (t.state) {
    case 'CLOSED':
    case 'LISTEN':
    case 'SYN-SENT':
    case 'SYN-RECEIVED':
      return (t.iss + 1) >>> 0;
    case 'ESTABLISHED':
    case 'FIN-WAIT-1':
    case 'FIN-WAIT-2':
    case 'CLOSE-WAIT':
    case 'CLOSING':
    case 'LAST-ACK':
    case 'TIME-WAIT':
      return t.sndUna;
    default:
      return assertNever(t.state, 'TCP state');
  }
}

/** Octets the application can read now. */
export function readable(t: Tcb): number {
  return t.rcvQueue.length;
}

/** Octets written by the application and not yet acknowledged by the peer. */
export function unacknowledged(t: Tcb): number {
  return t.sndQueue.length;
}

/** The application has read everything the peer will ever send. */
export function atEof(t: Tcb): boolean {
  return t.finReceived && t.rcvQueue.length === 0;
}

/**
 * A TCB in CLOSED with every field at its initial value: what OPEN and LISTEN start from. Field order is
 * fixed here, so every TCB shares one object shape (which keeps the per-segment copy fast).
 */
export function initialTcb(local: Endpoint, remote: Endpoint | null, options: TcpOptions): Tcb {
  return {
    state: 'CLOSED',
    options,
    local,
    remote,
    passive: false,
    anyRemote: false,
    iss: 0,
    sndUna: 0,
    sndNxt: 0,
    sndWnd: 0,
    sndWl1: 0,
    sndWl2: 0,
    maxSndWnd: 0,
    sndMss: Math.min(options.mss, DEFAULT_PEER_MSS),
    rtxNxt: 0,
    finSeq: null,
    sndQueue: EMPTY_QUEUE,
    irs: 0,
    rcvNxt: 0,
    rcvWnd: options.rcvBuf,
    rcvQueue: EMPTY_QUEUE,
    reassembly: NO_HELD,
    finReceived: false,
    srtt: null,
    rttvar: 0,
    rto: options.initialRto,
    retries: 0,
    rttSeq: 0,
    rttStart: null,
    cwnd: 0,
    // RFC 5681 §3.1: "arbitrarily high", the largest window that can be offered.
    ssthresh: MAX_WINDOW,
    dupAcks: 0,
    recover: 0,
    inRecovery: false,
    partialAcked: false,
    rtxAt: null,
    persistAt: null,
    probes: 0,
    ackAt: null,
    timeWaitAt: null,
  };
}
