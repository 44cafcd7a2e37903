/**
 * What a reader of the trace has learnt so far, entry by entry: the ISN of each direction of each
 * connection (for relative sequence numbers), the last window each direction advertised, which connections
 * are FTP control connections, and which host is at the other end of each FTP session. Views feed every
 * entry to `observe` in trace order, also the entries they do not print, so that a view of a time window or
 * of a prefix of the trace numbers segments exactly as the view of the whole trace does.
 *
 * Relative sequence numbers are Wireshark's default: SEG.SEQ minus the ISN of its direction, SEG.ACK minus
 * the ISN of the other direction, both modulo 2^32. The ISN of a direction is the SEQ of its latest SYN (a
 * new SYN on a reused 4-tuple starts a new numbering). A direction whose SYN was never seen is numbered from
 * its first segment, as if the SYN had been missed: that segment is seq=1.
 *
 * An FTP control connection is one whose connection name an FTP trace entry uses as its session (the
 * server's side), together with the client's side of the same 4-tuple; before any FTP entry names it, a
 * connection to or from port 21 counts as one too, so a raw TCP scenario against port 21 reads as FTP.
 */

import type { Endpoint, Segment } from '../../sim/tcp/segment.ts';
import { ACK, SYN } from '../../sim/tcp/segment.ts';
import type { TraceEntry } from '../../sim/trace.ts';
import '../apps/ftp-trace.ts';

export const FTP_CONTROL_PORT = 21;

/** A direction of a connection: 'a.b.c.d:p>e.f.g.h:q'. */
export function directionKey(src: Endpoint, dst: Endpoint): string {
  return `${src.addr}:${src.port}>${dst.addr}:${dst.port}`;
}

/** A connection, the same from both ends: its two endpoints in a fixed order. */
export function tupleKey(seg: Segment): string {
  const a = `${seg.src.addr}:${seg.src.port}`;
  const b = `${seg.dst.addr}:${seg.dst.port}`;
  return a < b ? `${a}|${b}` : `${b}|${a}`;
}

export interface Numbered {
  /** SEG.SEQ relative to its direction's ISN. */
  readonly seq: number;
  /** SEG.ACK relative to the other direction's ISN, or absolute when that ISN is unknown; undefined without ACK. */
  readonly ack: number | undefined;
  /** The absolute ISN, on a SYN only. */
  readonly isn: number | undefined;
  /** The window, when it differs from the previous segment of the same direction (always on the first). */
  readonly wnd: number | undefined;
  /** The connection's tupleKey. */
  readonly tuple: string;
}

export class WireContext {
  private readonly isns = new Map<string, number>();
  private readonly windows = new Map<string, number>();
  private readonly connTuples = new Map<string, string>();
  private readonly controlTuples = new Set<string>();
  private readonly sessionPeers = new Map<string, string>();
  /** Numbers are fixed when a segment is first seen, so its send and its arrival read the same. */
  private readonly numbered = new WeakMap<Segment, Numbered>();

  /** Learns from one entry. Call for every entry, in trace order. */
  observe(e: TraceEntry): void {
    switch (e.kind) {
      case 'seg-send':
      case 'seg-drop':
      case 'seg-hold':
      case 'seg-release':
        this.segment(e.seg, e.conn);
        break;
      case 'seg-recv':
        this.segment(e.seg, e.conn);
        if (e.conn !== '' && !this.sessionPeers.has(e.conn)) this.sessionPeers.set(e.conn, e.from);
        break;
      case 'ftp-command':
      case 'ftp-reply':
      case 'ftp-log':
      case 'ftp-data':
      case 'ftp-note': {
        const tuple = this.connTuples.get(e.session);
        if (tuple !== undefined) this.controlTuples.add(tuple);
        break;
      }
      default:
        break;
    }
  }

  private segment(seg: Segment, conn: string): void {
    if (this.numbered.has(seg)) return;
    const dir = directionKey(seg.src, seg.dst);
    const tuple = tupleKey(seg);
    if (seg.flags & SYN) this.isns.set(dir, seg.seq);
    else if (!this.isns.has(dir)) this.isns.set(dir, (seg.seq - 1) >>> 0);
    const isn = this.isns.get(dir)!;
    const peerIsn = this.isns.get(directionKey(seg.dst, seg.src));
    const hasAck = (seg.flags & ACK) !== 0;
    const lastWnd = this.windows.get(dir);
    this.windows.set(dir, seg.wnd);
    this.numbered.set(seg, {
      seq: (seg.seq - isn) >>> 0,
      ack: hasAck ? (peerIsn === undefined ? seg.ack : (seg.ack - peerIsn) >>> 0) : undefined,
      isn: seg.flags & SYN ? seg.seq : undefined,
      wnd: lastWnd === seg.wnd ? undefined : seg.wnd,
      tuple,
    });
    if (conn !== '') this.connTuples.set(conn, tuple);
  }

  /** The segment's numbers as first seen. A segment never observed is numbered now. */
  numbers(seg: Segment): Numbered {
    const known = this.numbered.get(seg);
    if (known !== undefined) return known;
    this.segment(seg, '');
    return this.numbered.get(seg)!;
  }

  /** True when the segment belongs to an FTP control connection (see the file comment). */
  isControl(seg: Segment): boolean {
    if (this.controlTuples.has(this.numbers(seg).tuple)) return true;
    return seg.src.port === FTP_CONTROL_PORT || seg.dst.port === FTP_CONTROL_PORT;
  }

  /** The host at the other end of a connection: for a session, the FTP client's host. */
  peerOf(conn: string): string | undefined {
    return this.sessionPeers.get(conn);
  }
}
