/**
 * Scripted faults: rules that match segments by a filter and act on them (drop, delay, duplicate, hold,
 * partition). `applyFaults` is pure: it takes the counts used so far, the rules and one segment entering
 * the network, and returns the new counts and one verdict, which the network glue carries out.
 *
 * Semantics, chosen to read like a firewall, where a scenario author already has intuitions:
 * - Rules are tried in order; the first rule that matches and still has uses left decides, and no later
 *   rule is consulted (so a later rule's count is not spent). No match: 'pass'.
 * - Every filter field given must hold; an omitted field matches anything. The time window is
 *   [since, until), read against the time the segment enters the network.
 * - `count` limits a rule to its next N matches ("drop the next SYN"); a rule without one acts on every match.
 * - 'partition' drops every match in its window, in both directions unless `oneWay` is set: the filter is
 *   also tried mirrored (from/to, srcPort/dstPort and the connection's direction swapped).
 * - 'hold' keeps the segment until `until` (an absolute time), or, without one, until the glue releases
 *   the rule's segments explicitly (see fault-hold.ts). A hold with `until` stops matching at `until`:
 *   a segment sent after the release time passes, rather than being held until a time already gone.
 * - 'delay' holds one segment for `by`: it enters the path that much later, so it may be overtaken. That is
 *   the point of the fault (let the data FIN overtake the 226), so the path's no-reordering clamp does not
 *   undo it.
 *
 * The glue must not pass a released, delayed or duplicated segment through the rules again: a fault acts
 * once per segment sent.
 *
 * Not here: validating rules written as data (fault-validate.ts), keeping held segments (fault-hold.ts),
 * random faults (path.ts).
 */

import { assertNever } from '../errors.ts';
import { ACK, FIN, PSH, RST, type Segment, SYN } from '../tcp/segment.ts';
import type { Time } from '../time.ts';

export type FaultFlag = 'SYN' | 'FIN' | 'RST' | 'ACK' | 'PSH' | 'data' | 'pure-ack';
/** A flag that must be present, or with '!' absent: ['SYN', '!ACK'] is an opening SYN, not a SYN-ACK. */
export type FlagTest = FaultFlag | `!${FaultFlag}`;

export const FAULT_FLAGS: readonly FaultFlag[] = ['SYN', 'FIN', 'RST', 'ACK', 'PSH', 'data', 'pure-ack'];

/** One end of a connection. Each field given must hold; `host` is the simulated host's name. */
export interface EndpointMatch {
  readonly host?: string;
  readonly addr?: string;
  readonly port?: number;
}

export interface ConnectionMatch {
  readonly a: EndpointMatch;
  readonly b: EndpointMatch;
  /** Which segments of the connection: a to b, b to a, or (default) both. */
  readonly direction?: 'a->b' | 'b->a' | 'both';
}

export interface FaultFilter {
  /** Name of the sending host. */
  readonly from?: string;
  /** Name of the receiving host. */
  readonly to?: string;
  readonly srcPort?: number;
  readonly dstPort?: number;
  /** Either port. */
  readonly port?: number;
  readonly connection?: ConnectionMatch;
  /** Every test must hold. 'data': carries payload. 'pure-ack': ACK, no SYN/FIN/RST, no payload. */
  readonly flags?: readonly FlagTest[];
  /** Window start, included. */
  readonly since?: Time;
  /** Window end, excluded. */
  readonly until?: Time;
}

interface RuleBase {
  /** Names the rule in verdicts, in the trace, and in release calls. */
  readonly id: string;
  readonly match: FaultFilter;
  /** Act on the next `count` matches only. Not allowed on 'partition'. */
  readonly count?: number;
}

export type FaultRule = RuleBase &
  (
    | { readonly action: 'drop' }
    | { readonly action: 'delay'; readonly by: Time }
    | { readonly action: 'duplicate' }
    | { readonly action: 'hold'; readonly until?: Time }
    | { readonly action: 'partition'; readonly oneWay?: boolean }
  );

export type FaultAction = FaultRule['action'];

export type FaultVerdict =
  | { readonly kind: 'pass' }
  | { readonly kind: 'drop'; readonly rule: string; readonly action: 'drop' | 'partition' }
  | { readonly kind: 'delay'; readonly rule: string; readonly by: Time }
  | { readonly kind: 'duplicate'; readonly rule: string }
  | { readonly kind: 'hold'; readonly rule: string; readonly until?: Time };

/** Matches used so far by each rule that has a `count`, by rule id. Rules without a count are not tracked. */
export type FaultState = Readonly<Record<string, number>>;

export const NO_FAULTS_USED: FaultState = Object.freeze({});

export interface FaultContext {
  /** Name of the sending host. */
  readonly from: string;
  /** Name of the receiving host. */
  readonly to: string;
  /** When the segment enters the network. */
  readonly now: Time;
}

export interface FaultStep {
  readonly state: FaultState;
  readonly verdict: FaultVerdict;
}

export const PASS: FaultVerdict = Object.freeze({ kind: 'pass' });

/** Decides what the rules do to one segment entering the network. */
export function applyFaults(
  state: FaultState,
  rules: readonly FaultRule[],
  segment: Segment,
  ctx: FaultContext,
): FaultStep {
  for (const rule of rules) {
    if (rule.count !== undefined && used(state, rule.id) >= rule.count) continue; // used up
    if (!ruleMatches(rule, segment, ctx)) continue;
    const next = rule.count === undefined ? state : { ...state, [rule.id]: used(state, rule.id) + 1 };
    return { state: next, verdict: verdictOf(rule) };
  }
  return { state, verdict: PASS };
}

/** Matches a rule has acted on. Own keys only: a rule may be called 'constructor'. */
function used(state: FaultState, id: string): number {
  return Object.hasOwn(state, id) ? state[id]! : 0;
}

/** True when `rule` would act on this segment if it had uses left. */
export function ruleMatches(rule: FaultRule, segment: Segment, ctx: FaultContext): boolean {
  // A hold with a release time is over once that time has come (see the file comment).
  if (rule.action === 'hold' && rule.until !== undefined && ctx.now >= rule.until) return false;
  if (filterMatches(rule.match, segment, ctx, false)) return true;
  return rule.action === 'partition' && !rule.oneWay && filterMatches(rule.match, segment, ctx, true);
}

function verdictOf(rule: FaultRule): FaultVerdict {
  switch (rule.action) {
    case 'drop':
    case 'partition':
      return { kind: 'drop', rule: rule.id, action: rule.action };
    case 'delay':
      return { kind: 'delay', rule: rule.id, by: rule.by };
    case 'duplicate':
      return { kind: 'duplicate', rule: rule.id };
    case 'hold':
      return rule.until === undefined
        ? { kind: 'hold', rule: rule.id }
        : { kind: 'hold', rule: rule.id, until: rule.until };
    default:
      return assertNever(rule, 'fault action');
  }
}

/**
 * Whether a segment matches a filter. `mirrored` tries the filter with its two ends swapped, which is how
 * a two-way partition matches the reverse direction.
 */
export function filterMatches(f: FaultFilter, s: Segment, ctx: FaultContext, mirrored = false): boolean {
  if (f.since !== undefined && ctx.now < f.since) return false;
  if (f.until !== undefined && ctx.now >= f.until) return false;
  const from = mirrored ? f.to : f.from;
  const to = mirrored ? f.from : f.to;
  const srcPort = mirrored ? f.dstPort : f.srcPort;
  const dstPort = mirrored ? f.srcPort : f.dstPort;
  if (from !== undefined && from !== ctx.from) return false;
  if (to !== undefined && to !== ctx.to) return false;
  if (srcPort !== undefined && srcPort !== s.src.port) return false;
  if (dstPort !== undefined && dstPort !== s.dst.port) return false;
  if (f.port !== undefined && f.port !== s.src.port && f.port !== s.dst.port) return false;
  if (f.flags !== undefined) {
    for (const test of f.flags) if (!flagTestHolds(test, s)) return false;
  }
  if (f.connection !== undefined && !connectionMatches(f.connection, s, ctx, mirrored)) return false;
  return true;
}

function connectionMatches(c: ConnectionMatch, s: Segment, ctx: FaultContext, mirrored: boolean): boolean {
  const direction = c.direction ?? 'both';
  const aToB =
    endpointMatches(c.a, s.src.addr, s.src.port, ctx.from) &&
    endpointMatches(c.b, s.dst.addr, s.dst.port, ctx.to);
  const bToA =
    endpointMatches(c.b, s.src.addr, s.src.port, ctx.from) &&
    endpointMatches(c.a, s.dst.addr, s.dst.port, ctx.to);
  switch (direction) {
    case 'both':
      return aToB || bToA;
    case 'a->b':
      return mirrored ? bToA : aToB;
    case 'b->a':
      return mirrored ? aToB : bToA;
    default:
      return assertNever(direction, 'connection direction');
  }
}

function endpointMatches(e: EndpointMatch, addr: string, port: number, host: string): boolean {
  return (
    (e.host === undefined || e.host === host) &&
    (e.addr === undefined || e.addr === addr) &&
    (e.port === undefined || e.port === port)
  );
}

function flagTestHolds(test: FlagTest, s: Segment): boolean {
  return test.charCodeAt(0) === 33 /* '!' */
    ? !flagHolds(test.slice(1) as FaultFlag, s)
    : flagHolds(test as FaultFlag, s);
}

function flagHolds(flag: FaultFlag, s: Segment): boolean {
  switch (flag) {
    case 'SYN':
      return (s.flags & SYN) !== 0;
    case 'FIN':
      return (s.flags & FIN) !== 0;
    case 'RST':
      return (s.flags & RST) !== 0;
    case 'ACK':
      return (s.flags & ACK) !== 0;
    case 'PSH':
      return (s.flags & PSH) !== 0;
    case 'data':
      return s.payload.length > 0;
    case 'pure-ack':
      return (s.flags & (ACK | SYN | FIN | RST)) === ACK && s.payload.length === 0;
    default:
      return assertNever(flag, 'fault flag');
  }
}
