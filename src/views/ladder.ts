/**
 * The ladder: the trace as a time-sequence diagram in a terminal, one vertical lane per host and one line
 * per trace entry worth showing, at most `width` (default 100) columns.
 *
 *          ms  client 10.0.0.1                                                          10.0.0.2 server
 *       0.000  ├╌ SYN seq=0 isn=2401331091 win=65535 mss=1460 ╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌▷│
 *       1.000  │──────────────────────────────────── SYN seq=0 isn=2401331091 win=65535 mss=1460 ─▶┤
 *       1.000  │                                                 ctrl#1 LISTEN → SYN-RECEIVED ◆
 *
 * Choices, each for the reader who is learning the timing:
 * - A segment takes two lines: one when it leaves its host (dashed, ╌╌▷, label near the sender) and one
 *   when it arrives (solid, ──▶, label near the receiver). A segment in flight is the gap between the two;
 *   a segment the network loses ends in ✗ with the reason, a held one in ‖ with the rule.
 * - Times are the simulated time of the entry in milliseconds (seconds, marked 's', from 1,000 s on); a
 *   second or more in which nothing is drawn gets a dotted line that says how long it was.
 * - Sequence numbers are relative, as Wireshark shows them; see context.ts and segment-label.ts.
 * - TCP state changes, the FTP server's data-channel states and notes, TCP timers and discards, and the
 *   client models' steps (▸ started, ✓ done, ✗ failed) and verdicts (■) are notes beside the host's lane,
 *   on the inner side (the last lane's notes are on its left).
 * - Not drawn: FTP command and reply entries, and the client's reading of a reply (their text is on the
 *   arrows that carry them), W3C log lines (the log view), socket calls and events (the application's
 *   side, not the wire), congestion-window updates (one per ACK in a bulk transfer), and kinds the ladder
 *   does not know.
 *
 * `Ladder` renders entry by entry and keeps what it has learnt, so a stepper can print "the ladder so far"
 * and then one entry more at each step; `ladderLines` renders a whole trace or a prefix of it.
 */

import { assertNever } from '../../sim/errors.ts';
import type { Segment } from '../../sim/tcp/segment.ts';
import { formatDuration, MS, SECOND, type Time } from '../../sim/time.ts';
import type { TraceEntry } from '../../sim/trace.ts';
import type {} from '../clients/trace.ts';
import { Canvas } from './canvas.ts';
import { WireContext } from './context.ts';
import { ftpTextOf, segmentLabel } from './segment-label.ts';
import { type Paint, PLAIN, type Style } from './style.ts';
import { padStart, textWidth, truncate } from './text.ts';
import { dropReason, type SegmentEntry, shortConn } from './trace-kinds.ts';

export interface LadderHost {
  readonly name: string;
  readonly addr?: string;
}

export interface LadderOptions {
  /** Columns of every line. Default 100, at least 40. */
  readonly width?: number;
  /** The hosts to draw, in lane order; default every host given. Segments to a host not drawn become notes. */
  readonly hosts?: readonly string[];
  /**
   * Only what carries FTP: control segments with text (the arrows then say the text alone), the server's
   * data-channel states and notes.
   */
  readonly ftpOnly?: boolean;
  /** Only entries at or after this time (ns). */
  readonly from?: Time;
  /** Only entries at or before this time (ns). */
  readonly to?: Time;
  /** Colour; default none. */
  readonly paint?: Paint;
}

export const LADDER_WIDTH = 100;
const MIN_WIDTH = 40;
const TIME_WIDTH = 10;
const FIRST_LANE = TIME_WIDTH + 2;
/** A second or more with nothing drawn gets a line of its own (an RTO, TIME-WAIT, a timeout). */
const GAP = SECOND;

/** The legend at the top of every ladder. */
export const LADDER_LEGEND: readonly string[] = [
  'time in ms · ╌╌▷ a segment leaves its host · ──▶ it arrives · ✗ lost on the way · ‖ held by a rule',
  "seq/ack relative to each direction's ISN (Wireshark's default); the SYN shows isn=<absolute ISN>",
  'len if data, win if changed, "FTP text" (↵ = CRLF) · ◆ TCP state · ◇ FTP server · ▸ ✓ ✗ ■ FTP client',
];

export class Ladder {
  readonly width: number;
  private readonly ctx = new WireContext();
  private readonly lanes = new Map<string, number>();
  private readonly names: readonly string[];
  private readonly lastLane: number;
  private readonly paint: Paint;
  /** The time of the last entry drawn, to mark long gaps. */
  private lastDrawn: Time | undefined;

  constructor(
    private readonly hosts: readonly LadderHost[],
    private readonly options: LadderOptions = {},
  ) {
    this.width = Math.max(MIN_WIDTH, options.width ?? LADDER_WIDTH);
    this.paint = options.paint ?? PLAIN;
    this.names = options.hosts ?? hosts.map((h) => h.name);
    const n = this.names.length;
    const span = this.width - 1 - FIRST_LANE;
    this.names.forEach((name, i) => {
      this.lanes.set(name, n === 1 ? FIRST_LANE : FIRST_LANE + Math.round((i * span) / (n - 1)));
    });
    // With one lane there is no last lane: its notes go to its right like any first lane's.
    this.lastLane = n > 1 ? this.lanes.get(this.names[n - 1]!)! : -1;
  }

  /** The legend and the line of host names. */
  header(): string[] {
    const c = new Canvas(this.width);
    c.put(0, padStart('ms', TIME_WIDTH), 'dim');
    const n = this.names.length;
    // Each name may take half the gap to its neighbours: the first grows right, the last left, the others
    // both ways, so no two meet. The address goes when it does not fit, then the name is cut.
    const half =
      n === 1 ? this.width - FIRST_LANE : Math.floor((this.width - 1 - FIRST_LANE) / (n - 1) / 2) - 1;
    const labelIn = (full: string, name: string, room: number) =>
      truncate(textWidth(full) <= room ? full : name, room);
    this.names.forEach((name, i) => {
      const x = this.lanes.get(name)!;
      const addr = this.hosts.find((h) => h.name === name)?.addr;
      if (i === n - 1 && n > 1) {
        c.putEndingAt(x + 1, labelIn(addr ? `${addr} ${name}` : name, name, half + 1), 'strong');
      } else if (i === 0) {
        c.put(x, labelIn(addr ? `${name} ${addr}` : name, name, half + 1), 'strong');
      } else {
        const label = labelIn(addr ? `${name} ${addr}` : name, name, 2 * half + 1);
        c.put(x - Math.floor(textWidth(label) / 2), label, 'strong');
      }
    });
    return [...LADDER_LEGEND.map((l) => this.paint('dim', truncate(l, this.width))), c.render(this.paint)];
  }

  /** Learns from the entry and returns its lines (none when the entry is not drawn). */
  entry(e: TraceEntry): string[] {
    this.ctx.observe(e);
    const { from, to } = this.options;
    if ((from !== undefined && e.at < from) || (to !== undefined && e.at > to)) return [];
    const line = this.draw(e);
    if (line === null) return [];
    const gap = this.lastDrawn === undefined ? 0 : e.at - this.lastDrawn;
    this.lastDrawn = e.at;
    return gap >= GAP ? [this.gapLine(gap), line] : [line];
  }

  /** A line that says how much time passed with nothing drawn: the lanes dotted, the time in words. */
  private gapLine(gap: Time): string {
    const c = new Canvas(this.width);
    c.put(0, padStart('⋮', TIME_WIDTH), 'dim');
    for (const x of this.lanes.values()) c.put(x, '┆', 'dim');
    c.put(FIRST_LANE + 2, ` ${formatDuration(gap)} later `, 'dim');
    return c.render(this.paint);
  }

  private draw(e: TraceEntry): string | null {
    const ftpOnly = this.options.ftpOnly === true;
    switch (e.kind) {
      case 'seg-send':
      case 'seg-recv':
      case 'seg-drop':
      case 'seg-hold':
      case 'seg-release':
        if (ftpOnly && ftpTextOf(e.seg, this.ctx) === '') return null;
        return this.segment(e);
      case 'tcp-state':
        if (ftpOnly) return null;
        return this.note(e.at, e.host, `${shortConn(e.conn, e.host)} ${e.from} → ${e.to}`, '◆', 'state');
      case 'tcp-event':
        if (ftpOnly || e.event === 'congestion') return null;
        return this.note(e.at, e.host, `${shortConn(e.conn, e.host)} ${e.event} ${e.detail}`, '!', 'held');
      case 'ftp-data': {
        const conn = e.conn === '' ? '' : ` (${shortConn(e.conn, e.host)})`;
        const text = `${shortConn(e.session, e.host)} data ${e.from} → ${e.to}${conn}`;
        return this.note(e.at, e.host, text, '◇', 'ftp');
      }
      case 'ftp-note':
        return this.note(e.at, e.host, `${shortConn(e.session, e.host)} ${e.text}`, '◇', 'ftp');
      case 'client-step': {
        // What the client model set out to do and how it went: the reader's anchor in a long run.
        const detail = e.detail ? `: ${e.detail}` : '';
        switch (e.phase) {
          case 'start':
            return this.note(e.at, e.host, `${e.client} ${e.step}`, '▸', 'strong');
          case 'done':
            return this.note(e.at, e.host, `${e.client} ${e.step} done${detail}`, '✓', 'ok');
          case 'fail':
            return this.note(e.at, e.host, `${e.client} ${e.step} failed${detail}`, '✗', 'drop');
          default:
            return assertNever(e.phase, 'step phase');
        }
      }
      case 'client-verdict': {
        const code = e.code !== undefined ? ` (${e.code})` : '';
        const text = `${e.client} ${e.verdict}${code}${e.detail ? `: ${e.detail}` : ''}`;
        return this.note(e.at, e.host, text, '■', e.verdict === 'completed' ? 'ok' : 'drop');
      }
      case 'app-event':
        if (ftpOnly) return null;
        return this.note(
          e.at,
          e.host,
          `${e.app} ${e.event}${e.detail ? `: ${e.detail}` : ''}`,
          '•',
          'strong',
        );
      case 'note':
        return this.note(e.at, e.host, e.text, '•', 'strong');
      default:
        return null;
    }
  }

  private canvas(at: Time): Canvas {
    const c = new Canvas(this.width);
    c.put(0, padStart(formatTime(at), TIME_WIDTH), 'dim');
    for (const x of this.lanes.values()) c.put(x, '│', 'dim');
    return c;
  }

  /** A note beside a host's lane; a note of a host not drawn, or of no host, spans the lanes. */
  private note(at: Time, host: string, text: string, mark: string, style: Style): string | null {
    const x = this.lanes.get(host);
    if (x === undefined && host !== '') return null;
    const c = this.canvas(at);
    if (x === undefined) {
      c.put(FIRST_LANE, truncate(`${mark} ${text}`, this.width - FIRST_LANE), style);
      return c.render(this.paint);
    }
    if (x !== this.lastLane) {
      c.put(x, mark, style);
      c.put(x + 2, truncate(text, this.width - x - 2), style);
    } else {
      c.put(x, mark, style);
      c.putEndingAt(x - 1, truncate(text, x - 1 - FIRST_LANE), style);
    }
    return c.render(this.paint);
  }

  private segment(e: SegmentEntry): string | null {
    const seg = e.seg;
    const style: Style = this.ctx.isControl(seg) ? 'control' : 'data';
    // The two ends: the sending host's lane and the receiving host's; 'to' is '' when no host has the address.
    const sender = e.kind === 'seg-recv' ? e.from : e.host;
    const receiver = e.kind === 'seg-recv' ? e.host : e.to;
    const a = this.lanes.get(sender);
    const b = this.lanes.get(receiver);
    if (e.kind === 'seg-recv' ? b === undefined : a === undefined) return null; // the entry's own host is not drawn
    if (a === undefined || b === undefined || a === b) return this.halfArrow(e, style);
    const dir = b > a ? 1 : -1;
    const c = this.canvas(e.at);
    const room = Math.abs(b - a) - 6;
    switch (e.kind) {
      case 'seg-send':
      case 'seg-release': {
        c.put(a, dir > 0 ? '├' : '┤', style);
        c.fill(Math.min(a, b) + 1, Math.max(a, b), '╌', style);
        c.put(b - dir, dir > 0 ? '▷' : '◁', style);
        const prefix = e.kind === 'seg-release' ? `‖ released by ${e.rule}: ` : '';
        const label = ` ${prefix}${this.label(seg, room - textWidth(prefix))} `;
        if (dir > 0) c.put(a + 2, label, style);
        else c.putEndingAt(a - 1, label, style);
        break;
      }
      case 'seg-recv': {
        c.fill(Math.min(a, b) + 1, Math.max(a, b), '─', style);
        c.put(b - dir, dir > 0 ? '▶' : '◀', style);
        c.put(b, dir > 0 ? '┤' : '├', style);
        const label = ` ${this.label(seg, room)} `;
        if (dir > 0) c.putEndingAt(b - 2, label, style);
        else c.put(b + 3, label, style);
        break;
      }
      case 'seg-drop':
      case 'seg-hold': {
        const [mark, why, markStyle] =
          e.kind === 'seg-drop'
            ? (['✗', dropReason(e.reason, e.rule), 'drop'] as const)
            : (['‖', `held by ${e.rule}`, 'held'] as const);
        // The reason reads away from the arrow: '╌╌✗ why' to the right, 'why ✗╌╌' to the left.
        const tail = dir > 0 ? ` ${why}` : `${why} `;
        const label = this.label(seg, Math.max(8, room - textWidth(tail) - 3));
        const body = textWidth(label) + 6; // ├╌ label ╌╌✗
        c.put(a, dir > 0 ? '├' : '┤', style);
        if (dir > 0) {
          c.fill(a + 1, a + body, '╌', style);
          c.put(a + 2, ` ${label} `, style);
          c.put(a + body, mark, markStyle);
          c.put(a + body + 1, tail, markStyle);
        } else {
          c.fill(a - body + 1, a, '╌', style);
          c.putEndingAt(a - 1, ` ${label} `, style);
          c.put(a - body, mark, markStyle);
          c.putEndingAt(a - body, tail, markStyle);
        }
        break;
      }
    }
    return c.render(this.paint);
  }

  /** What an arrow says: the segment's label, or with ftpOnly its FTP text alone. */
  private label(seg: Segment, width: number): string {
    if (this.options.ftpOnly) return truncate(`"${ftpTextOf(seg, this.ctx)}"`, width);
    return segmentLabel(seg, this.ctx, width);
  }

  /** A segment whose other end is not drawn (a hidden host, or an address no host has): a note at the drawn end. */
  private halfArrow(e: SegmentEntry, style: Style): string | null {
    const sender = e.kind === 'seg-recv' ? e.from : e.host;
    const receiver = e.kind === 'seg-recv' ? e.host : e.to || `${e.seg.dst.addr} (no such host)`;
    const label = this.label(e.seg, this.width - FIRST_LANE - 30);
    switch (e.kind) {
      case 'seg-send':
        return this.note(e.at, e.host, `╌▷ ${receiver}: ${label}`, '├', style);
      case 'seg-release':
        return this.note(e.at, e.host, `╌▷ ${receiver}: ‖ released by ${e.rule}: ${label}`, '├', style);
      case 'seg-recv':
        return this.note(e.at, e.host, `◀─ ${sender}: ${label}`, '┤', style);
      case 'seg-drop':
        return this.note(
          e.at,
          e.host,
          `╌✗ ${receiver}: ${label}: ${dropReason(e.reason, e.rule)}`,
          '├',
          'drop',
        );
      case 'seg-hold':
        return this.note(e.at, e.host, `╌‖ ${receiver}: ${label}: held by ${e.rule}`, '├', 'held');
      default:
        return null;
    }
  }
}

/** Milliseconds with three decimals (microseconds); from 1,000 s on, seconds with three decimals and 's'. */
export function formatTime(at: Time): string {
  const ms = (at / MS).toFixed(3);
  return ms.length <= TIME_WIDTH ? ms : `${(at / SECOND).toFixed(3)}s`;
}

/** The ladder of a trace, or of a prefix of it: the header, then the lines of every entry drawn. */
export function ladderLines(
  trace: readonly TraceEntry[],
  hosts: readonly LadderHost[],
  options: LadderOptions = {},
): string[] {
  const ladder = new Ladder(hosts, options);
  const out = ladder.header();
  for (const e of trace) out.push(...ladder.entry(e));
  return out;
}
