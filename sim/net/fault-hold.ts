/**
 * Segments kept by 'hold' fault rules until their release, as a pure value the network glue keeps beside
 * its other state. A held segment leaves either when its rule's release time comes (`releaseDue`, with
 * `nextRelease` telling the glue when to wake) or when the glue releases a rule by name (`releaseRule`).
 * Released segments come out in the order they were held, so a hold never reorders the segments it
 * keeps among themselves; they enter the path at the release time and are not matched against the rules
 * again.
 *
 * Generic in what is held, so the glue can keep whatever it needs to send the segment on (the segment,
 * its path direction, its hosts).
 */

import type { Time } from '../time.ts';

export interface Held<T> {
  readonly rule: string;
  /** Release time; absent when only an explicit release frees it. */
  readonly until?: Time;
  readonly item: T;
}

/** Held segments, oldest first. */
export type HoldState<T> = readonly Held<T>[];

export interface Released<T> {
  readonly state: HoldState<T>;
  /** Oldest first. */
  readonly released: readonly T[];
}

/** Keeps `item` for the rule `rule` (a 'hold' verdict's rule and until). */
export function hold<T>(state: HoldState<T>, rule: string, item: T, until?: Time): HoldState<T> {
  return [...state, until === undefined ? { rule, item } : { rule, until, item }];
}

/** The earliest release time among the held segments, or undefined when none has one. */
export function nextRelease<T>(state: HoldState<T>): Time | undefined {
  let next: Time | undefined;
  for (const h of state) if (h.until !== undefined && (next === undefined || h.until < next)) next = h.until;
  return next;
}

/** Releases every segment whose release time is at or before `now`. Harmless when nothing is due. */
export function releaseDue<T>(state: HoldState<T>, now: Time): Released<T> {
  return releaseWhere(state, (h) => h.until !== undefined && h.until <= now);
}

/** Releases every segment held by the rule `rule`, whatever its release time. */
export function releaseRule<T>(state: HoldState<T>, rule: string): Released<T> {
  return releaseWhere(state, (h) => h.rule === rule);
}

function releaseWhere<T>(state: HoldState<T>, due: (h: Held<T>) => boolean): Released<T> {
  if (!state.some(due)) return { state, released: [] };
  const kept: Held<T>[] = [];
  const released: T[] = [];
  for (const h of state) {
    if (due(h)) released.push(h.item);
    else kept.push(h);
  }
  return { state: kept, released };
}
