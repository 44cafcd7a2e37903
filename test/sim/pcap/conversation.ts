/**
 * Hand-built TCP conversations for capture tests. A peer tracks its own next sequence number; every
 * segment it makes acknowledges everything the other peer has sent so far, as if all of it had arrived.
 * Captures are written as a list of [time, segment] lines that read like the trace they are.
 */

import { PcapWriter } from '../../../sim/pcap/writer.ts';
import { ACK, EMPTY, type Endpoint, FIN, PSH, type Segment, SYN } from '../../../sim/tcp/segment.ts';
import type { Time } from '../../../sim/time.ts';

export interface Peer {
  readonly endpoint: Endpoint;
  /** SND.NXT: the sequence number of the next octet this peer sends. */
  readonly nxt: number;
  syn(to: Peer, mss?: number): Segment;
  synAck(to: Peer, mss?: number): Segment;
  ack(to: Peer): Segment;
  send(to: Peer, text: string): Segment;
  fin(to: Peer): Segment;
}

/** Adds modulo 2^32, as sequence numbers do. */
export const seqAdd = (seq: number, n: number): number => (seq + n) >>> 0;

export function peer(endpoint: Endpoint, iss: number, wnd = 65535): Peer {
  let nxt = iss;
  const make = (to: Peer, flags: number, payload: Uint8Array, mss?: number): Segment => {
    const ack = flags & ACK ? to.nxt : 0;
    const s: Segment = {
      src: endpoint,
      dst: to.endpoint,
      seq: nxt,
      ack,
      flags,
      wnd,
      payload,
      ...(mss ? { mss } : {}),
    };
    nxt = seqAdd(nxt, payload.length + (flags & SYN ? 1 : 0) + (flags & FIN ? 1 : 0));
    return s;
  };
  return {
    endpoint,
    get nxt() {
      return nxt;
    },
    syn: (to, mss) => make(to, SYN, EMPTY, mss),
    synAck: (to, mss) => make(to, SYN | ACK, EMPTY, mss),
    ack: (to) => make(to, ACK, EMPTY),
    send: (to, text) => make(to, PSH | ACK, new TextEncoder().encode(text)),
    fin: (to) => make(to, FIN | ACK, EMPTY),
  };
}

/** The capture of these lines, in order, with the writer's own IP identification counters. */
export function capture(lines: ReadonlyArray<readonly [Time, Segment]>): Uint8Array {
  const w = new PcapWriter();
  for (const [t, s] of lines) w.add(t, s);
  return w.toBytes();
}
