import { describe, expect, it } from 'vitest';
import { UsageError } from '../../sim/errors.ts';
import { formatDuration, MINUTE, MS, parseDuration, SECOND, US } from '../../sim/time.ts';

describe('parseDuration', () => {
  it.each([
    ['250us', 250 * US],
    ['5ms', 5 * MS],
    ['1.5s', 1.5 * SECOND],
    ['2m', 2 * MINUTE],
    ['0s', 0],
    ['17ns', 17],
    ['0.25ms', 250 * US],
    [' 30s ', 30 * SECOND],
    [1234, 1234],
  ] as const)('%j is %d ns', (text, ns) => {
    expect(parseDuration(text)).toBe(ns);
  });

  it.each(['', '5', 'ms', '5 ms', '5h', '-1s', '1e3ms', '1.5ns', 'abc', '5ms5'])(
    'rejects %j and names it',
    (text) => {
      expect(() => parseDuration(text)).toThrow(UsageError);
      expect(() => parseDuration(text)).toThrow(JSON.stringify(text));
    },
  );

  it('rejects numbers that are not whole nanoseconds', () => {
    expect(() => parseDuration(1.5)).toThrow(/bad duration 1.5/);
    expect(() => parseDuration(-3)).toThrow(UsageError);
  });

  it('says where a bad value came from', () => {
    expect(() => parseDuration('fast', 'paths[0].latency')).toThrow(/paths\[0\]\.latency/);
  });

  it('formats durations back to their shortest unit', () => {
    expect(formatDuration(250 * US)).toBe('250us');
    expect(formatDuration(5 * MS)).toBe('5ms');
    expect(formatDuration(1.5 * SECOND)).toBe('1.5s');
    expect(formatDuration(2 * MINUTE)).toBe('2m');
    expect(formatDuration(12)).toBe('12ns');
  });
});
