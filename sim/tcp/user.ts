/**
 * The user calls of RFC 9293 §3.10.1-§3.10.6: OPEN (active and passive), SEND, RECEIVE (here `read`),
 * CLOSE and ABORT. Each takes the TCB and returns the next one with its outputs. A call that the RFC
 * answers with an error ("connection closing", ...) returns the TCB unchanged and an `error` output: such
 * calls happen in correct programs (a SEND that races an arriving RST), so they are values, not throws.
 * Misuse that no correct caller makes (a bad ISS, a negative count) throws a UsageError.
 *
 * Not modelled: STATUS (the TCB is the status), the timeout parameter of OPEN and SEND (see maxRetries),
 * urgent SENDs, a bounded send buffer (the queue holds the application's buffers by reference, without
 * copying them: do not change a buffer after sending it).
 */

import { assertNever, UsageError } from '../errors.ts';
import type { Time } from '../time.ts';
import { append, drop, EMPTY_QUEUE, peek } from './bytes.ts';
import { DEFAULT_OPTIONS, type TcpOptions, tcpOptions } from './options.ts';
import { output, sendAck, sendRst, sendSyn } from './output.ts';
import { startTiming } from './rto.ts';
import { EMPTY, type Endpoint } from './segment.ts';
import { isSeq, seqAdd } from './seq.ts';
import { flush } from './synchronized.ts';
import {
  copyTcb,
  dataStart,
  initialTcb,
  type MutTcb,
  type Step,
  setState,
  type Tcb,
  type TcpOutput,
  type UserCallError,
} from './tcb.ts';

function refuse(tcb: Tcb, error: UserCallError): Step {
  return { tcb, out: [{ kind: 'error', error }] };
}

/**
 * A TCB in CLOSED for the connection between `local` and `remote` (null: any remote, for a passive OPEN).
 * `options` are completed with the defaults and validated (a UsageError names a bad field).
 */
export function createTcb(
  local: Endpoint,
  remote: Endpoint | null = null,
  options: Partial<TcpOptions> = DEFAULT_OPTIONS,
): Tcb {
  return initialTcb(local, remote, tcpOptions(options));
}

/**
 * Active OPEN (§3.10.1), from CLOSED or LISTEN: the SYN leaves with `iss` (drawn by the caller from its
 * seeded stream) and the connection enters SYN-SENT.
 */
export function open(tcb: Tcb, iss: number, now: Time): Step {
  if (!isSeq(iss)) throw new UsageError(`open: the ISS must be an integer 0..2^32-1, not ${iss}`);
  if (tcb.state !== 'CLOSED' && tcb.state !== 'LISTEN') return refuse(tcb, 'connection already exists');
  if (tcb.remote === null) return refuse(tcb, 'foreign socket unspecified');
  const t = copyTcb(tcb);
  t.passive = false;
  t.anyRemote = false;
  const out: TcpOutput[] = [];
  t.iss = t.sndUna = t.sndNxt = t.rtxNxt = t.recover = iss;
  setState(t, 'SYN-SENT', out);
  startTiming(t, iss, now);
  sendSyn(t, now, out);
  return { tcb: t, out };
}

/**
 * Passive OPEN (§3.10.1), from CLOSED: wait in LISTEN for a SYN from the remote socket (any, when the
 * TCB has none). `iss` is the ISS the connection will use when a SYN arrives (see handleSegment).
 */
export function listen(tcb: Tcb, iss: number): Step {
  if (!isSeq(iss)) throw new UsageError(`listen: the ISS must be an integer 0..2^32-1, not ${iss}`);
  if (tcb.state !== 'CLOSED') return refuse(tcb, 'connection already exists');
  const t = copyTcb(tcb);
  t.passive = true;
  t.anyRemote = tcb.remote === null;
  t.iss = iss;
  const out: TcpOutput[] = [];
  setState(t, 'LISTEN', out);
  return { tcb: t, out };
}

/**
 * SEND (§3.10.2): queue `bytes` (kept by reference, not copied) and send what the windows allow. Before
 * the connection is established the octets wait in the queue; after CLOSE, SEND is an error.
 */
export function send(tcb: Tcb, bytes: Uint8Array, now: Time): Step {
  if (!(bytes instanceof Uint8Array)) throw new UsageError('send: bytes must be a Uint8Array');
  switch (tcb.state) {
    case 'CLOSED':
      return refuse(tcb, 'connection does not exist');
    case 'LISTEN':
      return refuse(tcb, 'foreign socket unspecified');
    case 'SYN-SENT':
    case 'SYN-RECEIVED':
    case 'ESTABLISHED':
    case 'CLOSE-WAIT': {
      // A CLOSE queued in SYN-RECEIVED already fixed where the data ends.
      if (tcb.finSeq !== null) return refuse(tcb, 'connection closing');
      if (bytes.length === 0) return { tcb, out: [] };
      const t = copyTcb(tcb);
      t.sndQueue = append(tcb.sndQueue, bytes);
      const out: TcpOutput[] = [];
      // "If the connection is in SYN-SENT or SYN-RECEIVED, queue the data for transmission after
      // entering ESTABLISHED state": output sends nothing in those states.
      output(t, now, out, false);
      return { tcb: t, out };
    }
    case 'FIN-WAIT-1':
    case 'FIN-WAIT-2':
    case 'CLOSING':
    case 'LAST-ACK':
    case 'TIME-WAIT':
      return refuse(tcb, 'connection closing');
    default:
      return assertNever(tcb.state, 'TCP state');
  }
}

export interface ReadStep extends Step {
  /** The octets read, in order (a view of the received segments when they lie in one). */
  readonly bytes: Uint8Array;
}

/** The peer may still send, so a reopened window is worth announcing. */
function peerMaySend(t: Tcb): boolean {
  return (
    !t.finReceived && (t.state === 'ESTABLISHED' || t.state === 'FIN-WAIT-1' || t.state === 'FIN-WAIT-2')
  );
}

/**
 * RECEIVE (§3.10.3): take up to `maxBytes` octets that arrived in order. An empty result means nothing is
 * readable now; `atEof(tcb)` tells whether more can ever come. Octets already received stay readable in
 * every state, CLOSED after an orderly close included (a reset flushes them, as the RFC says).
 *
 * Reading frees buffer space, and the window reopens under the receiver's SWS avoidance of RFC 9293
 * §3.8.6.2.2: the right edge moves only when it can move by min(RCV.BUFF / 2, Eff.snd.MSS). The new
 * window is announced at once when it at least doubles a window of at most half the buffer (Linux's
 * rule; this is how a zero window reopens), and otherwise rides on the next segment.
 */
export function read(tcb: Tcb, maxBytes: number, _now?: Time): ReadStep {
  if (!(maxBytes >= 0)) throw new UsageError(`read: maxBytes must be >= 0, not ${maxBytes}`);
  const n = Math.min(tcb.rcvQueue.length, maxBytes);
  if (n === 0) {
    if (tcb.state === 'CLOSED' && !tcb.finReceived) {
      return { tcb, out: [{ kind: 'error', error: 'connection does not exist' }], bytes: EMPTY };
    }
    return { tcb, out: [], bytes: EMPTY };
  }
  const t = copyTcb(tcb);
  const out: TcpOutput[] = [];
  const bytes = take(t, n, out);
  return { tcb: t, out, bytes };
}

/**
 * `read(tcb, Infinity)` on a TCB that its caller owns: one returned by a step of this machine that no one
 * else has been given yet (the socket layer reading at once for an application, inside the step that received
 * the octets). The TCB is edited in place rather than copied, and the outputs are appended to `out`. A TCB
 * anyone else may hold must go through `read`, which never changes it.
 */
export function readOwned(t: MutTcb, out: TcpOutput[]): Uint8Array {
  const n = t.rcvQueue.length;
  if (n === 0) {
    if (t.state === 'CLOSED' && !t.finReceived)
      out.push({ kind: 'error', error: 'connection does not exist' });
    return EMPTY;
  }
  return take(t, n, out);
}

/** Takes `n` readable octets (n > 0) and reopens the window as `read` describes. */
function take(t: MutTcb, n: number, out: TcpOutput[]): Uint8Array {
  const bytes = peek(t.rcvQueue, 0, n);
  t.rcvQueue = drop(t.rcvQueue, n);
  const buf = t.options.rcvBuf;
  const before = t.rcvWnd;
  const room = buf - t.rcvQueue.length;
  if (room - before >= Math.min(Math.floor(buf / 2), t.sndMss)) t.rcvWnd = room;
  if (t.rcvWnd !== before && before * 2 <= buf && t.rcvWnd >= 2 * before && peerMaySend(t)) {
    sendAck(t, out);
  }
  return bytes;
}

/**
 * CLOSE (§3.10.4): no more data will be sent. The FIN follows the queued octets; the connection keeps
 * receiving until the peer closes too.
 */
export function close(tcb: Tcb, now: Time): Step {
  switch (tcb.state) {
    case 'CLOSED':
      return refuse(tcb, 'connection does not exist');
    case 'LISTEN':
    case 'SYN-SENT': {
      // "Any outstanding RECEIVEs are returned with 'error: closing' responses. Delete TCB, enter
      // CLOSED state, and return." (SYN-SENT: "... and return 'error: closing' responses to any queued
      // SENDs".)
      const t = copyTcb(tcb);
      t.sndQueue = EMPTY_QUEUE;
      const out: TcpOutput[] = [];
      setState(t, 'CLOSED', out);
      return { tcb: t, out };
    }
    case 'SYN-RECEIVED':
    case 'ESTABLISHED':
    case 'CLOSE-WAIT': {
      if (tcb.finSeq !== null) return refuse(tcb, 'connection closing');
      const t = copyTcb(tcb);
      t.finSeq = seqAdd(dataStart(tcb), tcb.sndQueue.length);
      const out: TcpOutput[] = [];
      // SYN-RECEIVED: "queue for processing after entering ESTABLISHED state" (ack.ts sends the FIN
      // then). ESTABLISHED: "In any case, enter FIN-WAIT-1 state." CLOSE-WAIT: "then send a FIN
      // segment, enter LAST-ACK state."
      if (t.state === 'ESTABLISHED') setState(t, 'FIN-WAIT-1', out);
      else if (t.state === 'CLOSE-WAIT') setState(t, 'LAST-ACK', out);
      output(t, now, out, false);
      return { tcb: t, out };
    }
    case 'FIN-WAIT-1':
    case 'FIN-WAIT-2':
    case 'CLOSING':
    case 'LAST-ACK':
    case 'TIME-WAIT':
      // "Strictly speaking, this is an error and should receive an 'error: connection closing'
      // response." No second FIN is ever sent.
      return refuse(tcb, 'connection closing');
    default:
      return assertNever(tcb.state, 'TCP state');
  }
}

/** ABORT (§3.10.5): the connection ends at once; a reset tells the peer when it knows of us. */
export function abort(tcb: Tcb, _now?: Time): Step {
  const t = copyTcb(tcb);
  const out: TcpOutput[] = [];
  switch (tcb.state) {
    case 'CLOSED':
      return refuse(tcb, 'connection does not exist');
    case 'LISTEN':
    case 'SYN-SENT':
    case 'CLOSING':
    case 'LAST-ACK':
    case 'TIME-WAIT':
      // No RST: the peer has nothing to reset (LISTEN, SYN-SENT) or has closed already.
      break;
    case 'SYN-RECEIVED':
    case 'ESTABLISHED':
    case 'FIN-WAIT-1':
    case 'FIN-WAIT-2':
    case 'CLOSE-WAIT':
      // "Send a reset segment: <SEQ=SND.NXT><CTL=RST>"
      sendRst(t, out);
      break;
    default:
      return assertNever(tcb.state, 'TCP state');
  }
  flush(t);
  setState(t, 'CLOSED', out);
  return { tcb: t, out };
}
