/**
 * The stepper's screen as lines of text: exactly `height` lines, none wider than `width` columns. The
 * terminal glue (src/cli/step.ts) writes them; tests read them.
 *
 *   netstep step · kb/port-handshake-before-200 · ftp75 · seed 1                step 14 · t=9.000ms
 *             ms  client 192.168.1.10                                  192.168.1.20 server
 *   ...the ladder so far, its last lines; the current step's lines marked ▶...
 *   ── now: next FTP reply (3 events) ─────────────────────────────────────────────────────────
 *      9.000  #66 server  tcp-state  server/data#2 CLOSED → SYN-SENT
 *      9.000  #67 server ▶ client  SYN seq=0 isn=872387016 win=65535 mss=1460
 *   (a message about the last move)
 *   n/space/→ next  b/← back  r next reply  t next TCP state  e end  s state  ? help  q quit
 *
 * The body is the ladder, or with `s` every connection and FTP session as a table (updated as you step),
 * or with `?` the keys and the ladder's legend.
 */

import { formatMs } from '../../sim/time.ts';
import type { TraceEntry } from '../../sim/trace.ts';
import { formatTime, LADDER_LEGEND } from '../views/ladder.ts';
import { segmentLabel } from '../views/segment-label.ts';
import { type Paint, PLAIN } from '../views/style.ts';
import { padEnd, padStart, textWidth, truncate } from '../views/text.ts';
import { entryDetail } from './describe.ts';
import { isSegmentEntry } from './query.ts';
import type { Snapshot } from './snapshot.ts';
import type { Stepper } from './stepper.ts';

export type View = 'ladder' | 'state' | 'help';

export interface ScreenOptions {
  readonly width: number;
  readonly height: number;
  /** What is being stepped, for the title: a bundled scenario's short name or a file. */
  readonly label: string;
  readonly view: View;
  readonly paint?: Paint;
}

export const KEYS_LINE =
  'n/space/→ next  b/← back  r next reply  t next TCP state  e end  s state  ? help  q quit';

/** The columns of the gutter in front of ladder lines: '▶ ' on the current step's lines. */
export const GUTTER = 2;

export function renderScreen(st: Stepper, o: ScreenOptions): string[] {
  const paint = o.paint ?? PLAIN;
  const w = o.width;
  const title = titleLine(st, o.label, w);
  // A third of the screen at most for the current step's entries (a step records up to a dozen or so).
  const now = nowLines(st, w, Math.max(2, Math.min(14, Math.floor(o.height / 3))));
  const message = st.message === '' ? '' : truncate(st.message, w);
  const keys = truncate(KEYS_LINE, w);
  const room = Math.max(0, o.height - 1 - now.length - 2);
  let body: string[];
  switch (o.view) {
    case 'ladder':
      body = ladderBody(st, room);
      break;
    case 'state':
      body = stateLines(st.sim.inspect(), w).slice(0, room);
      break;
    case 'help':
      body = helpLines(w).slice(0, room);
      break;
  }
  while (body.length < room) body.push('');
  const lines = [
    paint('strong', title),
    ...body,
    ...now.map((l, i) => (i === 0 ? paint('dim', l) : l)),
    paint('held', message),
    paint('dim', keys),
  ];
  return lines.slice(0, o.height);
}

function titleLine(st: Stepper, label: string, w: number): string {
  const sim = st.sim;
  const left = `netstep step · ${label} · ${sim.profile ?? 'world'} · seed ${sim.seed}`;
  const end = sim.done ? ' · finished' : '';
  const right = `step ${sim.steps} · t=${formatMs(sim.now)} · ${sim.trace.length} entries${end}`;
  const gap = w - textWidth(left) - textWidth(right);
  return gap >= 2 ? `${left}${' '.repeat(gap)}${right}` : truncate(`${left} · ${right}`, w);
}

/** The host line, then the last lines of the ladder that fit; the current step's lines marked. */
function ladderBody(st: Stepper, room: number): string[] {
  if (room <= 0) return [];
  const { from, to } = st.current();
  const all = st.ladderLines();
  const shown = all.slice(Math.max(0, all.length - (room - 1)));
  const out = [`${' '.repeat(GUTTER)}${st.header()}`];
  if (all.length === 0)
    out.push('', '  nothing has happened yet: press n (or space, or →) for the first event');
  for (const l of shown) out.push(`${l.seq >= from && l.seq < to ? '▶ ' : '  '}${l.text}`);
  return out.slice(0, room);
}

/** A separator naming the move, then the current step's entries (as many as fit). */
function nowLines(st: Stepper, w: number, max: number): string[] {
  const head = `── now: ${st.position.how} `;
  const out = [head + '─'.repeat(Math.max(0, w - textWidth(head)))];
  const entries = st.position.entries;
  if (entries.length === 0) {
    out.push(st.sim.steps === 0 ? '  (no event has run)' : '  (this step recorded nothing)');
    return out;
  }
  const fit = entries.length <= max - 1 ? entries.length : max - 2;
  for (const e of entries.slice(0, fit)) out.push(truncate(entryLine(st, e), w));
  if (fit < entries.length) out.push(`  … and ${entries.length - fit} more (on the ladder above)`);
  return out;
}

/** One entry, with segments numbered as the ladder numbers them. */
export function entryLine(st: Stepper, e: TraceEntry): string {
  const time = formatTime(e.at).padStart(10);
  if (isSegmentEntry(e)) {
    const label = segmentLabel(e.seg, st.wire());
    const conn = e.conn === '' ? '' : `${e.conn} `;
    const where =
      e.kind === 'seg-recv'
        ? `${conn}◀ ${e.from}`
        : e.kind === 'seg-send'
          ? `${conn}▶ ${e.to}`
          : `${conn}${e.kind.slice(4)} ▶ ${e.to}`;
    return `${time}  #${e.seq} ${e.host}  ${where}  ${label}`;
  }
  return `${time}  #${e.seq} ${e.host}  ${e.kind}  ${entryDetail(e)}`;
}

// ---- the state view ---------------------------------------------------------------------------------------

const CONN_COLUMNS: ReadonlyArray<readonly [string, number]> = [
  ['connection', 16],
  ['state', 12],
  ['snd.una', 8],
  ['snd.nxt', 8],
  ['rcv.nxt', 8],
  ['snd.wnd', 8],
  ['rcv.wnd', 8],
  ['rto', 8],
  ['queued', 7],
  ['unread', 7],
];

/** Cells in columns: the first `left` columns left-aligned (names, states), the rest right-aligned (numbers). */
function row(cells: readonly string[], widths: readonly number[], left: number): string {
  return cells
    .map((c, i) => {
      const cell = truncate(c, widths[i]!);
      return i < left ? padEnd(cell, widths[i]!) : padStart(cell, widths[i]!);
    })
    .join(' ')
    .trimEnd();
}

/**
 * Every connection (sequence numbers relative, as on the ladder), the connections that have closed, the
 * listeners, and every FTP session.
 */
export function stateLines(s: Snapshot, w: number): string[] {
  const widths = CONN_COLUMNS.map(([, n]) => n);
  const out = [
    `state at t=${formatMs(s.at)}, step ${s.step}  (sequence numbers relative, as on the ladder)`,
    '',
  ];
  out.push(
    row(
      CONN_COLUMNS.map(([h]) => h),
      widths,
      2,
    ),
  );
  const conns = Object.values(s.connections);
  if (conns.length === 0) out.push('  (no connection is open)');
  for (const c of conns) {
    out.push(
      row(
        [
          c.name,
          c.state,
          String(c.relative.sndUna),
          String(c.relative.sndNxt),
          String(c.relative.rcvNxt),
          String(c.sndWnd),
          String(c.rcvWnd),
          `${+(c.rto / 1e6).toFixed(3)}ms`,
          String(c.queued),
          String(c.unread),
        ],
        widths,
        2,
      ),
    );
  }
  const closed = Object.values(s.closed);
  if (closed.length > 0) out.push(`closed: ${closed.map((c) => `${c.name} (${formatMs(c.at)})`).join(', ')}`);
  const listening = Object.values(s.hosts).flatMap((h) => h.listening.map((p) => `${h.name}:${p}`));
  out.push(`listening: ${listening.join(', ') || 'nothing'}`, '');
  const sessions = Object.values(s.sessions);
  out.push(row(['FTP session', 'login', 'user', 'cwd', 'type', 'data', 'busy', 'reply'], SESSION_WIDTHS, 8));
  if (sessions.length === 0) out.push('  (no FTP session is open)');
  for (const x of sessions) {
    const last = x.replies.at(-1);
    out.push(
      row(
        [
          x.name,
          x.phase,
          x.user ?? '-',
          x.cwd,
          x.type,
          x.dataModel === null || x.data === 'closing' ? x.data : `${x.data} (${x.dataModel})`,
          x.busy === null ? '-' : `${x.busy.command} ${x.busy.phase}`,
          last === undefined ? '-' : `${last.code}`,
        ],
        SESSION_WIDTHS,
        8,
      ),
    );
  }
  return out.map((l) => truncate(l, w));
}

/** The session table fits 100 columns; 'reply' is the code of the last reply sent. */
const SESSION_WIDTHS = [16, 11, 8, 8, 4, 23, 16, 5];

// ---- help ---------------------------------------------------------------------------------------------------

function helpLines(w: number): string[] {
  return [
    'keys',
    '  n, space, →   the next event that records something (silent events run on the way)',
    '  b, ←          back to the previous event',
    '  r             on to the next FTP reply the server writes',
    '  t             on to the next TCP state change',
    '  e             on to the end of the run',
    '  s             show every connection and FTP session (s again: the ladder); stepping updates it',
    '  ?             this help (any key closes it)',
    '  q, Ctrl-C     quit',
    '',
    'the ladder',
    ...LADDER_LEGEND.map((l) => `  ${l}`),
    '  ▶ in the first column marks the lines of the current step; the lines under "now" are its entries',
  ].map((l) => truncate(l, w));
}
