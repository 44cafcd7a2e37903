/**
 * Timers as data: `nextDeadline` says when the connection wants to be woken, `handleTimeout` does what is
 * due at `now`. Calling it early is harmless: with nothing due it returns the same TCB and no output.
 * Owns what each expiry does: the retransmission timeout (RFC 6298 §5, go-back-N from SND.UNA, the
 * retry limit), the persist timer (zero-window probes, RFC 9293 §3.8.6.1), the delayed ACK, and the end
 * of TIME-WAIT.
 *
 * Not modelled: keep-alives (RFC 9293 §3.8.4, off by default everywhere), a FIN-WAIT-2 timeout (the RFC
 * has none; Linux's tcp_fin_timeout applies to orphaned sockets only), the user timeout of OPEN/SEND.
 */

import type { Time } from '../time.ts';
import { onTimeout } from './congestion.ts';
import { output, pending, persistInterval, sendAck, sendProbe } from './output.ts';
import { backOff, stopTiming } from './rto.ts';
import { copyTcb, type MutTcb, type Step, setState, type Tcb, type TcpOutput, TIMED_OUT } from './tcb.ts';

function earlier(a: Time | null, b: Time | null): Time | null {
  return a === null || (b !== null && b < a) ? b : a;
}

/** The earliest deadline of the connection, or null when no timer runs. (Called after every step.) */
export function nextDeadline(tcb: Tcb): Time | null {
  return earlier(earlier(tcb.rtxAt, tcb.persistAt), earlier(tcb.ackAt, tcb.timeWaitAt));
}

function due(at: Time | null, now: Time): boolean {
  return at !== null && at <= now;
}

/** Too many retransmissions or unanswered probes: the connection gives up. */
function giveUp(t: MutTcb, out: TcpOutput[]): void {
  setState(t, 'CLOSED', out, TIMED_OUT);
}

/** RFC 6298 (5.4)-(5.6), RFC 5681 §3.1: the retransmission timer expired. */
function retransmissionTimeout(t: MutTcb, now: Time, out: TcpOutput[]): void {
  t.rtxAt = null;
  out.push({ kind: 'timer', timer: 'retransmit' });
  const handshake = t.state === 'SYN-SENT' || t.state === 'SYN-RECEIVED';
  if (t.retries >= (handshake ? t.options.synRetries : t.options.maxRetries)) {
    giveUp(t, out);
    return;
  }
  if (!handshake) onTimeout(t, out);
  t.retries++;
  backOff(t);
  stopTiming(t);
  // Go back to SND.UNA: everything outstanding is sent again, as cwnd (one segment now) lets it.
  t.rtxNxt = t.sndUna;
  output(t, now, out, false);
}

/** The persist timer expired: probe the window (output.ts), and probe again later, backed off. */
function persistTimeout(t: MutTcb, now: Time, out: TcpOutput[]): void {
  t.persistAt = null;
  out.push({ kind: 'timer', timer: 'persist' });
  // Probes that no ACK answers count like retransmissions (Linux does the same); answered ones do not.
  if (t.retries >= t.options.maxRetries) {
    giveUp(t, out);
    return;
  }
  // Answered probes never count as retries, so a peer that never reads would keep a closed connection
  // alive for ever: after CLOSE, give up once the backoff has reached orphanRetries (Linux's orphan rule;
  // like Linux, without a RST).
  if (t.finSeq !== null && t.probes >= t.options.orphanRetries) {
    giveUp(t, out);
    return;
  }
  t.retries++;
  sendProbe(t, now, out);
  if (t.rtxAt === null && pending(t)) {
    t.probes++;
    t.persistAt = now + persistInterval(t);
  }
}

/**
 * Runs every timer due at `now`, in a fixed order: TIME-WAIT, retransmission, persist, delayed ACK.
 */
export function handleTimeout(tcb: Tcb, now: Time): Step {
  if (!due(tcb.timeWaitAt, now) && !due(tcb.rtxAt, now) && !due(tcb.persistAt, now) && !due(tcb.ackAt, now)) {
    return { tcb, out: [] };
  }
  const t = copyTcb(tcb);
  const out: TcpOutput[] = [];
  if (due(t.timeWaitAt, now)) {
    // RFC 9293 §3.10.8: "If the time-wait timeout expires on a connection, delete the TCB, enter the
    // CLOSED state, and return."
    out.push({ kind: 'timer', timer: 'time-wait' });
    setState(t, 'CLOSED', out);
    return { tcb: t, out };
  }
  if (due(t.rtxAt, now)) retransmissionTimeout(t, now, out);
  if (t.state !== 'CLOSED' && due(t.persistAt, now)) persistTimeout(t, now, out);
  if (t.state !== 'CLOSED' && due(t.ackAt, now)) {
    out.push({ kind: 'timer', timer: 'delayed-ack' });
    sendAck(t, out);
  }
  return { tcb: t, out };
}
