/**
 * The site's calendar: how simulated time (integer nanoseconds since the start of a run) becomes the UTC
 * date and time that listings and the W3C log print.
 *
 * Owns: the default epoch and the conversion to calendar fields. Leaves out: time zones (the model's server
 * runs in UTC; see listing.ts) and leap seconds (as Windows, which ignores them in FILETIME).
 *
 * Pure arithmetic, no Date object, so nothing here can read the wall clock.
 */

import { PCAP_EPOCH } from '../../sim/pcap/writer.ts';
import { MS, type Time } from '../../sim/time.ts';

/**
 * Simulated time 0 is 2026-01-01T00:00:00Z, in milliseconds since the Unix epoch: the pcap writer's epoch, so
 * that a listing, a log line and a capture of one run agree on the date. The configuration may give another.
 */
export const SITE_EPOCH_MS = PCAP_EPOCH * 1000;

const DAY_MS = 86_400_000;

/** A UTC calendar instant. `month` and `day` count from 1; `ms` is the millisecond within the second. */
export interface Civil {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
  readonly ms: number;
}

/**
 * The UTC calendar fields of simulated time `t` (sub-millisecond parts dropped, rounding toward the past so
 * that a time just before midnight is still on the earlier day). Times before the epoch are negative and work.
 */
export function civil(t: Time, epochMs: number = SITE_EPOCH_MS): Civil {
  const total = epochMs + Math.floor(t / MS);
  const days = Math.floor(total / DAY_MS);
  let rest = total - days * DAY_MS;
  const hour = Math.floor(rest / 3_600_000);
  rest -= hour * 3_600_000;
  const minute = Math.floor(rest / 60_000);
  rest -= minute * 60_000;
  const second = Math.floor(rest / 1000);
  const { year, month, day } = civilFromDays(days);
  return { year, month, day, hour, minute, second, ms: rest - second * 1000 };
}

/** The simulated time of a UTC calendar instant: the inverse of `civil` (to the millisecond). */
export function timeOf(c: Omit<Civil, 'ms'> & { ms?: number }, epochMs: number = SITE_EPOCH_MS): Time {
  const days = daysFromCivil(c.year, c.month, c.day);
  const msSinceUnix = days * DAY_MS + c.hour * 3_600_000 + c.minute * 60_000 + c.second * 1000 + (c.ms ?? 0);
  return (msSinceUnix - epochMs) * MS;
}

/** Days since 1970-01-01 → proleptic Gregorian date (H. Hinnant, "chrono-compatible low-level date algorithms"). */
function civilFromDays(z0: number): { year: number; month: number; day: number } {
  const z = z0 + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365,
  );
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  return { year: yoe + era * 400 + (month <= 2 ? 1 : 0), month, day };
}

/** Proleptic Gregorian date → days since 1970-01-01 (same source). */
function daysFromCivil(y0: number, m: number, d: number): number {
  const y = m <= 2 ? y0 - 1 : y0;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (m > 2 ? m - 3 : m + 9) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146_097 + doe - 719_468;
}

export function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}
