/**
 * The trace around a point, as ladder lines: what a failed matcher and a failed search print, so that the
 * reader sees the exchange where the expectation broke instead of a bare "expected 226".
 *
 *   marked entries (the ones the message is about) get '▶' in the first column; an entry the ladder does
 *   not draw (an FTP reply, a W3C line, a socket event) gets a plain line of its own when it is marked;
 *   `context` drawn lines are kept before the first mark and after the last, and long stretches between
 *   marks are cut to '⋮ (n lines)'. Without marks, the excerpt is the end of the trace.
 *
 * The ladder is src/views' renderer, fed every entry from the start so that sequence numbers are relative
 * exactly as the full ladder numbers them (entries far before the window are observed but not drawn). If it
 * cannot draw (a trace without hosts), the excerpt falls back to describeEntry's plain lines.
 */

import type { TraceEntry } from '../../sim/trace.ts';
import { formatTime, Ladder, type LadderHost } from '../views/ladder.ts';
import { truncate } from '../views/text.ts';
import { describeEntry, entryDetail } from './describe.ts';
import { isSegmentEntry } from './query.ts';

export interface ExcerptOptions {
  /** Columns, the marker column included. Default 100. */
  readonly width?: number;
  /** Drawn lines kept before the first mark and after the last. Default 6. */
  readonly context?: number;
}

interface Line {
  readonly seq: number;
  readonly text: string;
  readonly marked: boolean;
}

/** How many entries before the first mark are drawn at all (the rest are only observed). */
const DRAW_BEFORE = 400;

export function ladderExcerpt(
  trace: readonly TraceEntry[],
  hosts: readonly LadderHost[],
  marks: readonly number[],
  o: ExcerptOptions = {},
): string[] {
  const width = o.width ?? 100;
  const context = o.context ?? 6;
  // Positions in `trace` of the marked entries: a slice of a trace keeps its entries' seqs.
  const want = new Set(marks);
  const at: number[] = [];
  trace.forEach((e, i) => {
    if (want.has(e.seq)) at.push(i);
  });
  if (hosts.length === 0) return plainExcerpt(trace, at, context);
  const firstMark = at.length === 0 ? trace.length : at[0]!;
  const lastMark = at.length === 0 ? trace.length - 1 : at.at(-1)!;
  const drawFrom = Math.max(0, firstMark - (at.length === 0 ? 4 * context : DRAW_BEFORE));
  const ladder = new Ladder(hosts, { width: width - 2 });
  const lines: Line[] = [];
  let after = 0;
  for (let i = 0; i < trace.length; i++) {
    const e = trace[i]!;
    const drawn = ladder.entry(e);
    if (i < drawFrom) continue;
    const isMark = want.has(e.seq);
    for (const text of drawn) lines.push({ seq: e.seq, text, marked: isMark });
    if (isMark && drawn.length === 0) {
      const time = formatTime(e.at).padStart(10);
      const text = truncate(`${time}  #${e.seq} ${e.host} ${e.kind}: ${entryDetail(e)}`, width - 2);
      lines.push({ seq: e.seq, text, marked: true });
    }
    if (i > lastMark) {
      after += drawn.length;
      if (after >= context) break;
    }
  }
  const header = ladder.header().at(-1)!;
  return [`  ${header}`, ...window(lines, context, at.length === 0)];
}

function window(lines: readonly Line[], context: number, tail: boolean): string[] {
  const show = (l: Line) => `${l.marked ? '▶' : ' '} ${l.text}`;
  if (tail) return lines.slice(-2 * context).map(show);
  const keep = new Array<boolean>(lines.length).fill(false);
  lines.forEach((l, i) => {
    if (!l.marked) return;
    for (let j = Math.max(0, i - context); j <= Math.min(lines.length - 1, i + context); j++) keep[j] = true;
  });
  const out: string[] = [];
  let skipped = 0;
  lines.forEach((l, i) => {
    if (!keep[i]) {
      skipped++;
      return;
    }
    if (skipped > 0 && out.length > 0) out.push(`  ${' '.repeat(10)}⋮ (${skipped} lines)`);
    skipped = 0;
    out.push(show(l));
  });
  return out;
}

function plainExcerpt(trace: readonly TraceEntry[], at: readonly number[], context: number): string[] {
  if (at.length === 0) return trace.slice(-2 * context).map((e) => `  ${describeEntry(e)}`);
  const marked = new Set(at);
  const lo = Math.max(0, at[0]! - context);
  const hi = Math.min(trace.length, at.at(-1)! + context + 1);
  const out: string[] = [];
  for (let i = lo; i < hi; i++) out.push(`${marked.has(i) ? '▶' : ' '} ${describeEntry(trace[i]!)}`);
  return out;
}

/**
 * The hosts of a trace in order of appearance, for a trace that came without its world (a slice): the
 * entries' own hosts and the other ends of their segments.
 */
export function hostsOfTrace(trace: readonly TraceEntry[]): LadderHost[] {
  const seen = new Set<string>();
  for (const e of trace) {
    if (e.host !== '') seen.add(e.host);
    const other = e.kind === 'seg-recv' ? e.from : isSegmentEntry(e) ? e.to : '';
    if (other !== '') seen.add(other);
  }
  return [...seen].map((name) => ({ name }));
}
