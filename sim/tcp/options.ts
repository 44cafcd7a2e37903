/**
 * Per-connection TCP options and their defaults. Owns validation: a bad option is the caller's mistake and
 * throws a UsageError that names the field. Every option is plain data (numbers and booleans, times in
 * simulated nanoseconds), so a scenario can carry it as JSON.
 */

import { UsageError } from '../errors.ts';
import { MS, SECOND, type Time } from '../time.ts';

export interface TcpOptions {
  /**
   * The MSS this end announces in its SYN (what it is willing to receive) and the largest segment it
   * sends. The segment size used is the smaller of this and the peer's MSS (RFC 9293 §3.7.1).
   * Default 1460, Ethernet's 1500-octet MTU minus 40 octets of IPv4 and TCP headers.
   */
  readonly mss: number;
  /** Receive buffer in octets, hence the largest window offered. At most 65535: no window scaling. */
  readonly rcvBuf: number;
  /** RTO before any RTT sample, RFC 6298 (2.1): 1 s. */
  readonly initialRto: Time;
  /** Lower bound of the RTO. RFC 6298 (2.4) says 1 s; 200 ms is what Linux uses and the default here. */
  readonly minRto: Time;
  /** Upper bound of the RTO and of the backed-off timers (RFC 6298 (2.5): at least 60 s). Default 60 s. */
  readonly maxRto: Time;
  /** Maximum Segment Lifetime. TIME-WAIT lasts 2 * MSL (RFC 9293 §3.4.2). Default 30 s; any value >= 0. */
  readonly msl: Time;
  /**
   * Retransmissions of the same data (and unanswered zero-window probes) before the connection gives up
   * with a 'timed-out' event, like Linux's tcp_retries2 (default 15).
   */
  readonly maxRetries: number;
  /** Retransmissions of a SYN or SYN,ACK before the connection gives up, like Linux's tcp_syn_retries (6). */
  readonly synRetries: number;
  /**
   * Zero-window probes, after the application has closed, before the connection gives up although the peer
   * answers them: a closed socket whose peer never reads again would otherwise live for ever. Linux's
   * tcp_orphan_retries (its default 0 means 8); counted as the persist timer's backoff, as Linux does.
   */
  readonly orphanRetries: number;
  /**
   * Delayed ACK (RFC 1122 §4.2.3.2, RFC 5681 §4.2): acknowledge every second segment, or after
   * `delayedAckTimeout`. Off by default, so that a trace shows one ACK per data segment and a short
   * request/response exchange never waits on the delayed-ACK timer.
   */
  readonly delayedAck: boolean;
  /** How long an ACK may be delayed (RFC 1122: less than 0.5 s). Default 200 ms. */
  readonly delayedAckTimeout: Time;
  /**
   * Nagle's algorithm (RFC 9293 §3.7.4, RFC 1122 §4.2.3.4): while data is unacknowledged, hold back a
   * segment smaller than the MSS. On by default, as in every common stack; false is TCP_NODELAY.
   */
  readonly nagle: boolean;
  /**
   * Initial congestion window in segments. 0 (the default) means RFC 5681's rule:
   * min(4 * SMSS, max(2 * SMSS, 4380 octets)), which is 3 segments for an MSS of 1460.
   */
  readonly initialCwnd: number;
  /**
   * The RFC 5961 mitigations that RFC 9293 §3.10.7.4 recommends (on by default, as in Linux): a RST or
   * SYN that is not exactly expected draws a "challenge ACK" instead of resetting the connection, and an
   * ACK far outside the window is dropped. Off: the RFC 793 rules (an in-window RST or SYN resets).
   */
  readonly rfc5961: boolean;
}

export const DEFAULT_OPTIONS: TcpOptions = Object.freeze({
  mss: 1460,
  rcvBuf: 65535,
  initialRto: 1 * SECOND,
  minRto: 200 * MS,
  maxRto: 60 * SECOND,
  msl: 30 * SECOND,
  maxRetries: 15,
  synRetries: 6,
  orphanRetries: 8,
  delayedAck: false,
  delayedAckTimeout: 200 * MS,
  nagle: true,
  initialCwnd: 0,
  rfc5961: true,
});

/** The MSS assumed when the peer's SYN carries no MSS option (RFC 9293 §3.7.1, IPv4). */
export const DEFAULT_PEER_MSS = 536;

/** Largest value of the 16-bit window field; without window scaling also the largest window. */
export const MAX_WINDOW = 65535;

type IntRule = { min: number; max: number };
const INTS: Partial<Record<keyof TcpOptions, IntRule>> = {
  mss: { min: 1, max: 65495 },
  rcvBuf: { min: 1, max: MAX_WINDOW },
  initialRto: { min: 1, max: Number.MAX_SAFE_INTEGER },
  minRto: { min: 1, max: Number.MAX_SAFE_INTEGER },
  maxRto: { min: 1, max: Number.MAX_SAFE_INTEGER },
  msl: { min: 0, max: Number.MAX_SAFE_INTEGER },
  maxRetries: { min: 0, max: 1000 },
  synRetries: { min: 0, max: 1000 },
  orphanRetries: { min: 0, max: 1000 },
  delayedAckTimeout: { min: 1, max: Number.MAX_SAFE_INTEGER },
  initialCwnd: { min: 0, max: 1000 },
};
const BOOLS: ReadonlyArray<keyof TcpOptions> = ['delayedAck', 'nagle', 'rfc5961'];

/** Option objects this module has validated (and frozen): passing one again costs nothing. */
const VALIDATED = new WeakSet<object>([DEFAULT_OPTIONS]);

/**
 * Fills in defaults and validates. `where` names the source (a scenario file and field) for messages.
 * The result is frozen and can be shared by any number of connections.
 */
export function tcpOptions(given: Partial<TcpOptions> = {}, where = 'TCP options'): TcpOptions {
  if (VALIDATED.has(given)) return given as TcpOptions;
  for (const key of Object.keys(given)) {
    if (!(key in DEFAULT_OPTIONS)) {
      throw new UsageError(
        `${where}: unknown option '${key}' (known: ${Object.keys(DEFAULT_OPTIONS).join(', ')})`,
      );
    }
  }
  const o: TcpOptions = { ...DEFAULT_OPTIONS, ...given };
  for (const [key, rule] of Object.entries(INTS) as [keyof TcpOptions, IntRule][]) {
    const v = o[key];
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < rule.min || v > rule.max) {
      const range = rule.max === Number.MAX_SAFE_INTEGER ? `>= ${rule.min}` : `${rule.min}..${rule.max}`;
      throw new UsageError(`${where}: '${key}' must be a whole number ${range}, not ${JSON.stringify(v)}`);
    }
  }
  for (const key of BOOLS) {
    if (typeof o[key] !== 'boolean') {
      throw new UsageError(`${where}: '${key}' must be true or false, not ${JSON.stringify(o[key])}`);
    }
  }
  if (o.minRto > o.maxRto) {
    throw new UsageError(`${where}: 'minRto' (${o.minRto} ns) is above 'maxRto' (${o.maxRto} ns)`);
  }
  if (o.initialRto < o.minRto || o.initialRto > o.maxRto) {
    throw new UsageError(`${where}: 'initialRto' must lie between 'minRto' and 'maxRto'`);
  }
  Object.freeze(o);
  VALIDATED.add(o);
  return o;
}
