/**
 * Simulated time. An instant or a duration is an integer count of nanoseconds held in a `number`
 * (2^53 ns is about 104 days, far beyond any run). Nothing here reads the wall clock.
 */

import { UsageError } from './errors.ts';

/** Simulated nanoseconds. Always an integer. */
export type Time = number;

export const NS = 1;
export const US = 1_000;
export const MS = 1_000_000;
export const SECOND = 1_000_000_000;
export const MINUTE = 60 * SECOND;

const UNITS: Readonly<Record<string, number>> = { ns: NS, us: US, ms: MS, s: SECOND, m: MINUTE };
const DURATION = /^(\d+(?:\.\d+)?)(ns|us|ms|s|m)$/;

/**
 * Parses a duration such as '250us', '5ms', '1.5s' or '2m' into nanoseconds. A number is taken as
 * nanoseconds already. Anything else, and any value that is not a whole number of nanoseconds, is an error
 * that names the bad value and, when given, where it came from.
 */
export function parseDuration(text: string | number, where?: string): Time {
  const at = where ? ` (${where})` : '';
  if (typeof text === 'number') {
    if (!Number.isSafeInteger(text) || text < 0) {
      throw new UsageError(
        `bad duration ${text}${at}: a number is a count of nanoseconds, a whole number >= 0`,
      );
    }
    return text;
  }
  const m = DURATION.exec(text.trim());
  if (!m) {
    throw new UsageError(
      `bad duration ${JSON.stringify(text)}${at}: write a number and a unit, one of ns, us, ms, s, m (e.g. '250us', '5ms', '1.5s', '2m')`,
    );
  }
  const value = Number(m[1]) * UNITS[m[2]!]!;
  const ns = Math.round(value);
  if (Math.abs(value - ns) > 1e-6 * Math.max(1, ns) || !Number.isSafeInteger(ns)) {
    throw new UsageError(`bad duration ${JSON.stringify(text)}${at}: not a whole number of nanoseconds`);
  }
  return ns;
}

/** Formats a time as milliseconds with microsecond precision, e.g. `12.345ms`. */
export function formatMs(t: Time): string {
  return `${(t / MS).toFixed(3)}ms`;
}

/** Formats a duration with the largest unit that keeps it readable: `250us`, `5ms`, `1.5s`. */
export function formatDuration(t: Time): string {
  if (t !== 0 && t % MINUTE === 0) return `${t / MINUTE}m`;
  if (t >= SECOND) return `${+(t / SECOND).toFixed(6)}s`;
  if (t >= MS) return `${+(t / MS).toFixed(6)}ms`;
  if (t >= US) return `${+(t / US).toFixed(3)}us`;
  return `${t}ns`;
}
