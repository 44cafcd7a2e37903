/**
 * Congestion control: RFC 5681 slow start, congestion avoidance and fast retransmit, with the NewReno
 * modification of fast recovery (RFC 6582). Owns cwnd, ssthresh, the duplicate-ACK count and `recover`;
 * called by ACK processing (ack.ts) and by the retransmission timer (timers.ts).
 *
 * Not modelled: limited transmit (RFC 3042), SACK-based recovery, ECN, CUBIC and other algorithms,
 * congestion window validation (RFC 7661), appropriate byte counting beyond RFC 5681's min(N, SMSS).
 */

import type { Time } from '../time.ts';
import { retransmitFirst } from './output.ts';
import { seqAdd, seqDiff, seqGt } from './seq.ts';
import type { CongestionEvent, MutTcb, TcpOutput } from './tcb.ts';

/** RFC 5681 §3.1 (3): IW = min(4 * SMSS, max(2 * SMSS, 4380)), unless the options fix it in segments. */
export function initialWindow(mss: number, segments: number): number {
  if (segments > 0) return segments * mss;
  return Math.min(4 * mss, Math.max(2 * mss, 4380));
}

function report(t: MutTcb, event: CongestionEvent, out: TcpOutput[]): void {
  out.push({ kind: 'congestion', event, cwnd: t.cwnd, ssthresh: t.ssthresh });
}

/** The connection is established: set the initial window. */
export function startCongestionControl(t: MutTcb): void {
  // RFC 5681 §3.1: if the SYN or SYN,ACK was lost, the initial window is one segment.
  t.cwnd = t.retries > 0 ? t.sndMss : initialWindow(t.sndMss, t.options.initialCwnd);
}

/** RFC 5681 (4): half the flight, at least two segments. */
function halfFlight(t: MutTcb): number {
  return Math.max(Math.floor(seqDiff(t.sndNxt, t.sndUna) / 2), 2 * t.sndMss);
}

/**
 * `acked` octets of new data were acknowledged (SND.UNA has already moved). Returns whether the
 * retransmission timer should restart: always, except for the partial ACKs after the first one in a
 * NewReno recovery (RFC 6582 §3.2 step 5, the "impatient" variant).
 */
export function onNewAck(t: MutTcb, acked: number, now: Time, out: TcpOutput[]): boolean {
  const mss = t.sndMss;
  if (t.inRecovery) {
    if (seqGt(t.sndUna, t.recover)) {
      // RFC 6582 §3.2 step 3, full acknowledgment: cwnd = min(ssthresh, max(FlightSize, SMSS) + SMSS).
      t.cwnd = Math.min(t.ssthresh, Math.max(seqDiff(t.sndNxt, t.sndUna), mss) + mss);
      t.inRecovery = false;
      t.dupAcks = 0;
      report(t, 'recovered', out);
      return true;
    }
    // RFC 6582 §3.2 step 3, partial acknowledgment: retransmit the first unacknowledged segment, deflate
    // cwnd by the octets acknowledged, add back one SMSS if at least that much was acknowledged.
    retransmitFirst(t, now, out);
    t.cwnd = Math.max(t.cwnd - acked + (acked >= mss ? mss : 0), mss);
    report(t, 'partial-ack', out);
    const first = !t.partialAcked;
    t.partialAcked = true;
    return first;
  }
  t.dupAcks = 0;
  // cwnd stops growing at twice the largest window the peer has offered: beyond that it could never
  // limit sending (the window would), and a window-limited bulk transfer would otherwise inflate it
  // without bound (RFC 7661 treats this properly; this cap changes no sending decision).
  const cap = 2 * t.maxSndWnd;
  if (t.cwnd >= cap) return true;
  // RFC 5681 (2), slow start; (3), congestion avoidance, about one SMSS per RTT.
  const grow = t.cwnd < t.ssthresh ? Math.min(acked, mss) : Math.max(1, Math.floor((mss * mss) / t.cwnd));
  t.cwnd = Math.min(t.cwnd + grow, cap);
  return true;
}

/** A duplicate ACK as RFC 5681 §2 defines it (ack.ts checks the definition). */
export function onDupAck(t: MutTcb, now: Time, out: TcpOutput[]): void {
  if (t.inRecovery) {
    // RFC 5681 §3.2 step 4 / RFC 6582 §3.2 step 4: each further duplicate inflates cwnd by one SMSS.
    t.cwnd += t.sndMss;
    return;
  }
  t.dupAcks++;
  if (t.dupAcks !== 3) return;
  // RFC 6582 §3.2 step 2: enter fast retransmit only if the ACK covers more than `recover`, so that
  // losses from a window already being recovered do not halve the window twice.
  if (!seqGt(t.sndUna, t.recover)) return;
  t.ssthresh = halfFlight(t);
  t.recover = seqAdd(t.sndNxt, -1);
  t.inRecovery = true;
  t.partialAcked = false;
  retransmitFirst(t, now, out);
  // RFC 5681 §3.2 step 3: cwnd = ssthresh + 3 * SMSS (the three segments that left the network).
  t.cwnd = t.ssthresh + 3 * t.sndMss;
  report(t, 'fast-retransmit', out);
}

/** The retransmission timer expired (RFC 5681 §3.1, RFC 6582 §3.2 step 4). */
export function onTimeout(t: MutTcb, out: TcpOutput[]): void {
  // RFC 5681 (4): ssthresh drops only when the segment had not already been resent by the timer.
  if (t.retries === 0) t.ssthresh = halfFlight(t);
  // The loss window: one segment.
  t.cwnd = t.sndMss;
  t.recover = seqAdd(t.sndNxt, -1);
  t.inRecovery = false;
  t.dupAcks = 0;
  report(t, 'timeout', out);
}
