/**
 * The assertions behind netstep's vitest matchers (src/vitest.ts registers them), as plain functions from
 * (what the test holds, what it expects) to { pass, message }, so they can be tested and reused without
 * vitest's globals. A failure message says what was expected and what happened instead, then shows the
 * trace around the point as ladder lines, with the entries it speaks of marked '▶'.
 *
 * What a matcher accepts as the thing under test:
 * - a Simulation, a World, or anything with a `world` (a scenario's RunOutcome): the trace and its hosts;
 * - an array of trace entries (a slice, or a StepResult's `entries` via the StepResult itself);
 * - for toBeInTcpState also a connection snapshot, a Conn, or a Tcb; for toSendNothing also a TCP Step.
 */

import { UsageError } from '../../sim/errors.ts';
import { netConfig } from '../../sim/net/network.ts';
import { flagNames, type Segment } from '../../sim/tcp/segment.ts';
import { TCP_STATES, type TcpState } from '../../sim/tcp/tcb.ts';
import { formatMs } from '../../sim/time.ts';
import type { EntryOf, TraceEntry } from '../../sim/trace.ts';
import { World } from '../../sim/world.ts';
import type { LadderHost } from '../views/ladder.ts';
import { hostsOfTrace, ladderExcerpt } from './excerpt.ts';
import { Query } from './query.ts';
import { type LogFields, logLine, reply, type TextMatch } from './query-ftp.ts';
import { stateChange } from './query-tcp.ts';
import { all, find, findLast } from './search.ts';
import { Simulation } from './simulation.ts';
import { Snapshot } from './snapshot.ts';

export interface MatchResult {
  readonly pass: boolean;
  readonly message: () => string;
}

/** Whether the matcher runs under `.not` (vitest's this.isNot). */
export interface MatchContext {
  readonly isNot: boolean;
}

interface Source {
  readonly trace: readonly TraceEntry[];
  readonly hosts: readonly LadderHost[];
  readonly world: World | null;
}

function hostsOfWorld(world: World, trace: readonly TraceEntry[]): LadderHost[] {
  try {
    return [...netConfig(world).hosts.values()].map((h) => ({ name: h.name, addr: h.addr }));
  } catch {
    return hostsOfTrace(trace);
  }
}

/** The trace (and hosts, and world when there is one) of what a test passed to expect(). */
export function sourceOf(received: unknown, matcher: string): Source {
  if (received instanceof Simulation)
    return { trace: received.trace, hosts: received.hosts, world: received.world };
  if (received instanceof World)
    return { trace: received.trace, hosts: hostsOfWorld(received, received.trace), world: received };
  if (Array.isArray(received))
    return { trace: received as TraceEntry[], hosts: hostsOfTrace(received), world: null };
  if (typeof received === 'object' && received !== null) {
    const r = received as { world?: unknown; entries?: unknown };
    if (r.world instanceof World) return sourceOf(r.world, matcher);
    if (Array.isArray(r.entries)) return sourceOf(r.entries, matcher);
  }
  throw new UsageError(
    `${matcher}: expect() needs a Simulation, a World, a run outcome or an array of trace entries, not ${kindOf(received)}`,
  );
}

function kindOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'object')
    return `an object with keys ${Object.keys(v).slice(0, 6).join(', ') || '(none)'}`;
  return `${typeof v} ${String(v)}`;
}

function at(e: TraceEntry): string {
  return `#${e.seq} at ${formatMs(e.at)}`;
}

function excerpt(src: Source, marks: readonly TraceEntry[]): string {
  if (src.trace.length === 0) return '\n\n(the trace is empty)';
  const lines = ladderExcerpt(
    src.trace,
    src.hosts,
    marks.map((e) => e.seq),
  );
  return `\n\n${lines.join('\n')}`;
}

// ---- toBeInTcpState -----------------------------------------------------------------------------------------

function checkState(state: unknown): TcpState {
  if (typeof state === 'string' && (TCP_STATES as readonly string[]).includes(state))
    return state as TcpState;
  throw new UsageError(
    `toBeInTcpState: '${String(state)}' is not a TCP state; one of ${TCP_STATES.join(', ')}`,
  );
}

/** The state of a snapshot-like value: a ConnSnapshot or ClosedConn ({ name, state }), a Conn ({ tcb }), a Tcb. */
function stateOfValue(v: unknown): { name: string; state: TcpState } | null {
  if (typeof v !== 'object' || v === null) return null;
  const o = v as { name?: unknown; state?: unknown; tcb?: { state?: unknown } };
  const name = typeof o.name === 'string' ? o.name : 'the connection';
  if (typeof o.state === 'string' && (TCP_STATES as readonly string[]).includes(o.state)) {
    return { name, state: o.state as TcpState };
  }
  if (o.tcb !== undefined && typeof o.tcb.state === 'string') return { name, state: o.tcb.state as TcpState };
  return null;
}

export function toBeInTcpState(
  _ctx: MatchContext,
  received: unknown,
  expected: unknown,
  conn?: string,
): MatchResult {
  const state = checkState(expected);
  if (conn === undefined) {
    const v = stateOfValue(received);
    if (v === null) {
      throw new UsageError(
        'toBeInTcpState: expect() a connection snapshot, a Conn or a Tcb, or a Simulation with the connection name: ' +
          `expect(sim).toBeInTcpState('${state}', 'server/ctrl#1'); got ${kindOf(received)}`,
      );
    }
    const pass = v.state === state;
    return {
      pass,
      message: () =>
        pass
          ? `expected ${v.name} not to be in TCP state ${state}, but it is`
          : `expected ${v.name} to be in TCP state ${state}, but it is ${v.state}`,
    };
  }
  const src = sourceOf(received, 'toBeInTcpState');
  if (src.world === null) {
    throw new UsageError(
      'toBeInTcpState with a connection name needs a Simulation or a World, not a trace slice',
    );
  }
  const actual = new Snapshot(src.world).tcpState(conn);
  const pass = actual === state;
  const last = findLast(src.trace, stateChange(conn));
  const since = last === undefined ? '' : ` since ${at(last)}`;
  return {
    pass,
    message: () =>
      (pass
        ? `expected ${conn} not to be in TCP state ${state}, but it is (${since.trim() || 'from the start'})`
        : `expected ${conn} to be in TCP state ${state}, but it is ${actual}${since}`) +
      excerpt(src, last === undefined ? [] : [last]),
  };
}

// ---- toHaveSentReply ----------------------------------------------------------------------------------------

export function toHaveSentReply(
  _ctx: MatchContext,
  received: unknown,
  code: number | string,
  text?: TextMatch,
): MatchResult {
  const src = sourceOf(received, 'toHaveSentReply');
  const q = reply(code, text);
  const hit = find(src.trace, q);
  const sent = all(src.trace, reply());
  if (hit !== undefined) {
    return {
      pass: true,
      message: () =>
        `expected the server not to send ${q.what}, but ${at(hit)} is ${show(hit)}${excerpt(src, [hit])}`,
    };
  }
  const sameCode = sent.filter((e) => reply(code).matches(e));
  const codes = sent.map((e) => e.code).join(', ') || 'nothing';
  const marks = sameCode.length > 0 ? sameCode : sent.slice(-1);
  return {
    pass: false,
    message: () =>
      `expected the server to send ${q.what}, but it sent ${codes}` +
      (sameCode.length > 0 ? `; with code ${code}: ${sameCode.map(show).join(', ')}` : '') +
      excerpt(src, marks),
  };
}

function show(e: EntryOf<'ftp-reply'>): string {
  return `${e.code} ${JSON.stringify(e.text.replace(/\r\n$/, ''))}`;
}

// ---- toHappenBefore -----------------------------------------------------------------------------------------

export type EventRef = Query | TraceEntry;

function resolve(src: Source, ref: EventRef): { entry: TraceEntry | undefined; what: string } {
  if (ref instanceof Query) return { entry: find(src.trace, ref), what: ref.what };
  if (typeof ref === 'object' && ref !== null && typeof (ref as TraceEntry).seq === 'number') {
    return {
      entry: ref as TraceEntry,
      what: `entry #${(ref as TraceEntry).seq} (${(ref as TraceEntry).kind})`,
    };
  }
  throw new UsageError(
    `toHappenBefore takes queries (reply(226), dataSyn(), ...) or trace entries, not ${kindOf(ref)}`,
  );
}

export function toHappenBefore(ctx: MatchContext, received: unknown, a: EventRef, b: EventRef): MatchResult {
  const src = sourceOf(received, 'toHappenBefore');
  const ra = resolve(src, a);
  const rb = resolve(src, b);
  if (ra.entry === undefined || rb.entry === undefined) {
    const missing = [ra, rb].filter((r) => r.entry === undefined).map((r) => r.what);
    // Neither order holds when an event never happened: fail under .not as well.
    return {
      pass: ctx.isNot,
      message: () =>
        `cannot order ${ra.what} and ${rb.what}: nothing in the trace matches ${missing.join(' nor ')}` +
        excerpt(
          src,
          [ra.entry, rb.entry].filter((e) => e !== undefined),
        ),
    };
  }
  const ea = ra.entry;
  const eb = rb.entry;
  const pass = ea.seq < eb.seq;
  return {
    pass,
    message: () =>
      (pass
        ? `expected ${ra.what} not to happen before ${rb.what}, but ${at(ea)} came before ${at(eb)}`
        : `expected ${ra.what} to happen before ${rb.what}, but ${at(ea)} came ${ea.seq === eb.seq ? 'as' : 'after'} ${at(eb)}`) +
      excerpt(src, [ea, eb]),
  };
}

// ---- toHaveLogLine ------------------------------------------------------------------------------------------

export function toHaveLogLine(_ctx: MatchContext, received: unknown, fields: LogFields): MatchResult {
  const src = sourceOf(received, 'toHaveLogLine');
  const q = logLine(fields);
  const hit = find(src.trace, q);
  if (hit !== undefined) {
    return {
      pass: true,
      message: () => `expected no ${q.what}, but ${at(hit)} is:\n  ${hit.line}${excerpt(src, [hit])}`,
    };
  }
  const lines = all(src.trace, logLine({}));
  const near =
    fields.method === undefined
      ? lines.slice(-1)
      : lines.filter((e) => logLine({ method: fields.method }).matches(e));
  return {
    pass: false,
    message: () =>
      `expected ${q.what}, but ${lines.length === 0 ? 'no log line was written' : `the log has:\n${lines.map((e) => `  ${e.line}`).join('\n')}`}` +
      excerpt(src, near.length > 0 ? near : lines.slice(-1)),
  };
}

// ---- toSendNothing ------------------------------------------------------------------------------------------

interface TcpStepLike {
  readonly tcb: unknown;
  readonly out: ReadonlyArray<{ readonly kind: string; readonly seg?: Segment }>;
}

function isTcpStep(v: unknown): v is TcpStepLike {
  return typeof v === 'object' && v !== null && 'tcb' in v && Array.isArray((v as { out?: unknown }).out);
}

export function toSendNothing(_ctx: MatchContext, received: unknown): MatchResult {
  if (isTcpStep(received)) {
    const segs = received.out.flatMap((o) => (o.kind === 'segment' && o.seg !== undefined ? [o.seg] : []));
    const pass = segs.length === 0;
    return {
      pass,
      message: () =>
        pass
          ? 'expected the TCP step to send a segment, but it sent nothing'
          : `expected the TCP step to send nothing, but it sent ${segs.length}:\n\n${stepLadder(segs).join('\n')}`,
    };
  }
  const src = sourceOf(received, 'toSendNothing');
  const sent = src.trace.filter((e) => e.kind === 'seg-send');
  const pass = sent.length === 0;
  return {
    pass,
    message: () =>
      pass
        ? `expected a segment to leave in these ${src.trace.length} entries, but none did${excerpt(src, [])}`
        : `expected nothing to be sent, but ${sent.length} segment(s) left: ${listed(sent)}` +
          excerpt(src, sent),
  };
}

function listed(sent: readonly TraceEntry[]): string {
  const shown = sent.slice(0, 5).map((e) => `${at(e)} ${flagNames((e as EntryOf<'seg-send'>).seg.flags)}`);
  return shown.join(', ') + (sent.length > 5 ? `, and ${sent.length - 5} more` : '');
}

/** A TCP step's segments drawn as a ladder between the two endpoints (there is no world to name the hosts). */
function stepLadder(segs: readonly Segment[]): string[] {
  const first = segs[0]!;
  const local = `${first.src.addr}:${first.src.port}`;
  const remote = `${first.dst.addr}:${first.dst.port}`;
  const trace = segs.map(
    (seg, seq) =>
      ({ seq, at: 0, host: 'local', kind: 'seg-send', seg, conn: 'tcb', to: 'remote' }) as TraceEntry,
  );
  return ladderExcerpt(
    trace,
    [
      { name: 'local', addr: local },
      { name: 'remote', addr: remote },
    ],
    trace.map((e) => e.seq),
  );
}
