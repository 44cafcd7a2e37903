/**
 * Two runs of one scenario side by side, the way `netstep diff` shows iis6 against ftp75: each run reduced
 * to the events that tell FTP 7.5's story, aligned so that what both runs did sits on one row, and every
 * difference marked.
 *
 * The events are those of the FTP server's host, as its wire and its session see them: each FTP command
 * and reply, and each SYN, FIN and RST the host received or sent, named by the kind of connection (ctrl or
 * data). Arrows read as on a ladder with the clients on the left: → toward the server, ← from it. With
 * several sessions, a command or reply is prefixed by its control connection ('ctrl#2 → LIST'). And
 * each client model's verdict (■ completed, failed, truncated, hung), at whatever host it ran. Pure ACKs and data segments are left out: they differ with every change of
 * timing and say nothing about the protocol. Connection numbers and times are not compared, only what
 * happened in what order.
 *
 * Alignment is a longest common subsequence of the two event lists (diff's algorithm). Between two rows
 * that match, the events of one run only are paired with those of the other that are of the same kind (a
 * reply with a reply, along a second such subsequence) as changed ('≠'), and the rest are marked as one
 * run's only ('<' or '>'). Past 4 million cells of LCS table (2,000 events a side) the lists are paired
 * by position instead, and the header says so.
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
import { replyLines, shortConn } from './trace-kinds.ts';

export interface DiffEvent {
  readonly at: Time;
  /** What happened, without the time: what the alignment compares. */
  readonly text: string;
  /**
   * What sort of event it is ('ctrl#1 ← reply', '→ LIST', '← data'): two events that differ are shown as one
   * changed row only when they are of one kind. Default: the text itself.
   */
  readonly kind?: string;
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
  // With several FTP sessions at the server, each command and reply says whose it is ('ctrl#2 → LIST').
  const sessions = new Set<string>();
  for (const e of trace)
    if ((e.kind === 'ftp-command' || e.kind === 'ftp-reply') && e.host === server) sessions.add(e.session);
  const who = (session: string) => (sessions.size > 1 ? `${shortConn(session, server)} ` : '');
  for (const e of trace) {
    ctx.observe(e);
    if (e.kind === 'client-verdict') {
      // How each client's run ended, wherever it ran: what a race scenario is about.
      const code = e.code !== undefined ? ` (${e.code})` : '';
      out.push({ at: e.at, text: `■ ${e.client} ${e.verdict}${code}`, kind: `■ ${e.client}` });
      continue;
    }
    if (e.host !== server) continue;
    switch (e.kind) {
      case 'ftp-command':
        out.push({
          at: e.at,
          text: `${who(e.session)}→ ${e.line}`,
          kind: `${who(e.session)}→ ${verbOf(e.line)}`,
        });
        break;
      case 'ftp-reply': {
        const lines = replyLines(e.code, e.text);
        const more = lines.length > 1 ? ` (+${lines.length - 1} lines)` : '';
        out.push({
          at: e.at,
          text: `${who(e.session)}← ${lines[0]}${more}`,
          kind: `${who(e.session)}← reply`,
        });
        break;
      }
      case 'seg-send':
      case 'seg-recv': {
        if ((e.seg.flags & (SYN | FIN | RST)) === 0) break;
        const conn = `${e.kind === 'seg-recv' ? '→' : '←'} ${ctx.isControl(e.seg) ? 'ctrl' : 'data'}`;
        out.push({ at: e.at, text: `${conn} ${flagNames(e.seg.flags)}`, kind: conn });
        break;
      }
      default:
        break;
    }
  }
  return out;
}

/** A command's verb, upper-cased: 'RETR a.txt' is 'RETR'. */
function verbOf(line: string): string {
  return (line.split(' ', 1)[0] ?? '').toUpperCase();
}

/** Cells of LCS table above which the alignment pairs events by position. */
export const MAX_LCS_CELLS = 4_000_000;

/** Aligns two event lists (see the file comment). `exact` is false when they were paired by position. */
export function alignEvents(
  a: readonly DiffEvent[],
  b: readonly DiffEvent[],
): { rows: DiffRow[]; exact: boolean } {
  if ((a.length + 1) * (b.length + 1) > MAX_LCS_CELLS) {
    const rows: DiffRow[] = [];
    for (let i = 0; i < Math.max(a.length, b.length); i++) rows.push(pair(a[i], b[i]));
    return { rows, exact: false };
  }
  const rows: DiffRow[] = [];
  let onlyA: DiffEvent[] = [];
  let onlyB: DiffEvent[] = [];
  // Between two rows that match, the events of one run only are paired with those of the other that are
  // of the same kind (a reply with a reply, a LIST with a LIST), again in order; the rest stand alone.
  const flush = () => {
    for (const step of lcsSteps(onlyA, onlyB, kindOf)) {
      rows.push(
        step.kind === 'both' ? { mark: 'changed', left: step.a, right: step.b } : pair(step.a, step.b),
      );
    }
    onlyA = [];
    onlyB = [];
  };
  for (const step of lcsSteps(a, b, (e) => e.text)) {
    if (step.kind === 'both') {
      flush();
      rows.push({ mark: 'same', left: step.a, right: step.b });
    } else if (step.a) onlyA.push(step.a);
    else if (step.b) onlyB.push(step.b);
  }
  flush();
  return { rows, exact: true };
}

function kindOf(e: DiffEvent): string {
  return e.kind ?? e.text;
}

type Step = { kind: 'both'; a: DiffEvent; b: DiffEvent } | { kind: 'one'; a?: DiffEvent; b?: DiffEvent };

/** The two lists walked along a longest common subsequence of their keys: matches, and the rest in order. */
function lcsSteps(a: readonly DiffEvent[], b: readonly DiffEvent[], key: (e: DiffEvent) => string): Step[] {
  const n = a.length;
  const m = b.length;
  const ka = a.map(key);
  const kb = b.map(key);
  // lcs[i][j]: the longest common subsequence of a[i..] and b[j..], row-major in one array.
  const w = m + 1;
  const lcs = new Uint32Array((n + 1) * w);
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      lcs[i * w + j] =
        ka[i] === kb[j]
          ? lcs[(i + 1) * w + j + 1]! + 1
          : Math.max(lcs[(i + 1) * w + j]!, lcs[i * w + j + 1]!);
    }
  }
  const steps: Step[] = [];
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && ka[i] === kb[j]) steps.push({ kind: 'both', a: a[i++]!, b: b[j++]! });
    else if (j >= m || (i < n && lcs[(i + 1) * w + j]! >= lcs[i * w + j + 1]!))
      steps.push({ kind: 'one', a: a[i++]! });
    else steps.push({ kind: 'one', b: b[j++]! });
  }
  return steps;
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
