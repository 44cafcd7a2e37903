/**
 * The emulator's clock: the one place in netstep where the FTP model's time comes from the wall clock.
 *
 * Owns: mapping real time to model time (integer nanoseconds since the emulator started, read from the
 * monotonic `process.hrtime`, so that a change of the system's date never moves the model backwards) and the
 * civil instant the model's time 0 stands for (`epochMs`: listings, MDTM and the W3C log show real dates).
 * Leaves out: timers (emulator.ts arms one real timer for the model's next deadline).
 */

import type { Time } from '../../sim/time.ts';

export interface Clock {
  /** Model time now: nanoseconds since the clock started (an integer, never decreasing). */
  now(): Time;
  /** The wall-clock instant of model time 0, in milliseconds since the Unix epoch. */
  readonly epochMs: number;
}

export function wallClock(): Clock {
  const start = process.hrtime.bigint();
  const epochMs = Date.now();
  return { now: () => Number(process.hrtime.bigint() - start), epochMs };
}
