import { describe, expect, it } from 'vitest';
import { type HoldState, hold, nextRelease, releaseDue, releaseRule } from '../../../sim/net/fault-hold.ts';
import { SECOND } from '../../../sim/time.ts';

describe('held segments', () => {
  // Three segments of the data connection held by 'park' until 2 s, a FIN held by 'gate' until released.
  const held: HoldState<string> = [
    ['park', 'data#1', 2 * SECOND],
    ['gate', 'FIN', undefined],
    ['park', 'data#2', 2 * SECOND],
    ['late', 'data#3', 5 * SECOND],
  ].reduce<HoldState<string>>(
    (s, [rule, item, until]) => hold(s, rule as string, item as string, until as number | undefined),
    [],
  );

  it('wake the glue at the earliest release time', () => {
    expect(nextRelease(held)).toBe(2 * SECOND);
    expect(nextRelease(hold([], 'gate', 'x'))).toBeUndefined();
  });

  it('are released exactly at their time, not a nanosecond before, in the order they were held', () => {
    expect(releaseDue(held, 2 * SECOND - 1)).toEqual({ state: held, released: [] });
    const due = releaseDue(held, 2 * SECOND);
    expect(due.released).toEqual(['data#1', 'data#2']);
    expect(due.state.map((h) => h.item)).toEqual(['FIN', 'data#3']);
    expect(nextRelease(due.state)).toBe(5 * SECOND);
  });

  it('are released by rule on the glue’s call, whatever their release time', () => {
    const gate = releaseRule(held, 'gate');
    expect(gate.released).toEqual(['FIN']);
    expect(releaseRule(gate.state, 'gate').released).toEqual([]);
    expect(releaseRule(held, 'park').released).toEqual(['data#1', 'data#2']);
  });

  it('are never changed in place', () => {
    const before = held.map((h) => ({ ...h }));
    releaseDue(held, 10 * SECOND);
    releaseRule(held, 'park');
    hold(held, 'x', 'y');
    expect(held).toEqual(before);
  });
});
