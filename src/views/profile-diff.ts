/**
 * Two runs of one scenario side by side, the way `netstep diff` shows iis6 against ftp75: each run reduced
 * to the events that tell FTP 7.5's story, aligned so that what both runs did sits on one row, and every
 * difference marked.
 *
 * The events are those of the FTP server's host, as its wire and its session see them: each FTP command
 * and reply, and each SYN, FIN and RST the host received or sent, named by the kind of connection (ctrl or
 * data). Arrows read as on a ladder with the clients on the left: → toward the server, ← from it. And
 * each client model's verdict (■ completed, failed, truncated, hung), at whatever host it ran. Pure ACKs and data segments are left out: they differ with every change of
 * timing and say nothing about the protocol. Connection numbers and times are not compared, only what
 * happened in what order.
 *
 * Alignment is a longest common subsequence of the two event lists (diff's algorithm). Between two rows
 * that match, the events of one run only are paired with those of the other, row by row, as changed ('≠'),
 * and the rest are marked as one run's only ('<' or '>'). Past 4 million cells of LCS table (2,000 events
 * a side) the lists are paired by position instead, and the header says so.
 */

import { FIN, flagNames, RST, SYN } from '../../sim/tcp/segment.ts';
import type { Time } from '../../sim/time.ts';
import type { TraceEntry } from '../../sim/trace.ts';
import type {} from '../clients/trace.ts';
import { Canvas } from './canvas.ts';
import { WireContext } from './context.ts';
import { formatTime } from './ladder.ts';
import { type Paint, PLAIN, type Style } from './style.ts';
import { padStart, truncate, wrap } from './text.ts';
import { replyLines } from './trace-kinds.ts';

export interface DiffEvent {
  readonly at: Time;
  /** What happened, without the time: what the alignment compares. */
  readonly text: string;
}

export type DiffMark = 'same' | 'changed' | 'left' | 'right';

export interface DiffRow {
  readonly mark: DiffMark;
  readonly left?: DiffEvent;
  readonly right?: DiffEvent;
}

/** The events of one run at the FTP server's host `server` (see the file comment). */
export function diffEvents(trace: readonly TraceEntry[], server: string): DiffEvent[] {
  const ctx = new WireContext();
  const out: DiffEvent[] = [];
  for (const e of trace) {
    ctx.observe(e);
    if (e.kind === 'client-verdict') {
      // How each client's run ended, wherever it ran: what a race scenario is about.
      out.push({ at: e.at, text: `■ ${e.client} ${e.verdict}${e.code !== undefined ? ` (${e.code})` : ''}` });
      continue;
    }
    if (e.host !== server) continue;
    switch (e.kind) {
      case 'ftp-command':
        out.push({ at: e.at, text: `→ ${e.line}` });
        break;
      case 'ftp-reply': {
        const lines = replyLines(e.code, e.text);
        out.push({
          at: e.at,
          text: `← ${lines[0]}${lines.length > 1 ? ` (+${lines.length - 1} lines)` : ''}`,
        });
        break;
      }
      case 'seg-send':
      case 'seg-recv': {
        if ((e.seg.flags & (SYN | FIN | RST)) === 0) break;
        const kind = ctx.isControl(e.seg) ? 'ctrl' : 'data';
        out.push({
          at: e.at,
          text: `${e.kind === 'seg-recv' ? '→' : '←'} ${kind} ${flagNames(e.seg.flags)}`,
        });
        break;
      }
      default:
        break;
    }
  }
  return out;
}

/** Cells of LCS table above which the alignment pairs events by position. */
export const MAX_LCS_CELLS = 4_000_000;

/** Aligns two event lists (see the file comment). `exact` is false when they were paired by position. */
export function alignEvents(
  a: readonly DiffEvent[],
  b: readonly DiffEvent[],
): { rows: DiffRow[]; exact: boolean } {
  const n = a.length;
  const m = b.length;
  if ((n + 1) * (m + 1) > MAX_LCS_CELLS) {
    const rows: DiffRow[] = [];
    for (let i = 0; i < Math.max(n, m); i++) rows.push(pair(a[i], b[i]));
    return { rows, exact: false };
  }
  // lcs[i][j]: the longest common subsequence of a[i..] and b[j..], row-major in one array.
  const w = m + 1;
  const lcs = new Uint32Array((n + 1) * w);
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      lcs[i * w + j] =
        a[i]!.text === b[j]!.text
          ? lcs[(i + 1) * w + j + 1]! + 1
          : Math.max(lcs[(i + 1) * w + j]!, lcs[i * w + j + 1]!);
    }
  }
  const rows: DiffRow[] = [];
  let i = 0;
  let j = 0;
  let onlyA: DiffEvent[] = [];
  let onlyB: DiffEvent[] = [];
  const flush = () => {
    for (let k = 0; k < Math.max(onlyA.length, onlyB.length); k++) rows.push(pair(onlyA[k], onlyB[k]));
    onlyA = [];
    onlyB = [];
  };
  while (i < n || j < m) {
    if (i < n && j < m && a[i]!.text === b[j]!.text) {
      flush();
      rows.push({ mark: 'same', left: a[i++], right: b[j++] });
    } else if (j >= m || (i < n && lcs[(i + 1) * w + j]! >= lcs[i * w + j + 1]!)) {
      onlyA.push(a[i++]!);
    } else {
      onlyB.push(b[j++]!);
    }
  }
  flush();
  return { rows, exact: true };
}

function pair(left: DiffEvent | undefined, right: DiffEvent | undefined): DiffRow {
  if (left && right) return { mark: left.text === right.text ? 'same' : 'changed', left, right };
  if (left) return { mark: 'left', left };
  return { mark: 'right', right };
}

const MARKS: Readonly<Record<DiffMark, readonly [string, Style | undefined]>> = {
  same: [' ', undefined],
  changed: ['≠', 'held'],
  left: ['<', 'drop'],
  right: ['>', 'ok'],
};

export interface SideBySideOptions {
  readonly width: number;
  readonly leftTitle: string;
  readonly rightTitle: string;
  readonly paint?: Paint;
}

const TIME = 10;

/**
 * The rows as two columns of `time event`, with the mark between them; every line fits `width`. A row
 * that differs ('≠') may take several lines: both texts are shown whole.
 */
export function sideBySideLines(rows: readonly DiffRow[], o: SideBySideOptions): string[] {
  const paint = o.paint ?? PLAIN;
  const half = Math.floor((o.width - 3) / 2);
  const rightX = half + 3;
  const title = new Canvas(o.width);
  title.put(0, padStart('ms', TIME), 'dim');
  title.put(TIME + 1, truncate(o.leftTitle, half - TIME - 1), 'strong');
  title.put(rightX, padStart('ms', TIME), 'dim');
  title.put(rightX + TIME + 1, truncate(o.rightTitle, o.width - rightX - TIME - 1), 'strong');
  const out = [title.render(paint)];
  const leftRoom = half - TIME - 1;
  const rightRoom = o.width - rightX - TIME - 1;
  for (const r of rows) {
    const [mark, style] = MARKS[r.mark];
    // A row that differs shows both texts whole, wrapped in their columns, so the difference is visible
    // even past the column's width; the other rows are cut to one line.
    const texts = (ev: DiffEvent | undefined, room: number) =>
      ev === undefined ? [] : r.mark === 'changed' ? wrap(ev.text, room) : [truncate(ev.text, room)];
    const left = texts(r.left, leftRoom);
    const right = texts(r.right, rightRoom);
    for (let i = 0; i < Math.max(left.length, right.length, 1); i++) {
      const c = new Canvas(o.width);
      if (i === 0 && r.left) c.put(0, padStart(formatTime(r.left.at), TIME), 'dim');
      if (i === 0 && r.right) c.put(rightX, padStart(formatTime(r.right.at), TIME), 'dim');
      if (left[i] !== undefined) c.put(TIME + 1, left[i]!, style);
      if (right[i] !== undefined) c.put(rightX + TIME + 1, right[i]!, style);
      c.put(half + 1, i === 0 ? mark : ' ', style);
      out.push(c.render(paint));
    }
  }
  return out;
}
