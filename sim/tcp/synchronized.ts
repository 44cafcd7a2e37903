/**
 * SEGMENT ARRIVES in the synchronized states, SYN-RECEIVED to TIME-WAIT (RFC 9293 §3.10.7.4): the first
 * check (sequence number: acceptability and trimming to the window), the second (RST), the fourth (SYN),
 * then the fifth (ACK, in ack.ts), the seventh and eighth (text and FIN, in receive.ts), and finally
 * whatever may be sent in answer (output.ts). The third check (security) and the sixth (URG) are not
 * modelled.
 *
 * Where the RFC and real stacks part, the choice is written at the branch. Three are worth knowing:
 * a zero-length segment at exactly the right window edge is acceptable (as in BSD and Linux); the SYN,ACK
 * of a simultaneous open is processed in SYN-RECEIVED (RFC 9293 Figure 8, BSD, Linux); a retransmitted
 * SYN in SYN-RECEIVED draws the SYN,ACK again (Linux).
 */

import { assertNever, InvariantError } from '../errors.ts';
import type { Time } from '../time.ts';
import { processAck } from './ack.ts';
import { EMPTY_QUEUE } from './bytes.ts';
import { closedPortReply } from './closed.ts';
import { output, sendAck, sendSyn } from './output.ts';
import { NO_HELD } from './reassembly.ts';
import { ACK_NOW, notifyUser, receiveText } from './receive.ts';
import { ACK, EMPTY, FIN, RST, type Segment, SYN } from './segment.ts';
import { seqAdd, seqDiff, seqGe, seqInRange, seqLe } from './seq.ts';
import {
  CONNECTED,
  dropped,
  initialTcb,
  type MutTcb,
  REFUSED,
  RESET,
  setState,
  type TcpOutput,
} from './tcb.ts';

/**
 * The acceptability table of RFC 9293 §3.10.7.4, for a segment of SEG.LEN `len` at `seq`:
 *
 *   SEG.LEN  RCV.WND  test
 *   0        0        SEG.SEQ = RCV.NXT
 *   0        >0       RCV.NXT =< SEG.SEQ < RCV.NXT+RCV.WND
 *   >0       0        not acceptable
 *   >0       >0       RCV.NXT =< SEG.SEQ < RCV.NXT+RCV.WND
 *                     or RCV.NXT =< SEG.SEQ+SEG.LEN-1 < RCV.NXT+RCV.WND
 *
 * with one difference: a zero-length segment at exactly RCV.NXT+RCV.WND is acceptable, as in BSD and
 * Linux. A sender that has filled the window sends its pure ACKs with that sequence number; the strict
 * test would throw away the acknowledgments they carry.
 */
export function acceptable(rcvNxt: number, rcvWnd: number, seq: number, len: number): boolean {
  if (len === 0) {
    if (rcvWnd === 0) return seq === rcvNxt;
    return seqGe(seq, rcvNxt) && seqLe(seq, seqAdd(rcvNxt, rcvWnd));
  }
  if (rcvWnd === 0) return false;
  const edge = seqAdd(rcvNxt, rcvWnd);
  return seqInRange(seq, rcvNxt, edge) || seqInRange(seqAdd(seq, len - 1), rcvNxt, edge);
}

/**
 * A connection made by a passive OPEN goes back to LISTEN, with nothing left of the attempt (and the
 * remote socket unspecified again if it was at the OPEN). Its ISS is kept for the next SYN.
 */
function backToListen(t: MutTcb, out: TcpOutput[]): void {
  const remote = t.anyRemote ? null : t.remote;
  Object.assign(t, initialTcb(t.local, remote, t.options), {
    state: t.state,
    passive: true,
    anyRemote: t.anyRemote,
    iss: t.iss,
  });
  setState(t, 'LISTEN', out);
}

/** RST, SYN-in-window (RFC 793 rules) or abort: the queues are flushed (RFC 9293 §3.10.7.4). */
export function flush(t: MutTcb): void {
  t.sndQueue = EMPTY_QUEUE;
  t.rcvQueue = EMPTY_QUEUE;
  t.reassembly = NO_HELD;
}

/** Second check, a RST that passed the first: what it does depends on the state. */
function reset(t: MutTcb, out: TcpOutput[]): void {
  switch (t.state) {
    case 'SYN-RECEIVED':
      // "If this connection was initiated with a passive OPEN (i.e., came from the LISTEN state), then
      // return this connection to LISTEN state and return. ... If this connection was initiated with an
      // active OPEN (i.e., came from SYN-SENT state), then the connection was refused".
      if (t.passive) {
        backToListen(t, out);
        return;
      }
      flush(t);
      setState(t, 'CLOSED', out, REFUSED);
      return;
    case 'ESTABLISHED':
    case 'FIN-WAIT-1':
    case 'FIN-WAIT-2':
    case 'CLOSE-WAIT':
      // "any outstanding RECEIVEs and SEND should receive 'reset' responses. All segment queues should
      // be flushed. Users should also receive an unsolicited general 'connection reset' signal."
      flush(t);
      setState(t, 'CLOSED', out, RESET);
      return;
    case 'CLOSING':
    case 'LAST-ACK':
    case 'TIME-WAIT':
      // "enter the CLOSED state, delete the TCB, and return". (RFC 1337's TIME-WAIT protection is not
      // applied: RFC 9293 and Linux's default both accept the RST.)
      setState(t, 'CLOSED', out);
      return;
    case 'CLOSED':
    case 'LISTEN':
    case 'SYN-SENT':
      throw new InvariantError(`synchronized-state RST processing reached ${t.state}`);
    default:
      assertNever(t.state, 'TCP state');
  }
}

export function segmentArrivesSynchronized(t: MutTcb, seg: Segment, now: Time, out: TcpOutput[]): void {
  const flags = seg.flags;
  let seq = seg.seq;
  let payload = seg.payload;
  let syn = (flags & SYN) !== 0;
  let fin = (flags & FIN) !== 0;
  let ackNow = false;

  // The SYN,ACK of a simultaneous open repeats the SYN already received: only its ACK is news. Trim the
  // SYN, as BSD does, so that the rest is processed (RFC 9293 Figure 8, line 6).
  if (t.state === 'SYN-RECEIVED' && syn && flags & ACK && seq === t.irs) {
    syn = false;
    seq = seqAdd(seq, 1);
  }

  // First: check the sequence number.
  const len = payload.length + (syn ? 1 : 0) + (fin ? 1 : 0);
  if (!acceptable(t.rcvNxt, t.rcvWnd, seq, len)) {
    if (t.rcvWnd === 0 && seq === t.rcvNxt) {
      // "If the RCV.WND is zero, no segments will be acceptable, but special allowance should be made
      // to accept valid ACKs, URGs, and RSTs." The text (a window probe) is dropped and acknowledged.
      payload = EMPTY;
      fin = false;
      ackNow = true;
    } else if (flags & RST) {
      // "If the RST bit is set, drop the segment and return"
      out.push(dropped('not acceptable'));
      return;
    } else if (t.state === 'SYN-RECEIVED' && syn && !(flags & ACK) && seq === t.irs) {
      // The peer's SYN again: our SYN,ACK was lost. Send it again now rather than the bare ACK the RFC
      // gives, which a peer in SYN-SENT would drop (Linux does the same); its timer starts over.
      t.rtxAt = null;
      sendSyn(t, now, out);
      return;
    } else {
      // "send an acknowledgment: <SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK>" and drop the segment.
      // In TIME-WAIT this is the retransmitted FIN of §3.10.7.4: "Acknowledge it, and restart the 2 MSL
      // timeout."
      if (t.state === 'TIME-WAIT' && fin && seqAdd(seq, len) === t.rcvNxt)
        t.timeWaitAt = now + 2 * t.options.msl;
      out.push(dropped('not acceptable'));
      sendAck(t, out);
      return;
    }
  } else {
    // Trim to the idealized segment that starts at RCV.NXT and ends inside the window.
    let old = seqDiff(t.rcvNxt, seq);
    if (old > 0) {
      if (syn) {
        syn = false;
        seq = seqAdd(seq, 1);
        old--;
      }
      const cut = Math.min(old, payload.length);
      payload = payload.subarray(cut);
      seq = seqAdd(seq, cut);
      // Something before RCV.NXT arrived again: acknowledge at once (a duplicate ACK for the sender).
      ackNow = true;
    }
    const room = seqDiff(seqAdd(t.rcvNxt, t.rcvWnd), seq);
    if (payload.length > room) {
      // Octets beyond the window are dropped, and a FIN after them with them.
      payload = payload.subarray(0, room);
      fin = false;
      ackNow = true;
    }
  }

  // Second: check the RST bit.
  if (flags & RST) {
    if (t.options.rfc5961 && seg.seq !== t.rcvNxt) {
      // RFC 5961 §3.2: in the window but not exactly RCV.NXT: a "challenge ACK", and the segment is
      // dropped. A genuine reset is answered by the peer with a RST at the sequence number asked for.
      out.push(dropped('rst not exact'));
      sendAck(t, out);
      return;
    }
    reset(t, out);
    return;
  }

  // Fourth: check the SYN bit.
  if (syn) {
    if (t.state === 'SYN-RECEIVED' && t.passive) {
      // "If the connection was initiated with a passive OPEN, then return this connection to the LISTEN
      // state and return."
      backToListen(t, out);
      return;
    }
    if (t.options.rfc5961) {
      // RFC 5961 §4.2: "TCP endpoints MUST send a 'challenge ACK' ... drop the unacceptable segment".
      out.push(dropped('syn in window'));
      sendAck(t, out);
      return;
    }
    // RFC 793: "If the SYN is in the window it is an error, send a reset, ... enter the CLOSED state".
    out.push({ kind: 'segment', seg: closedPortReply(seg)! });
    flush(t);
    setState(t, 'CLOSED', out, RESET);
    return;
  }

  // Fifth: check the ACK field.
  const handshake = t.state === 'SYN-RECEIVED';
  if (!processAck(t, seg, now, out)) return;

  // Sixth, URG: not modelled. Seventh and eighth: text and FIN.
  const received = receiveText(t, seq, payload, fin, now, out);

  // Whatever the segment made possible (a window opened, data acknowledged) goes out now, with the ACK.
  output(t, now, out, ackNow || (received & ACK_NOW) !== 0);

  // The user's signals come last, after the segments.
  if (handshake) out.push(CONNECTED);
  notifyUser(received, out);
}
