/**
 * The retransmission timeout of RFC 6298: SRTT and RTTVAR from RTT samples, the RTO with its bounds,
 * Karn's rule (only segments sent once are timed; `startTiming` is called only for new data) and the
 * exponential backoff. Owns the arithmetic; timers.ts owns the deadlines that use it.
 *
 * Times are integer nanoseconds. SRTT and RTTVAR are rounded to whole nanoseconds at each update, which
 * keeps every value in a TCB an integer (and a trace exact) at a cost far below any real clock's
 * granularity.
 */

import type { Time } from '../time.ts';
import { seqGt } from './seq.ts';
import type { MutTcb } from './tcb.ts';

/** G of RFC 6298 (2.2): the clock granularity. The simulated clock ticks in nanoseconds. */
const CLOCK_GRANULARITY: Time = 1;

/** RFC 6298 (5.7): the RTO to use once data flows when the SYN had to be retransmitted. */
export const SYN_LOSS_RTO: Time = 3_000_000_000;

/** Starts timing a segment that leaves now, unless one is already being timed (one sample per RTT). */
export function startTiming(t: MutTcb, seq: number, now: Time): void {
  if (t.rttStart === null) {
    t.rttSeq = seq;
    t.rttStart = now;
  }
}

/** Karn's rule: after a retransmission, the ACK of the timed segment could answer either copy. */
export function stopTiming(t: MutTcb): void {
  t.rttStart = null;
}

/** Takes an RTT sample if `ack` covers the timed segment (RFC 6298 §3), and recomputes the RTO. */
export function sampleRtt(t: MutTcb, ack: number, now: Time): void {
  if (t.rttStart === null || !seqGt(ack, t.rttSeq)) return;
  const r = now - t.rttStart;
  t.rttStart = null;
  if (t.srtt === null) {
    // RFC 6298 (2.2): the first measurement R.
    t.srtt = r;
    t.rttvar = Math.round(r / 2);
  } else {
    // RFC 6298 (2.3), with alpha = 1/8 and beta = 1/4; RTTVAR first, from the old SRTT.
    t.rttvar = Math.round((3 * t.rttvar + Math.abs(t.srtt - r)) / 4);
    t.srtt = Math.round((7 * t.srtt + r) / 8);
  }
  t.rto = clampRto(t, t.srtt + Math.max(CLOCK_GRANULARITY, 4 * t.rttvar));
}

/** RFC 6298 (5.5): back off the timer after a retransmission timeout. */
export function backOff(t: MutTcb): void {
  t.rto = clampRto(t, t.rto * 2);
}

/** RFC 6298 (2.4), (2.5): at least minRto, at most maxRto. */
export function clampRto(t: MutTcb, rto: Time): Time {
  return Math.min(Math.max(rto, t.options.minRto), t.options.maxRto);
}
