/** Helpers for the path tests: scripted draws that count themselves, and sending a run of segments. */

import { expect } from 'vitest';
import {
  IDLE_PATH,
  type PathConfig,
  type PathResult,
  type PathState,
  transmit,
} from '../../../sim/net/path.ts';
import type { Time } from '../../../sim/time.ts';

/** A `random` that returns the given numbers in order and fails the test if asked for one more. */
export function draws(...values: number[]): (() => number) & { used: () => number } {
  let i = 0;
  const next = () => {
    if (i >= values.length) throw new Error(`drew ${i + 1} numbers, only ${values.length} scripted`);
    return values[i++]!;
  };
  return Object.assign(next, { used: () => i });
}

/** A `random` that must not be called at all. */
export const noDraws = draws();

export interface Sent {
  readonly at: Time;
  readonly bytes: number;
  /** Numbers this segment's draws return, in order (loss, duplicate, reorder, jitter, copy jitter). */
  readonly u?: number[];
}

/** Sends the segments in order on one path direction; returns each result and the final state. */
export function sendAll(
  config: PathConfig,
  sends: readonly Sent[],
  state: PathState = IDLE_PATH,
): { results: PathResult[]; state: PathState } {
  const results: PathResult[] = [];
  for (const s of sends) {
    const random = draws(...(s.u ?? []));
    const r = transmit(state, config, s.bytes, s.at, random);
    expect(random.used(), `draws for the segment sent at ${s.at}`).toBe(s.u?.length ?? 0);
    results.push(r);
    state = r.state;
  }
  return { results, state };
}

/** One line per segment, like a trace: `arrives 1000,1200` or `dropped queue-full`. */
export function outcome(r: PathResult): string {
  return r.dropped
    ? `dropped ${r.dropped}`
    : `arrives ${r.deliveries.join(',')}${r.reordered ? ' (reordered)' : ''}`;
}
