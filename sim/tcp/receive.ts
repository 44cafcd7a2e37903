/**
 * Receiving text and FIN: the seventh and eighth steps of RFC 9293 §3.10.7.4, for a segment already
 * checked and trimmed to the window. Owns the receive queue, reassembly of segments that arrive beyond a
 * gap, the shrinking of RCV.WND as octets arrive, the decision to acknowledge now or later (delayed ACK),
 * and the state changes a FIN causes. The window reopens in user.ts, when the application reads.
 *
 * Not modelled: urgent data (the URG bit and pointer are ignored), PUSH as a delivery boundary (octets
 * are readable as soon as they arrive in order).
 */

import { invariant } from '../errors.ts';
import type { Time } from '../time.ts';
import { append } from './bytes.ts';
import { finAcked } from './output.ts';
import { hold, NO_HELD, release } from './reassembly.ts';
import { seqAdd } from './seq.ts';
import { DATA, type MutTcb, PEER_CLOSED, setState, type TcpOutput } from './tcb.ts';

/** TIME-WAIT lasts two MSL, with every other timer off (RFC 9293 §3.10.7.4, eighth step). */
export function enterTimeWait(t: MutTcb, now: Time, out: TcpOutput[]): void {
  setState(t, 'TIME-WAIT', out);
  t.timeWaitAt = now + 2 * t.options.msl;
  t.rtxAt = null;
  t.persistAt = null;
  t.ackAt = null;
}

/** What receiveText found: bits of a number, so that the per-segment path allocates nothing. */
export const ACK_NOW = 1;
/** New octets are readable. */
export const NEW_DATA = 2;
/** The peer's FIN was processed for the first time. */
export const NEW_FIN = 4;

/**
 * The user's signals for what arrived: 'data', then 'peer-closed' (RFC 9293: "signal the user
 * 'connection closing'"). Callers push them last, after the segments the arrival caused, so that an
 * application reacting to them acts after the acknowledgment has left, as it would on a real host.
 */
export function notifyUser(received: number, out: TcpOutput[]): void {
  if (received & NEW_DATA) out.push(DATA);
  if (received & NEW_FIN) out.push(PEER_CLOSED);
}

/** Eighth step: the FIN is next in sequence. Returns whether it is the first FIN seen. */
function processFin(t: MutTcb, now: Time, out: TcpOutput[]): boolean {
  t.rcvNxt = seqAdd(t.rcvNxt, 1);
  t.reassembly = NO_HELD;
  const first = !t.finReceived;
  t.finReceived = true;
  switch (t.state) {
    case 'SYN-RECEIVED':
    case 'ESTABLISHED':
      setState(t, 'CLOSE-WAIT', out);
      break;
    case 'FIN-WAIT-1':
      // "If our FIN has been ACKed (perhaps in this segment), then enter TIME-WAIT ...; otherwise,
      // enter the CLOSING state." (An ACK of our FIN in this segment already moved us to FIN-WAIT-2.)
      if (finAcked(t)) enterTimeWait(t, now, out);
      else setState(t, 'CLOSING', out);
      break;
    case 'FIN-WAIT-2':
      enterTimeWait(t, now, out);
      break;
    default:
      invariant(false, `FIN processed in ${t.state}`);
  }
  return first;
}

/**
 * Seventh and eighth steps for text starting at `seq` (at or after RCV.NXT, within the window) and a FIN
 * after it. Returns ACK_NOW | NEW_DATA | NEW_FIN bits: ACK_NOW when an ACK must go out now (without it,
 * the ACK may wait and the delayed-ACK timer runs), the others for notifyUser.
 */
export function receiveText(
  t: MutTcb,
  seq: number,
  payload: Uint8Array,
  fin: boolean,
  now: Time,
  out: TcpOutput[],
): number {
  if (payload.length === 0 && !fin) return 0;
  switch (t.state) {
    case 'ESTABLISHED':
    case 'FIN-WAIT-1':
    case 'FIN-WAIT-2':
      break;
    case 'CLOSE-WAIT':
    case 'CLOSING':
    case 'LAST-ACK':
      // Seventh step: "This should not occur since a FIN has been received from the remote side. Ignore
      // the segment text." Eighth step: a FIN is acknowledged and the state remains.
      return fin ? ACK_NOW : 0;
    case 'TIME-WAIT':
      // Eighth step: "Remain in the TIME-WAIT state. Restart the 2 MSL time-wait timeout."
      if (fin) t.timeWaitAt = now + 2 * t.options.msl;
      return fin ? ACK_NOW : 0;
    default:
      invariant(false, `text processed in ${t.state}`);
  }
  if (seq !== t.rcvNxt) {
    // Beyond a gap: held for later processing (RFC 9293 §3.10.7.4), and acknowledged at once, which
    // the sender counts as a duplicate ACK (RFC 5681 §4.2).
    t.reassembly = hold(t.reassembly, { seq, data: payload, fin });
    return ACK_NOW;
  }
  let got = payload.length;
  let gotFin = fin;
  let filledGap = false;
  if (got > 0) {
    t.rcvQueue = append(t.rcvQueue, payload);
    t.rcvNxt = seqAdd(t.rcvNxt, got);
  }
  if (t.reassembly.length > 0 && !fin) {
    const r = release(t.reassembly, t.rcvNxt);
    if (r.rest !== t.reassembly) {
      filledGap = true;
      for (const piece of r.pieces) {
        t.rcvQueue = append(t.rcvQueue, piece);
        got += piece.length;
      }
      t.rcvNxt = r.rcvNxt;
      t.reassembly = r.rest;
      gotFin = r.fin;
    }
  }
  // The right edge RCV.NXT + RCV.WND stays where it was offered: the window shrinks by what arrived.
  invariant(got <= t.rcvWnd, `received ${got} octets into a window of ${t.rcvWnd}`);
  t.rcvWnd -= got;
  const data = got > 0 ? NEW_DATA : 0;
  if (gotFin) return ACK_NOW | data | (processFin(t, now, out) ? NEW_FIN : 0);
  // RFC 5681 §4.2: a segment that fills a gap is acknowledged at once.
  if (filledGap || !t.options.delayedAck) return ACK_NOW | data;
  // RFC 1122 §4.2.3.2: delay the ACK, but acknowledge at least every second segment.
  if (t.ackAt !== null) return ACK_NOW | data;
  t.ackAt = now + t.options.delayedAckTimeout;
  return data;
}
