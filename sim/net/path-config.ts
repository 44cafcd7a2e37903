/**
 * The settings of one direction of a path between two hosts, and their validation. A scenario writes them
 * as plain data (durations as '5ms', bandwidth as '10Mbps'); `pathConfig` checks every field, fills the
 * defaults and returns a frozen value in integer nanoseconds and bit/s that `transmit` (path.ts) reads.
 *
 * Defaults describe an ideal wire: no latency, no jitter, infinite bandwidth, no loss, duplication or
 * reordering, and an Ethernet MTU of 1500. The queue limit defaults to 1000 packets, the default
 * transmit-queue length of a Linux interface (txqueuelen), so a bandwidth-limited path behaves like a
 * real bottleneck instead of buffering without bound.
 */

import { UsageError } from '../errors.ts';
import { parseDuration, type Time } from '../time.ts';

export interface PathConfig {
  /** One-way propagation delay. */
  readonly latency: Time;
  /** Extra delay drawn per segment, uniform over the whole nanoseconds in [0, jitter]. */
  readonly jitter: Time;
  /** Link rate in bit/s; Infinity means no serialisation delay (and so no queue). */
  readonly bandwidth: number;
  /** Segments that may wait for the link (the one being serialised is not counted); tail drop beyond. */
  readonly queueLimit: number;
  /** Probability in [0, 1] that a segment is lost on the wire. */
  readonly loss: number;
  /** Probability in [0, 1] that a segment arrives twice. */
  readonly duplicate: number;
  /** Probability in [0, 1] that a segment is held back by `reorderDelay`, letting later ones pass it. */
  readonly reorder: number;
  readonly reorderDelay: Time;
  /** Largest IP datagram (header included) the path carries; larger ones are dropped (DF is always set). */
  readonly mtu: number;
}

/** What a scenario may write: every field optional; durations as nanoseconds or '5ms'; bandwidth as bit/s or '10Mbps'. */
export interface PathOptions {
  readonly latency?: Time | string;
  readonly jitter?: Time | string;
  /** bit/s, or a string such as '56kbps', '10Mbps', '1Gbps'; 0 or omitted means infinite. */
  readonly bandwidth?: number | string;
  readonly queueLimit?: number;
  readonly loss?: number;
  readonly duplicate?: number;
  readonly reorder?: number;
  readonly reorderDelay?: Time | string;
  readonly mtu?: number;
}

export const DEFAULT_PATH: PathConfig = Object.freeze({
  latency: 0,
  jitter: 0,
  bandwidth: Number.POSITIVE_INFINITY,
  queueLimit: 1000,
  loss: 0,
  duplicate: 0,
  reorder: 0,
  reorderDelay: 0,
  mtu: 1500,
});

const FIELDS: ReadonlyArray<keyof PathConfig> = Object.keys(DEFAULT_PATH) as Array<keyof PathConfig>;

/** RFC 791: every IPv4 module must forward a 68-octet datagram without fragmenting it. */
const MIN_MTU = 68;
const MAX_MTU = 65535;

/**
 * Validates path options and fills the defaults. Every error is a UsageError naming the field as
 * `<where>.<field>`, so a scenario author sees which path and which setting is wrong.
 */
export function pathConfig(options: PathOptions = {}, where = 'path'): PathConfig {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new UsageError(`${where}: expected an object of path settings, got ${JSON.stringify(options)}`);
  }
  for (const key of Object.keys(options)) {
    if (!(FIELDS as readonly string[]).includes(key)) {
      throw new UsageError(`${where}.${key}: unknown path setting (known: ${FIELDS.join(', ')})`);
    }
  }
  const o = options;
  const config: PathConfig = {
    latency: duration(o.latency, DEFAULT_PATH.latency, `${where}.latency`),
    jitter: duration(o.jitter, DEFAULT_PATH.jitter, `${where}.jitter`),
    bandwidth:
      o.bandwidth === undefined ? DEFAULT_PATH.bandwidth : parseBandwidth(o.bandwidth, `${where}.bandwidth`),
    queueLimit: queueLimit(o.queueLimit, `${where}.queueLimit`),
    loss: probability(o.loss, `${where}.loss`),
    duplicate: probability(o.duplicate, `${where}.duplicate`),
    reorder: probability(o.reorder, `${where}.reorder`),
    reorderDelay: duration(o.reorderDelay, DEFAULT_PATH.reorderDelay, `${where}.reorderDelay`),
    mtu: mtu(o.mtu, `${where}.mtu`),
  };
  if (config.reorder > 0 && config.reorderDelay === 0) {
    // A reordered segment is held back by reorderDelay; with 0 it would never be overtaken, and a
    // scenario that asks for reordering and silently gets none is worse than an error.
    throw new UsageError(
      `${where}.reorderDelay: must be > 0 when reorder is set (how long a reordered segment is held back)`,
    );
  }
  return Object.freeze(config);
}

const RATE = /^(\d+(?:\.\d+)?)\s*(bps|kbps|Mbps|Gbps)$/;
const RATE_UNITS: Readonly<Record<string, number>> = { bps: 1, kbps: 1e3, Mbps: 1e6, Gbps: 1e9 };

/**
 * Parses a link rate into bit/s: a number of bit/s, or '56kbps', '10Mbps', '1.5Gbps' (SI prefixes, powers
 * of ten, as link rates are quoted). 0 means infinite, as does Infinity. The result is a whole number of
 * bit/s so that serialisation delays are exact.
 */
export function parseBandwidth(value: number | string, where = 'bandwidth'): number {
  let bps: number;
  if (typeof value === 'number') {
    bps = value;
  } else if (typeof value === 'string') {
    const m = RATE.exec(value.trim());
    if (!m) {
      throw new UsageError(
        `${where}: bad bandwidth ${JSON.stringify(value)}: write bit/s as a number, or a number and one of bps, kbps, Mbps, Gbps (e.g. '10Mbps')`,
      );
    }
    bps = Math.round(Number(m[1]) * RATE_UNITS[m[2]!]!);
  } else {
    throw new UsageError(
      `${where}: bad bandwidth ${JSON.stringify(value)}: expected bit/s or a string such as '10Mbps'`,
    );
  }
  if (bps === 0 || bps === Number.POSITIVE_INFINITY) return Number.POSITIVE_INFINITY;
  if (!Number.isSafeInteger(bps) || bps < 0) {
    throw new UsageError(
      `${where}: bandwidth must be a whole number of bit/s >= 0 (0 for infinite), got ${value}`,
    );
  }
  return bps;
}

function duration(value: Time | string | undefined, fallback: Time, where: string): Time {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' && typeof value !== 'string') {
    throw new UsageError(
      `${where}: expected a duration such as '5ms' or a number of nanoseconds, got ${JSON.stringify(value)}`,
    );
  }
  try {
    return parseDuration(value);
  } catch (e) {
    // parseDuration says what is wrong with the value; lead with the field, as every other message here does.
    if (e instanceof UsageError) throw new UsageError(`${where}: ${e.message}`);
    throw e;
  }
}

function probability(value: number | undefined, where: string): number {
  if (value === undefined) return 0;
  if (typeof value !== 'number' || !(value >= 0 && value <= 1)) {
    throw new UsageError(`${where}: must be a probability between 0 and 1, got ${JSON.stringify(value)}`);
  }
  return value;
}

function queueLimit(value: number | undefined, where: string): number {
  if (value === undefined) return DEFAULT_PATH.queueLimit;
  if (value === Number.POSITIVE_INFINITY) return value;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw new UsageError(
      `${where}: must be a whole number of packets >= 0 (or Infinity), got ${JSON.stringify(value)}`,
    );
  }
  return value;
}

function mtu(value: number | undefined, where: string): number {
  if (value === undefined) return DEFAULT_PATH.mtu;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < MIN_MTU || value > MAX_MTU) {
    throw new UsageError(
      `${where}: must be a whole number of bytes in ${MIN_MTU}..${MAX_MTU}, got ${JSON.stringify(value)}`,
    );
  }
  return value;
}
