/**
 * The capture one host's interface sees, built from the trace: every 'seg-send' entry of the host (the
 * segment leaving it) and every 'seg-recv' entry of the host (a segment arriving), in trace order, at the
 * simulated time of the entry. Frames are encoded by sim/pcap/ (Ethernet, IPv4, TCP with valid checksums
 * and the MSS option, nanosecond timestamps from PCAP_EPOCH).
 *
 * IP identification is what the sending host's IP layer would have numbered the datagram: a per-host
 * counter, in trace order, over every segment the host sent (also those the capture does not show and those
 * the network lost), fixed at the send. A segment that arrives twice (the network duplicated it) carries
 * the same identification both times, as a duplicated datagram does; a retransmission is a new datagram
 * and gets a new one.
 */

import { PcapWriter } from '../../sim/pcap/writer.ts';
import type { Segment } from '../../sim/tcp/segment.ts';
import type { TraceEntry } from '../../sim/trace.ts';

export interface Capture {
  readonly bytes: Uint8Array;
  /** Frames in the capture. */
  readonly frames: number;
}

/** The pcap file of what `host` sent and received. */
export function capturePcap(trace: readonly TraceEntry[], host: string): Capture {
  const writer = new PcapWriter();
  const nextId = new Map<string, number>();
  const ids = new Map<Segment, number>();
  for (const e of trace) {
    if (e.kind === 'seg-send') {
      const id = nextId.get(e.host) ?? 0;
      nextId.set(e.host, (id + 1) & 0xffff);
      ids.set(e.seg, id);
      if (e.host === host) writer.add(e.at, e.seg, id);
    } else if (e.kind === 'seg-recv' && e.host === host) {
      writer.add(e.at, e.seg, ids.get(e.seg));
    }
  }
  return { bytes: writer.toBytes(), frames: writer.count };
}
