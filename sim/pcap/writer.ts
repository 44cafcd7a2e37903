/**
 * A capture file in memory: classic pcap (not pcapng) with nanosecond timestamps (magic 0xa1b23c4d,
 * written little-endian), link type 1 (Ethernet), snaplen 262144, the values tcpdump and Wireshark use.
 * Records carry simulated time from a fixed epoch, `PCAP_EPOCH`, so a capture of a given run is byte for
 * byte the same on every machine, every day. No file I/O here: `toBytes()` returns the file and the CLI
 * writes it.
 *
 * Cheap when it costs nothing to the run: `add` keeps a reference to the (immutable) segment and encodes
 * nothing; `toBytes` sizes the file once and encodes every frame straight into it. A run that asks for
 * no capture should make no writer at all.
 */

import { InvariantError } from '../errors.ts';
import type { Segment } from '../tcp/segment.ts';
import { SECOND, type Time } from '../time.ts';
import { encodeFrameInto, frameLength } from './wire.ts';

/** Simulated time 0 is 2026-01-01T00:00:00Z in a capture (Unix seconds): a round, recent date no tool finds odd. */
export const PCAP_EPOCH = 1_767_225_600;
export const PCAP_MAGIC_NS = 0xa1b23c4d;
export const LINKTYPE_ETHERNET = 1;
export const SNAPLEN = 262144;
const FILE_HEADER = 24;
const RECORD_HEADER = 16;

interface Record {
  readonly time: Time;
  readonly segment: Segment;
  readonly ipId: number;
}

export class PcapWriter {
  private readonly records: Record[] = [];
  private readonly nextIpId = new Map<string, number>();
  private last: Time = 0;

  /** Records in the capture so far. */
  get count(): number {
    return this.records.length;
  }

  /**
   * Adds the segment as seen on the wire at simulated time `time`. Times must not decrease: a capture is
   * written in the order things happen. `ipId` is the sending host's IP identification counter; without
   * one, the writer numbers each source address's datagrams 0, 1, 2, ... in the order added, which is the
   * sender's own count when the capture sees everything the sender sends.
   */
  add(time: Time, segment: Segment, ipId?: number): void {
    if (!Number.isSafeInteger(time) || time < this.last) {
      throw new InvariantError(
        `pcap: record at ${time} ns after one at ${this.last} ns; times must not decrease`,
      );
    }
    let id = ipId;
    if (id === undefined) {
      id = this.nextIpId.get(segment.src.addr) ?? 0;
      this.nextIpId.set(segment.src.addr, (id + 1) & 0xffff);
    }
    this.last = time;
    this.records.push({ time, segment, ipId: id });
  }

  /** The capture file. Encodes every frame; throws InvariantError naming the record of a segment that cannot be encoded. */
  toBytes(): Uint8Array {
    let size = FILE_HEADER;
    // A frame is at most 14 + 65535 bytes, below the snaplen: records are never truncated.
    for (const r of this.records) size += RECORD_HEADER + frameLength(r.segment);
    const out = new Uint8Array(size);
    const view = new DataView(out.buffer);
    view.setUint32(0, PCAP_MAGIC_NS, true);
    view.setUint16(4, 2, true); // version 2.4
    view.setUint16(6, 4, true);
    view.setInt32(8, 0, true); // thiszone: UTC
    view.setUint32(12, 0, true); // sigfigs
    view.setUint32(16, SNAPLEN, true);
    view.setUint32(20, LINKTYPE_ETHERNET, true);
    let p = FILE_HEADER;
    this.records.forEach((r, i) => {
      const length = frameLength(r.segment);
      view.setUint32(p, PCAP_EPOCH + Math.floor(r.time / SECOND), true);
      view.setUint32(p + 4, r.time % SECOND, true);
      view.setUint32(p + 8, length, true); // captured length
      view.setUint32(p + 12, length, true); // length on the wire
      try {
        encodeFrameInto(out, p + RECORD_HEADER, r.segment, r.ipId);
      } catch (e) {
        if (e instanceof InvariantError)
          throw new InvariantError(`pcap record ${i} at ${r.time} ns: ${e.message}`);
        throw e;
      }
      p += RECORD_HEADER + length;
    });
    return out;
  }
}
