/**
 * Sending: what leaves the connection and when (RFC 9293 §3.8.6, RFC 1122 §4.2.3.4, RFC 6298 §5).
 * Segments the send queue within min(SND.WND, cwnd) and the MSS, applies Nagle's algorithm and the
 * sender's silly-window-syndrome avoidance, attaches FIN after the last octet, sends the SYN or SYN,ACK,
 * pure ACKs and resets, and arms the retransmission and persist timers as segments leave.
 *
 * Payloads are views of the application's buffers (ByteQueue.peek): nothing is copied unless a segment
 * coalesces several writes. Each segment costs two small objects (the segment and its output record).
 */

import { assertNever } from '../errors.ts';
import type { Time } from '../time.ts';
import { peek } from './bytes.ts';
import { startTiming, stopTiming } from './rto.ts';
import { ACK, EMPTY, FIN, PSH, RST, type Segment, SYN } from './segment.ts';
import { seqAdd, seqDiff, seqGt, seqLt } from './seq.ts';
import { dataStart, type MutTcb, type Tcb, type TcpOutput } from './tcb.ts';

function push(out: TcpOutput[], seg: Segment): void {
  out.push({ kind: 'segment', seg });
}

/** RFC 6298 (5.1): start the retransmission timer when data leaves and it is not running. */
function armRtx(t: MutTcb, now: Time): void {
  if (t.rtxAt === null) t.rtxAt = now + t.rto;
}

/** The interval before the next zero-window probe: the RTO, doubled per probe (RFC 1122 §4.2.2.17). */
export function persistInterval(t: Tcb): Time {
  return Math.min(t.rto * 2 ** t.probes, t.options.maxRto);
}

/** Our FIN has been sent (perhaps not yet acknowledged). */
export function finSent(t: Tcb): boolean {
  return t.finSeq !== null && seqGt(t.sndNxt, t.finSeq);
}

/** Our FIN has been acknowledged. */
export function finAcked(t: Tcb): boolean {
  return t.finSeq !== null && seqGt(t.sndUna, t.finSeq);
}

/** SYN (SYN-SENT) or SYN,ACK (SYN-RECEIVED) at ISS, with our MSS. Timing is the caller's business. */
export function sendSyn(t: MutTcb, now: Time, out: TcpOutput[]): void {
  const synAck = t.state === 'SYN-RECEIVED';
  push(out, {
    src: t.local,
    dst: t.remote!,
    seq: t.iss,
    ack: synAck ? t.rcvNxt : 0,
    flags: synAck ? SYN | ACK : SYN,
    wnd: t.rcvWnd,
    mss: t.options.mss,
    payload: EMPTY,
  });
  t.sndNxt = t.rtxNxt = seqAdd(t.iss, 1);
  if (synAck) t.ackAt = null;
  armRtx(t, now);
}

/** <SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK>: the acknowledgment every rule of §3.10.7.4 sends. */
export function sendAck(t: MutTcb, out: TcpOutput[]): void {
  push(out, {
    src: t.local,
    dst: t.remote!,
    seq: t.sndNxt,
    ack: t.rcvNxt,
    flags: ACK,
    wnd: t.rcvWnd,
    payload: EMPTY,
  });
  t.ackAt = null;
}

/** <SEQ=SND.NXT><CTL=RST>: what ABORT sends (RFC 9293 §3.10.5). */
export function sendRst(t: MutTcb, out: TcpOutput[]): void {
  push(out, { src: t.local, dst: t.remote!, seq: t.sndNxt, ack: 0, flags: RST, wnd: 0, payload: EMPTY });
}

/** One segment of `len` octets at `seq` (plus FIN when asked), with PSH when it ends the written data. */
function sendSegment(
  t: MutTcb,
  seq: number,
  len: number,
  fin: boolean,
  start: number,
  out: TcpOutput[],
): void {
  const end = seqAdd(seq, len);
  let flags = ACK;
  if (fin) flags |= FIN;
  // PSH on the segment that carries the last octet written so far (the end of a write).
  if (len > 0 && seqDiff(end, start) === t.sndQueue.length) flags |= PSH;
  push(out, {
    src: t.local,
    dst: t.remote!,
    seq,
    ack: t.rcvNxt,
    flags,
    wnd: t.rcvWnd,
    payload: len === 0 ? EMPTY : peek(t.sndQueue, seqDiff(seq, start), len),
  });
}

/**
 * RFC 9293 §3.8.6.2.1 (sender SWS avoidance) with Nagle (RFC 1122 §4.2.3.4): a segment shorter than the
 * MSS leaves only if it carries all the queued data and (with Nagle) nothing is unacknowledged, or if it
 * fills at least half the largest window the peer has offered. (A full segment and a FIN always go.)
 */
function mayFlushSmall(t: MutTcb, len: number, unsent: number): boolean {
  if (len === unsent && (!t.options.nagle || t.sndNxt === t.sndUna)) return true;
  return len * 2 >= t.maxSndWnd;
}

/**
 * Sends from where sending resumes (rtxNxt) as far as min(SND.WND, cwnd) allows. Octets before SND.NXT
 * are sent again as they are (go-back-N after a timeout or a probe); new octets are segmented by the MSS
 * under the SWS and Nagle rules unless `force` (the persist timer overriding them). Returns whether
 * anything was sent.
 */
function sendData(t: MutTcb, now: Time, out: TcpOutput[], force: boolean): boolean {
  const start = dataStart(t);
  const dataEnd = seqAdd(start, t.sndQueue.length);
  const mss = t.sndMss;
  let sent = false;
  for (;;) {
    const p = t.rtxNxt;
    const usable = seqDiff(seqAdd(t.sndUna, Math.min(t.sndWnd, t.cwnd)), p);
    if (usable <= 0) break;
    const resend = seqLt(p, t.sndNxt);
    const unsent = Math.max(0, seqDiff(dataEnd, p));
    const len = Math.min(unsent, mss, usable);
    // The FIN follows the last octet, and needs room in the window like an octet of data.
    const fin = t.finSeq !== null && seqAdd(p, len) === t.finSeq && usable > len;
    if (len === 0 && !fin) break;
    if (!resend && !fin && len < mss && !force && !mayFlushSmall(t, len, unsent)) break;
    force = false;
    sendSegment(t, p, len, fin, start, out);
    const end = seqAdd(p, fin ? len + 1 : len);
    // Karn's rule: only a segment sent for the first time is timed.
    if (!resend) startTiming(t, p, now);
    if (seqGt(end, t.sndNxt)) t.sndNxt = end;
    t.rtxNxt = end;
    armRtx(t, now);
    sent = true;
  }
  return sent;
}

/** Whether octets or a FIN are waiting to be sent (for the first time or again). */
export function pending(t: Tcb): boolean {
  const dataEnd = seqAdd(dataStart(t), t.sndQueue.length);
  return seqLt(t.rtxNxt, t.sndNxt) || seqLt(t.sndNxt, dataEnd) || (t.finSeq !== null && !finSent(t));
}

/**
 * Sends whatever the state and the windows allow, then a pure ACK if one is owed and nothing else carried
 * it. Afterwards exactly one of these holds: data is in flight and the retransmission timer runs; data
 * waits and the persist timer runs (RFC 9293 §3.8.6.1); nothing waits and neither runs.
 */
export function output(t: MutTcb, now: Time, out: TcpOutput[], ackNeeded: boolean, force = false): void {
  let sent = false;
  switch (t.state) {
    case 'SYN-SENT':
    case 'SYN-RECEIVED':
      // After a timeout, rtxNxt is back at ISS: the SYN (or SYN,ACK) goes again.
      if (t.rtxNxt === t.iss) {
        sendSyn(t, now, out);
        sent = true;
      }
      break;
    case 'ESTABLISHED':
    case 'CLOSE-WAIT':
    case 'FIN-WAIT-1':
    case 'CLOSING':
    case 'LAST-ACK':
      sent = sendData(t, now, out, force);
      if (t.rtxAt === null && pending(t)) {
        if (t.persistAt === null) t.persistAt = now + persistInterval(t);
      } else {
        t.persistAt = null;
        t.probes = 0;
      }
      break;
    case 'CLOSED':
    case 'LISTEN':
    case 'FIN-WAIT-2':
    case 'TIME-WAIT':
      break;
    default:
      assertNever(t.state, 'TCP state');
  }
  if (sent) t.ackAt = null;
  else if (ackNeeded) sendAck(t, out);
}

/**
 * Fast retransmit and NewReno's partial ACK (RFC 5681 §3.2, RFC 6582 §3.2): the first unacknowledged
 * segment again, whatever the windows say.
 */
export function retransmitFirst(t: MutTcb, now: Time, out: TcpOutput[]): void {
  const start = dataStart(t);
  const p = t.sndUna;
  const sentEnd = finSent(t) ? t.finSeq! : t.sndNxt;
  const len = Math.min(Math.max(0, seqDiff(sentEnd, p)), t.sndMss);
  const fin = finSent(t) && seqAdd(p, len) === t.finSeq;
  if (len === 0 && !fin) return;
  sendSegment(t, p, len, fin, start, out);
  stopTiming(t);
  armRtx(t, now);
  t.ackAt = null;
}

/**
 * The persist timer fired (RFC 9293 §3.8.6.1, RFC 1122 §4.2.2.17). A zero (or shrunk) window is probed
 * with one octet: the octet at SND.UNA if one is outstanding, else the next new octet, else the FIN. The
 * probe is not counted as in flight: sending resumes at SND.UNA once the window opens. A window that is
 * open but too small for the SWS rules gets what fits, as the RFC's override timeout prescribes.
 */
export function sendProbe(t: MutTcb, now: Time, out: TcpOutput[]): void {
  const usable = seqDiff(seqAdd(t.sndUna, Math.min(t.sndWnd, t.cwnd)), t.rtxNxt);
  if (usable > 0) {
    output(t, now, out, false, true);
    return;
  }
  const start = dataStart(t);
  const dataEnd = seqAdd(start, t.sndQueue.length);
  const seq = seqLt(t.sndUna, t.sndNxt) ? t.sndUna : t.sndNxt;
  const len = seqLt(seq, dataEnd) ? 1 : 0;
  const fin = len === 0 && t.finSeq === seq;
  if (len === 0 && !fin) return;
  sendSegment(t, seq, len, fin, start, out);
  const end = seqAdd(seq, 1);
  if (seqGt(end, t.sndNxt)) t.sndNxt = end;
  t.rtxNxt = t.sndUna;
  t.ackAt = null;
}
