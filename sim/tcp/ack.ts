/**
 * ACK processing: the fifth step of RFC 9293 §3.10.7.4 ("check the ACK field"), in every synchronized
 * state. Owns what an acknowledgment changes: SND.UNA and the send queue, the RTT sample and the
 * retransmission timer (RFC 6298 §5), the send window (SND.WND, SND.WL1, SND.WL2), duplicate-ACK
 * detection (RFC 5681 §2) handed to congestion.ts, and the state changes an ACK of our SYN or FIN causes.
 */

import { assertNever, InvariantError } from '../errors.ts';
import type { Time } from '../time.ts';
import { drop as dropOctets } from './bytes.ts';
import { closedPortReply } from './closed.ts';
import { onDupAck, onNewAck, startCongestionControl } from './congestion.ts';
import { finAcked, sendAck } from './output.ts';
import { enterTimeWait } from './receive.ts';
import { SYN_LOSS_RTO, sampleRtt } from './rto.ts';
import { ACK, FIN, type Segment, SYN } from './segment.ts';
import { seqAdd, seqDiff, seqGt, seqLe, seqLt } from './seq.ts';
import { dataStart, dropped, type MutTcb, setState, type TcpOutput } from './tcb.ts';

/**
 * SND.UNA moves to `ack` (after SND.UNA, at most SND.NXT): the acknowledged octets leave the send queue,
 * the timed segment yields an RTT sample, congestion control learns of the progress, and the
 * retransmission timer stops when nothing is outstanding or restarts otherwise (RFC 6298 (5.2), (5.3)).
 */
export function acceptAck(t: MutTcb, ack: number, now: Time, out: TcpOutput[]): void {
  const acked = seqDiff(ack, t.sndUna);
  const dataEnd = t.finSeq !== null && seqGt(ack, t.finSeq) ? t.finSeq : ack;
  const octets = seqDiff(dataEnd, dataStart(t));
  if (octets > 0) t.sndQueue = dropOctets(t.sndQueue, octets);
  sampleRtt(t, ack, now);
  t.sndUna = ack;
  if (seqLt(t.rtxNxt, ack)) t.rtxNxt = ack;
  t.retries = 0;
  const handshake = t.state === 'SYN-SENT' || t.state === 'SYN-RECEIVED';
  const restart = handshake || onNewAck(t, acked, now, out);
  if (t.sndUna === t.sndNxt) t.rtxAt = null;
  else if (restart) t.rtxAt = now + t.rto;
}

/** SND.WND, SND.WL1, SND.WL2 from SEG.WND, SEG.SEQ, SEG.ACK. */
export function takeWindow(t: MutTcb, seg: Segment): void {
  t.sndWnd = seg.wnd;
  t.sndWl1 = seg.seq;
  t.sndWl2 = seg.ack;
  if (seg.wnd > t.maxSndWnd) t.maxSndWnd = seg.wnd;
}

/**
 * Our SYN is acknowledged in SYN-SENT or SYN-RECEIVED: set up data transfer, then move SND.UNA
 * (while the state still says that the SYN is outstanding) and enter ESTABLISHED. The caller signals
 * 'connected' once the segment is processed.
 */
export function establish(t: MutTcb, seg: Segment, now: Time, out: TcpOutput[]): void {
  // `retries` still counts retransmissions of our SYN here.
  startCongestionControl(t);
  // RFC 6298 (5.7): after a retransmitted SYN (and so no RTT sample), data starts with an RTO of 3 s.
  if (t.retries > 0 && t.srtt === null) t.rto = Math.min(Math.max(t.rto, SYN_LOSS_RTO), t.options.maxRto);
  takeWindow(t, seg);
  acceptAck(t, seg.ack, now, out);
  setState(t, 'ESTABLISHED', out);
  // A CLOSE issued in SYN-RECEIVED was queued until now (RFC 9293 §3.10.4).
  if (t.finSeq !== null) setState(t, 'FIN-WAIT-1', out);
}

/** RFC 5681 §2: the definition of a duplicate ACK, checked before the window is updated. */
function isDuplicateAck(t: MutTcb, seg: Segment): boolean {
  return (
    seg.ack === t.sndUna &&
    seqLt(t.sndUna, t.sndNxt) && // (a) data outstanding
    seg.payload.length === 0 && // (b) no data
    (seg.flags & (SYN | FIN)) === 0 && // (c) SYN and FIN off
    seg.wnd === t.sndWnd && // (e) same window
    // Not in the rules: ACKs that answer zero-window probes repeat SND.UNA and a zero window by design;
    // they are not news of a loss.
    t.sndWnd !== 0
  );
}

/**
 * The fifth step. Returns false when processing of the segment stops here (it was dropped, or the
 * connection closed).
 */
export function processAck(t: MutTcb, seg: Segment, now: Time, out: TcpOutput[]): boolean {
  if (!(seg.flags & ACK)) {
    // "if the ACK bit is off, drop the segment and return"
    out.push(dropped('no ack'));
    return false;
  }
  const ack = seg.ack;
  if (t.state === 'SYN-RECEIVED') {
    // "If SND.UNA < SEG.ACK =< SND.NXT, then enter ESTABLISHED state and continue processing".
    if (seqLt(t.sndUna, ack) && seqLe(ack, t.sndNxt)) {
      establish(t, seg, now, out);
      return true;
    }
    // "If the segment acknowledgment is not acceptable, form a reset segment <SEQ=SEG.ACK><CTL=RST>".
    // (The RFC 5961 §5 range check below is not applied here: the reset is what lets a half-open
    // peer recover, and it is what Linux sends.)
    out.push({ kind: 'segment', seg: closedPortReply(seg)! }, dropped('ack not acceptable'));
    return false;
  }
  // RFC 5961 §5: an ACK outside [SND.UNA - MAX.SND.WND, SND.NXT] is dropped with an ACK sent back.
  // Without the mitigation, RFC 9293 still answers an ACK of something not yet sent the same way.
  const tooOld = t.options.rfc5961 && seqLt(ack, seqAdd(t.sndUna, -t.maxSndWnd));
  if (tooOld || seqGt(ack, t.sndNxt)) {
    sendAck(t, out);
    out.push(dropped('ack not acceptable'));
    return false;
  }
  if (seqGt(ack, t.sndUna)) {
    acceptAck(t, ack, now, out);
  } else if (isDuplicateAck(t, seg)) {
    onDupAck(t, now, out);
  }
  // (An older ACK, SEG.ACK < SND.UNA, is a duplicate that is ignored; its text is still processed.)
  // A probe was answered: the peer is alive, however long its window stays closed (RFC 1122 §4.2.2.17).
  if (t.persistAt !== null) t.retries = 0;
  // "If SND.UNA =< SEG.ACK =< SND.NXT, the send window should be updated. If (SND.WL1 < SEG.SEQ or
  // (SND.WL1 = SEG.SEQ and SND.WL2 =< SEG.ACK)), set SND.WND <- SEG.WND, ...": only a segment newer
  // than the last one that set the window may set it.
  if (seqLe(t.sndUna, ack) && (seqLt(t.sndWl1, seg.seq) || (t.sndWl1 === seg.seq && seqLe(t.sndWl2, ack)))) {
    takeWindow(t, seg);
  }
  switch (t.state) {
    case 'FIN-WAIT-1':
      // "if the FIN segment is now acknowledged, then enter FIN-WAIT-2 and continue processing"
      if (finAcked(t)) setState(t, 'FIN-WAIT-2', out);
      return true;
    case 'CLOSING':
      // "if the ACK acknowledges our FIN, then enter the TIME-WAIT state; otherwise, ignore the segment".
      // Ignoring it still lets what it acknowledged free the window: our FIN may be waiting to go.
      if (finAcked(t)) enterTimeWait(t, now, out);
      return true;
    case 'LAST-ACK':
      // "If our FIN is now acknowledged, delete the TCB, enter the CLOSED state, and return."
      if (finAcked(t)) {
        setState(t, 'CLOSED', out);
        return false;
      }
      return true;
    case 'ESTABLISHED':
    case 'CLOSE-WAIT':
    case 'FIN-WAIT-2':
    case 'TIME-WAIT':
      // Nothing more here: in TIME-WAIT a retransmitted FIN is acknowledged by the eighth step.
      return true;
    case 'CLOSED':
    case 'LISTEN':
    case 'SYN-SENT':
      throw new InvariantError(`ACK processing reached ${t.state}`);
    default:
      return assertNever(t.state, 'TCP state');
  }
}
