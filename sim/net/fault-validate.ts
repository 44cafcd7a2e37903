/**
 * Fault rules as a scenario writes them (plain data, durations as '5ms', endpoints as 'client:21'), checked
 * and turned into the `FaultRule` values that `applyFaults` reads. Every error is a UsageError whose message
 * starts with the path of the bad field, e.g. `faults[2].match.flags[0]: unknown flag "SNY"`.
 */

import { UsageError } from '../errors.ts';
import { parseDuration, type Time } from '../time.ts';
import {
  type ConnectionMatch,
  type EndpointMatch,
  FAULT_FLAGS,
  type FaultFilter,
  type FaultRule,
  type FlagTest,
} from './faults.ts';

/** An endpoint: an object, or 'host:port', 'addr:port', 'host', 'host:*' (any port). */
export type EndpointSpec = EndpointMatch | string;

export interface FaultFilterSpec {
  readonly from?: string;
  readonly to?: string;
  readonly srcPort?: number;
  readonly dstPort?: number;
  readonly port?: number;
  readonly connection?: {
    readonly a: EndpointSpec;
    readonly b: EndpointSpec;
    readonly direction?: 'a->b' | 'b->a' | 'both';
  };
  readonly flags?: FlagTest | readonly FlagTest[];
  readonly since?: Time | string;
  readonly until?: Time | string;
}

/** A rule as written. `id` defaults to its place in the list, e.g. 'faults[0]'. */
export type FaultRuleSpec = {
  readonly id?: string;
  readonly match?: FaultFilterSpec;
  readonly count?: number;
} & (
  | { readonly action: 'drop' }
  | { readonly action: 'delay'; readonly by: Time | string }
  | { readonly action: 'duplicate' }
  | { readonly action: 'hold'; readonly until?: Time | string }
  | { readonly action: 'partition'; readonly oneWay?: boolean }
);

const ACTION_FIELDS: Readonly<Record<FaultRule['action'], readonly string[]>> = {
  drop: [],
  delay: ['by'],
  duplicate: [],
  hold: ['until'],
  partition: ['oneWay'],
};
const RULE_FIELDS = ['id', 'action', 'match', 'count'];
const FILTER_FIELDS = ['from', 'to', 'srcPort', 'dstPort', 'port', 'connection', 'flags', 'since', 'until'];
const CONNECTION_FIELDS = ['a', 'b', 'direction'];
const ENDPOINT_FIELDS = ['host', 'addr', 'port'];
const DIRECTIONS = ['a->b', 'b->a', 'both'];
const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

/** Checks a list of fault rules written as data and returns them ready for `applyFaults`. */
export function parseFaults(input: unknown, where = 'faults'): FaultRule[] {
  if (!Array.isArray(input))
    throw new UsageError(`${where}: expected a list of fault rules, got ${show(input)}`);
  const seen = new Set<string>();
  return input.map((spec, i) => {
    const rule = parseRule(spec, `${where}[${i}]`);
    if (seen.has(rule.id))
      throw new UsageError(`${where}[${i}].id: ${show(rule.id)} is already the id of an earlier rule`);
    seen.add(rule.id);
    return rule;
  });
}

function parseRule(spec: unknown, where: string): FaultRule {
  const o = object(spec, where, 'a fault rule');
  const action = o.action;
  if (typeof action !== 'string' || !Object.hasOwn(ACTION_FIELDS, action)) {
    throw new UsageError(
      `${where}.action: expected one of ${Object.keys(ACTION_FIELDS).join(', ')}, got ${show(action)}`,
    );
  }
  const a = action as FaultRule['action'];
  known(o, [...RULE_FIELDS, ...ACTION_FIELDS[a]], where, `field of a '${a}' rule`);
  const id = o.id === undefined ? where : nonEmpty(o.id, `${where}.id`);
  const match = o.match === undefined ? {} : parseFilter(o.match, `${where}.match`);
  let count: number | undefined;
  if (o.count !== undefined) {
    if (a === 'partition') {
      throw new UsageError(
        `${where}.count: a partition drops everything in its window; for the next N matches use 'drop' with a count`,
      );
    }
    if (!Number.isSafeInteger(o.count) || (o.count as number) < 1) {
      throw new UsageError(`${where}.count: must be a whole number >= 1, got ${show(o.count)}`);
    }
    count = o.count as number;
  }
  const base = count === undefined ? { id, match } : { id, match, count };
  switch (a) {
    case 'drop':
    case 'duplicate':
      return { ...base, action: a };
    case 'delay':
      if (o.by === undefined)
        throw new UsageError(`${where}.by: a 'delay' rule needs a duration, e.g. by: '50ms'`);
      return { ...base, action: a, by: duration(o.by, `${where}.by`) };
    case 'hold':
      return o.until === undefined
        ? { ...base, action: a }
        : { ...base, action: a, until: duration(o.until, `${where}.until`) };
    case 'partition':
      if (o.oneWay !== undefined && typeof o.oneWay !== 'boolean') {
        throw new UsageError(`${where}.oneWay: expected true or false, got ${show(o.oneWay)}`);
      }
      return o.oneWay ? { ...base, action: a, oneWay: true } : { ...base, action: a };
    default:
      return a satisfies never;
  }
}

function parseFilter(spec: unknown, where: string): FaultFilter {
  const o = object(spec, where, 'a filter');
  known(o, FILTER_FIELDS, where, 'filter field');
  const f: { -readonly [K in keyof FaultFilter]: FaultFilter[K] } = {};
  if (o.from !== undefined) f.from = nonEmpty(o.from, `${where}.from`);
  if (o.to !== undefined) f.to = nonEmpty(o.to, `${where}.to`);
  if (o.srcPort !== undefined) f.srcPort = port(o.srcPort, `${where}.srcPort`);
  if (o.dstPort !== undefined) f.dstPort = port(o.dstPort, `${where}.dstPort`);
  if (o.port !== undefined) f.port = port(o.port, `${where}.port`);
  if (o.connection !== undefined) f.connection = parseConnection(o.connection, `${where}.connection`);
  if (o.flags !== undefined) f.flags = parseFlags(o.flags, `${where}.flags`);
  if (o.since !== undefined) f.since = duration(o.since, `${where}.since`);
  if (o.until !== undefined) f.until = duration(o.until, `${where}.until`);
  if (f.since !== undefined && f.until !== undefined && f.until <= f.since) {
    throw new UsageError(
      `${where}.until: the window [since, until) is empty (until ${f.until} ns <= since ${f.since} ns)`,
    );
  }
  return f;
}

function parseConnection(spec: unknown, where: string): ConnectionMatch {
  const o = object(spec, where, 'a connection { a, b, direction? }');
  known(o, CONNECTION_FIELDS, where, 'connection field');
  if (o.a === undefined) throw new UsageError(`${where}.a: a connection needs both ends, a and b`);
  if (o.b === undefined) throw new UsageError(`${where}.b: a connection needs both ends, a and b`);
  const c = { a: parseEndpoint(o.a, `${where}.a`), b: parseEndpoint(o.b, `${where}.b`) };
  if (o.direction === undefined) return c;
  if (typeof o.direction !== 'string' || !DIRECTIONS.includes(o.direction)) {
    throw new UsageError(
      `${where}.direction: expected one of ${DIRECTIONS.join(', ')}, got ${show(o.direction)}`,
    );
  }
  return { ...c, direction: o.direction as ConnectionMatch['direction'] };
}

function parseEndpoint(spec: unknown, where: string): EndpointMatch {
  if (typeof spec === 'string') {
    // 'client:21', '10.0.0.1:21', 'client', 'client:*'. The part before the last colon is an address
    // when it is a dotted quad, otherwise a host name.
    const colon = spec.lastIndexOf(':');
    const name = colon < 0 ? spec : spec.slice(0, colon);
    const portText = colon < 0 ? '*' : spec.slice(colon + 1);
    if (name === '')
      throw new UsageError(`${where}: ${show(spec)} names no host: write 'host:port' or 'addr:port'`);
    const e: { -readonly [K in keyof EndpointMatch]: EndpointMatch[K] } = IPV4.test(name)
      ? { addr: name }
      : { host: name };
    if (portText !== '*') {
      if (!/^\d+$/.test(portText))
        throw new UsageError(`${where}: bad port in ${show(spec)}: write a number or '*'`);
      e.port = port(Number(portText), where);
    }
    return e;
  }
  const o = object(spec, where, "an endpoint: 'host:port' or { host, addr, port }");
  known(o, ENDPOINT_FIELDS, where, 'endpoint field');
  const e: { -readonly [K in keyof EndpointMatch]: EndpointMatch[K] } = {};
  if (o.host !== undefined) e.host = nonEmpty(o.host, `${where}.host`);
  if (o.addr !== undefined) {
    if (typeof o.addr !== 'string' || !IPV4.test(o.addr)) {
      throw new UsageError(`${where}.addr: expected a dotted IPv4 address, got ${show(o.addr)}`);
    }
    e.addr = o.addr;
  }
  if (o.port !== undefined) e.port = port(o.port, `${where}.port`);
  return e;
}

function parseFlags(spec: unknown, where: string): FlagTest[] {
  const list = typeof spec === 'string' ? [spec] : spec;
  if (!Array.isArray(list))
    throw new UsageError(`${where}: expected a flag or a list of flags, got ${show(spec)}`);
  return list.map((test, i) => {
    const at = typeof spec === 'string' ? where : `${where}[${i}]`;
    const flag = typeof test === 'string' && test.startsWith('!') ? test.slice(1) : test;
    if (typeof flag !== 'string' || !(FAULT_FLAGS as readonly string[]).includes(flag)) {
      throw new UsageError(
        `${at}: unknown flag ${show(test)} (known: ${FAULT_FLAGS.join(', ')}, each may be negated with '!')`,
      );
    }
    return test as FlagTest;
  });
}

function object(spec: unknown, where: string, what: string): Record<string, unknown> {
  if (typeof spec !== 'object' || spec === null || Array.isArray(spec)) {
    throw new UsageError(`${where}: expected ${what}, got ${show(spec)}`);
  }
  return spec as Record<string, unknown>;
}

function known(o: Record<string, unknown>, fields: readonly string[], where: string, what: string): void {
  for (const key of Object.keys(o)) {
    if (!fields.includes(key))
      throw new UsageError(`${where}.${key}: unknown ${what} (known: ${fields.join(', ')})`);
  }
}

function nonEmpty(value: unknown, where: string): string {
  if (typeof value !== 'string' || value === '')
    throw new UsageError(`${where}: expected a non-empty name, got ${show(value)}`);
  return value;
}

function port(value: unknown, where: string): number {
  if (!Number.isInteger(value) || (value as number) < 0 || (value as number) > 65535) {
    throw new UsageError(`${where}: expected a port number 0..65535, got ${show(value)}`);
  }
  return value as number;
}

function duration(value: unknown, where: string): Time {
  if (typeof value !== 'number' && typeof value !== 'string') {
    throw new UsageError(
      `${where}: expected a duration such as '5ms' or a number of nanoseconds, got ${show(value)}`,
    );
  }
  try {
    return parseDuration(value);
  } catch (e) {
    if (e instanceof UsageError) throw new UsageError(`${where}: ${e.message}`);
    throw e;
  }
}

function show(value: unknown): string {
  return value === undefined ? 'nothing' : JSON.stringify(value);
}
