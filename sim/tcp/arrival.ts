/**
 * SEGMENT ARRIVES (RFC 9293 §3.10.7): the entry point for every segment, and the three unsynchronized
 * states, CLOSED (§3.10.7.1), LISTEN (§3.10.7.2) and SYN-SENT (§3.10.7.3). The synchronized states are
 * in synchronized.ts.
 *
 * Not modelled: the security/compartment check, IP options, TCP options other than MSS, data or FIN
 * carried on a SYN (dropped, as Linux does without TCP Fast Open: the peer sends them again).
 */

import { assertNever, UsageError } from '../errors.ts';
import type { Time } from '../time.ts';
import { establish, takeWindow } from './ack.ts';
import { closedPortReply } from './closed.ts';
import { DEFAULT_PEER_MSS } from './options.ts';
import { output, sendSyn } from './output.ts';
import { notifyUser, receiveText } from './receive.ts';
import { startTiming, stopTiming } from './rto.ts';
import { ACK, FIN, RST, type Segment, SYN } from './segment.ts';
import { isSeq, seqAdd, seqGt, seqLe } from './seq.ts';
import { flush, segmentArrivesSynchronized } from './synchronized.ts';
import {
  CONNECTED,
  copyTcb,
  dropped,
  type MutTcb,
  REFUSED,
  type Step,
  setState,
  type Tcb,
  type TcpOutput,
} from './tcb.ts';

/** Eff.snd.MSS from the peer's SYN: min(our MSS, its MSS option, or 536 without one). */
function takePeerMss(t: MutTcb, seg: Segment): void {
  t.sndMss = Math.min(t.options.mss, seg.mss ?? DEFAULT_PEER_MSS);
}

/** The reply of §3.10.7.1 when the state is CLOSED: the TCB is unchanged. */
function closed(tcb: Tcb, seg: Segment): Step {
  const rst = closedPortReply(seg);
  return { tcb, out: rst ? [{ kind: 'segment', seg: rst }] : [dropped('rst ignored')] };
}

/**
 * §3.10.7.2. A SYN makes the connection's TCB in SYN-RECEIVED, with the ISS given to `listen` (or to
 * handleSegment); the listening TCB passed in is left as it is.
 */
function listen(tcb: Tcb, seg: Segment, now: Time, iss: number | undefined): Step {
  // "First, check for a RST: An incoming RST should be ignored."
  if (seg.flags & RST) return { tcb, out: [dropped('rst ignored')] };
  // "Second, check for an ACK: Any acknowledgment is bad if it arrives on a connection still in the
  // LISTEN state. An acceptable reset segment should be formed for any arriving ACK-bearing segment."
  if (seg.flags & ACK) {
    return { tcb, out: [{ kind: 'segment', seg: closedPortReply(seg)! }, dropped('ack not acceptable')] };
  }
  // "Third, check for a SYN"
  if (seg.flags & SYN) {
    const t = copyTcb(tcb);
    if (iss !== undefined) {
      if (!isSeq(iss))
        throw new UsageError(`handleSegment: the ISS must be an integer 0..2^32-1, not ${iss}`);
      t.iss = iss;
    }
    const out: TcpOutput[] = [];
    // "Set RCV.NXT to SEG.SEQ+1, IRS is set to SEG.SEQ, and any other control or text should be queued
    // for processing later. ISS should be selected and a SYN segment sent of the form:
    // <SEQ=ISS><ACK=RCV.NXT><CTL=SYN,ACK>. SND.NXT is set to ISS+1 and SND.UNA to ISS."
    if (t.remote === null) t.remote = seg.src;
    t.irs = seg.seq;
    t.rcvNxt = seqAdd(seg.seq, 1);
    t.sndUna = t.sndNxt = t.rtxNxt = t.recover = t.iss;
    takePeerMss(t, seg);
    setState(t, 'SYN-RECEIVED', out);
    startTiming(t, t.iss, now);
    sendSyn(t, now, out);
    return { tcb: t, out };
  }
  // "Fourth, other data or control: ... drop the segment and return."
  return { tcb, out: [dropped('unexpected')] };
}

/** §3.10.7.3. */
function synSent(t: MutTcb, seg: Segment, now: Time, out: TcpOutput[]): void {
  const flags = seg.flags;
  // "First, check the ACK bit: If SEG.ACK =< ISS or SEG.ACK > SND.NXT, send a reset (unless the RST bit
  // is set, if so drop the segment and return) <SEQ=SEG.ACK><CTL=RST> and discard the segment."
  if (flags & ACK && (seqLe(seg.ack, t.iss) || seqGt(seg.ack, t.sndNxt))) {
    if (!(flags & RST)) out.push({ kind: 'segment', seg: closedPortReply(seg)! });
    out.push(dropped(flags & RST ? 'rst ignored' : 'ack not acceptable'));
    return;
  }
  // "Second, check the RST bit: If the ACK was acceptable, then signal to the user 'error: connection
  // reset', drop the segment, enter CLOSED state ... Otherwise (no ACK), drop the segment and return."
  if (flags & RST) {
    if (!(flags & ACK)) {
      out.push(dropped('rst ignored'));
      return;
    }
    flush(t);
    setState(t, 'CLOSED', out, REFUSED);
    return;
  }
  // "Fourth, check the SYN bit"
  if (flags & SYN) {
    t.irs = seg.seq;
    t.rcvNxt = seqAdd(seg.seq, 1);
    takePeerMss(t, seg);
    if (flags & ACK) {
      // "If SND.UNA > ISS (our SYN has been ACKed), change the connection state to ESTABLISHED, form an
      // ACK segment <SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK> and send it. Data or controls that were queued
      // for transmission MAY be included. ... If there are other controls or text in the segment, then
      // continue processing at the sixth step".
      establish(t, seg, now, out);
      const room = t.rcvWnd;
      const payload = seg.payload.length > room ? seg.payload.subarray(0, room) : seg.payload;
      const fin = (flags & FIN) !== 0 && payload === seg.payload;
      const received = receiveText(t, t.rcvNxt, payload, fin, now, out);
      output(t, now, out, true);
      out.push(CONNECTED);
      notifyUser(received, out);
      return;
    }
    // Simultaneous open: "enter SYN-RECEIVED, form a SYN,ACK segment <SEQ=ISS><ACK=RCV.NXT>
    // <CTL=SYN,ACK> and send it. Set the variables: SND.WND <- SEG.WND, SND.WL1 <- SEG.SEQ,
    // SND.WL2 <- SEG.ACK". Text on the SYN is not kept (see the file comment).
    takeWindow(t, seg);
    setState(t, 'SYN-RECEIVED', out);
    // Karn's rule: the SYN,ACK repeats the sequence number of the SYN being timed.
    stopTiming(t);
    sendSyn(t, now, out);
    return;
  }
  // "Fifth, if neither of the SYN or RST bits is set, then drop the segment and return."
  out.push(dropped('no syn or rst'));
}

/**
 * A segment arrives for this connection at simulated time `now`. The caller demultiplexes: `seg` is
 * addressed to `tcb.local` and, unless the TCB is listening, comes from `tcb.remote`.
 *
 * In LISTEN, a SYN returns the TCB of the connection it opens (SYN-RECEIVED, remote filled in) and the
 * listening TCB passed in is unchanged. Its ISS is the one given to `listen`, or `iss` when given here: a
 * listener that accepts many connections can keep one LISTEN value and pass a fresh ISS (from its seeded
 * stream) with each SYN. Should such a connection be reset before it is established, it goes back to
 * LISTEN (RFC 9293 §3.10.7.4): a caller that made one TCB per SYN simply discards it then.
 */
export function handleSegment(tcb: Tcb, seg: Segment, now: Time, iss?: number): Step {
  if (seg.dst.port !== tcb.local.port || (tcb.remote !== null && seg.src.port !== tcb.remote.port)) {
    throw new UsageError(
      `handleSegment: segment ${seg.src.addr}:${seg.src.port} -> ${seg.dst.addr}:${seg.dst.port} is not for the connection at local port ${tcb.local.port}`,
    );
  }
  switch (tcb.state) {
    case 'CLOSED':
      return closed(tcb, seg);
    case 'LISTEN':
      return listen(tcb, seg, now, iss);
    case 'SYN-SENT': {
      const t = copyTcb(tcb);
      const out: TcpOutput[] = [];
      synSent(t, seg, now, out);
      return { tcb: t, out };
    }
    case 'SYN-RECEIVED':
    case 'ESTABLISHED':
    case 'FIN-WAIT-1':
    case 'FIN-WAIT-2':
    case 'CLOSE-WAIT':
    case 'CLOSING':
    case 'LAST-ACK':
    case 'TIME-WAIT': {
      // One shallow copy per segment, edited in place and returned: the caller's value never changes.
      const t = copyTcb(tcb);
      const out: TcpOutput[] = [];
      segmentArrivesSynchronized(t, seg, now, out);
      return { tcb: t, out };
    }
    default:
      return assertNever(tcb.state, 'TCP state');
  }
}
