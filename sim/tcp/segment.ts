/**
 * A TCP segment as the simulator carries it between hosts: the fields of the TCP header that the model
 * uses, the IPv4 endpoints, and the payload. Segments are immutable values; a payload may be a view into
 * a larger buffer but is never written after the segment is made.
 *
 * Not carried: IP options, TCP timestamps, SACK, window scaling, urgent data (see sim/tcp/README.md).
 */

/** Control bits, as in the TCP header (RFC 9293 §3.1). */
export const FIN = 0x01;
export const SYN = 0x02;
export const RST = 0x04;
export const PSH = 0x08;
export const ACK = 0x10;
export const URG = 0x20;

export interface Endpoint {
  /** Dotted IPv4 address, e.g. '10.0.0.1'. */
  readonly addr: string;
  readonly port: number;
}

export interface Segment {
  readonly src: Endpoint;
  readonly dst: Endpoint;
  /** SEG.SEQ, an unsigned 32-bit number. */
  readonly seq: number;
  /** SEG.ACK, an unsigned 32-bit number; meaningful only when ACK is set (0 otherwise). */
  readonly ack: number;
  /** Control bits: FIN | SYN | RST | PSH | ACK | URG. */
  readonly flags: number;
  /** SEG.WND as carried in the 16-bit header field. */
  readonly wnd: number;
  /** The MSS option, present only on SYN segments that carry it. */
  readonly mss?: number;
  readonly payload: Uint8Array;
}

/** SEG.LEN (RFC 9293 §3.4): payload octets plus one for SYN and one for FIN. */
export function segLen(s: Segment): number {
  return s.payload.length + (s.flags & SYN ? 1 : 0) + (s.flags & FIN ? 1 : 0);
}

const NAMES: ReadonlyArray<readonly [number, string]> = [
  [SYN, 'SYN'],
  [FIN, 'FIN'],
  [RST, 'RST'],
  [PSH, 'PSH'],
  [ACK, 'ACK'],
  [URG, 'URG'],
];

/** Flags as the ladder and the trace spell them: 'SYN,ACK', 'FIN,ACK', 'ACK'. */
export function flagNames(flags: number): string {
  const out: string[] = [];
  for (const [bit, name] of NAMES) if (flags & bit) out.push(name);
  return out.join(',');
}

export const EMPTY = new Uint8Array(0);
