/**
 * The reply to a segment that finds no connection (RFC 9293 §3.10.7.1, "If the state is CLOSED"): a
 * reset whose numbers the sender will accept, and nothing at all for an arriving reset. The same form
 * answers an unacceptable ACK in LISTEN, SYN-SENT and SYN-RECEIVED, and an in-window SYN when the RFC 5961
 * mitigations are off. Pure: the glue calls it for a port with no listener and no connection.
 */

import { ACK, EMPTY, RST, type Segment, segLen } from './segment.ts';
import { seqAdd } from './seq.ts';

export function closedPortReply(seg: Segment): Segment | null {
  // "An incoming segment containing a RST is discarded."
  if (seg.flags & RST) return null;
  // "If the ACK bit is on, <SEQ=SEG.ACK><CTL=RST>"
  if (seg.flags & ACK) {
    return { src: seg.dst, dst: seg.src, seq: seg.ack, ack: 0, flags: RST, wnd: 0, payload: EMPTY };
  }
  // "If the ACK bit is off, sequence number zero is used, <SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK>"
  return {
    src: seg.dst,
    dst: seg.src,
    seq: 0,
    ack: seqAdd(seg.seq, segLen(seg)),
    flags: RST | ACK,
    wnd: 0,
    payload: EMPTY,
  };
}
