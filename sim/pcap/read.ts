/**
 * Reads captures back: a classic pcap file into records, and an Ethernet/IPv4/TCP frame into a segment
 * with what the wire said about it (MACs, IP identification, TTL, DF, whether each checksum verifies).
 * Made for tests and tools that check netstep's own captures; it reads what the writer writes and the
 * common variants (either byte order, microsecond or nanosecond timestamps), and rejects anything else
 * with a UsageError saying what it found. Not a general dissector: no IP options, no fragments, no IPv6.
 */

import { UsageError } from '../errors.ts';
import type { Endpoint, Segment } from '../tcp/segment.ts';
import { SECOND, type Time } from '../time.ts';
import { finishChecksum, sumWords } from './checksum.ts';
import { PCAP_EPOCH } from './writer.ts';

export interface PcapRecord {
  /** Simulated time: the timestamp less `PCAP_EPOCH`, in ns. */
  readonly time: Time;
  /** Bytes as captured (`incl_len` of them). */
  readonly frame: Uint8Array;
  /** Length on the wire (`orig_len`). */
  readonly originalLength: number;
}

export interface PcapFile {
  readonly linkType: number;
  readonly snaplen: number;
  readonly nanoseconds: boolean;
  readonly littleEndian: boolean;
  readonly records: readonly PcapRecord[];
}

export interface DecodedFrame {
  readonly dstMac: string;
  readonly srcMac: string;
  readonly ipId: number;
  readonly ttl: number;
  readonly dontFragment: boolean;
  readonly ipChecksumOk: boolean;
  readonly tcpChecksumOk: boolean;
  /** The TCP options bytes as found (for checking their encoding). */
  readonly tcpOptions: Uint8Array;
  readonly segment: Segment;
}

export function readPcap(bytes: Uint8Array): PcapFile {
  if (bytes.length < 24)
    throw new UsageError(`not a pcap file: ${bytes.length} bytes, shorter than the 24-byte header`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magics: Record<number, { nanoseconds: boolean; littleEndian: boolean }> = {
    2712847316: { nanoseconds: false, littleEndian: false },
    3569595041: { nanoseconds: false, littleEndian: true },
    2712812621: { nanoseconds: true, littleEndian: false },
    1295823521: { nanoseconds: true, littleEndian: true },
  };
  const kind = magics[view.getUint32(0)];
  if (!kind) throw new UsageError(`not a classic pcap file: magic 0x${view.getUint32(0).toString(16)}`);
  const le = kind.littleEndian;
  const unit = kind.nanoseconds ? 1 : 1000;
  const records: PcapRecord[] = [];
  let p = 24;
  while (p < bytes.length) {
    if (p + 16 > bytes.length) throw new UsageError(`pcap: record header cut short at byte ${p}`);
    const seconds = view.getUint32(p, le);
    const fraction = view.getUint32(p + 4, le);
    const included = view.getUint32(p + 8, le);
    const originalLength = view.getUint32(p + 12, le);
    if (p + 16 + included > bytes.length)
      throw new UsageError(`pcap: record at byte ${p} runs past the end of the file`);
    records.push({
      time: (seconds - PCAP_EPOCH) * SECOND + fraction * unit,
      frame: bytes.subarray(p + 16, p + 16 + included),
      originalLength,
    });
    p += 16 + included;
  }
  return {
    linkType: view.getUint32(20, le),
    snaplen: view.getUint32(16, le),
    nanoseconds: kind.nanoseconds,
    littleEndian: le,
    records,
  };
}

/** Decodes an Ethernet II / IPv4 / TCP frame. Checksums are reported, not enforced. */
export function decodeFrame(frame: Uint8Array): DecodedFrame {
  const view = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
  const need = (n: number, what: string) => {
    if (frame.length < n) throw new UsageError(`frame of ${frame.length} bytes is too short for ${what}`);
  };
  need(14 + 20, 'Ethernet and IPv4 headers');
  if (view.getUint16(12) !== 0x0800)
    throw new UsageError(`not IPv4: EtherType 0x${view.getUint16(12).toString(16)}`);
  const ip = 14;
  const versionIhl = view.getUint8(ip);
  if (versionIhl !== 0x45)
    throw new UsageError(`IPv4 header 0x${versionIhl.toString(16)}: only version 4 without options is read`);
  if (view.getUint8(ip + 9) !== 6) throw new UsageError(`IP protocol ${view.getUint8(ip + 9)} is not TCP`);
  const ipLen = view.getUint16(ip + 2);
  need(ip + ipLen, `an IP datagram of ${ipLen} bytes`);
  const tcp = ip + 20;
  need(tcp + 20, 'a TCP header');
  const offset = (view.getUint8(tcp + 12) >> 4) * 4;
  if (offset < 20 || tcp + offset > ip + ipLen)
    throw new UsageError(`TCP data offset ${offset} does not fit the datagram`);
  const end = ip + ipLen;
  const src = view.getUint32(ip + 12);
  const dst = view.getUint32(ip + 16);
  const tcpLen = ipLen - 20;
  const pseudo = (src >>> 16) + (src & 0xffff) + (dst >>> 16) + (dst & 0xffff) + 6 + tcpLen;
  const tcpOptions = frame.slice(tcp + 20, tcp + offset);
  const flags = view.getUint8(tcp + 13);
  const segment: { -readonly [K in keyof Segment]: Segment[K] } = {
    src: endpoint(src, view.getUint16(tcp)),
    dst: endpoint(dst, view.getUint16(tcp + 2)),
    seq: view.getUint32(tcp + 4),
    ack: view.getUint32(tcp + 8),
    flags,
    wnd: view.getUint16(tcp + 14),
    payload: frame.slice(tcp + offset, end),
  };
  const mss = findMss(tcpOptions);
  if (mss !== undefined) segment.mss = mss;
  return {
    dstMac: mac(frame, 0),
    srcMac: mac(frame, 6),
    ipId: view.getUint16(ip + 4),
    ttl: view.getUint8(ip + 8),
    dontFragment: (view.getUint16(ip + 6) & 0x4000) !== 0,
    ipChecksumOk: finishChecksum(sumWords(frame, ip, ip + 20)) === 0,
    tcpChecksumOk: finishChecksum(sumWords(frame, tcp, end, pseudo)) === 0,
    tcpOptions,
    segment,
  };
}

/** The MSS option's value, walking the options as RFC 9293 §3.2 lays them out. */
function findMss(options: Uint8Array): number | undefined {
  let i = 0;
  while (i < options.length) {
    const kind = options[i]!;
    if (kind === 0) return undefined; // end of option list
    if (kind === 1) {
      i++; // no-operation
      continue;
    }
    const len = options[i + 1] ?? 0;
    if (len < 2 || i + len > options.length)
      throw new UsageError(`TCP option kind ${kind} has bad length ${len}`);
    if (kind === 2 && len === 4) return (options[i + 2]! << 8) | options[i + 3]!;
    i += len;
  }
  return undefined;
}

function endpoint(addr: number, port: number): Endpoint {
  return { addr: [addr >>> 24, (addr >>> 16) & 0xff, (addr >>> 8) & 0xff, addr & 0xff].join('.'), port };
}

function mac(frame: Uint8Array, at: number): string {
  return Array.from(frame.subarray(at, at + 6), (b) => b.toString(16).padStart(2, '0')).join(':');
}
