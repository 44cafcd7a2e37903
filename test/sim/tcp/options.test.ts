import { describe, expect, test } from 'vitest';
import { UsageError } from '../../../sim/errors.ts';
import { DEFAULT_OPTIONS, tcpOptions } from '../../../sim/tcp/options.ts';
import { MS, SECOND } from '../../../sim/time.ts';

describe('TCP options', () => {
  test('the defaults are the documented ones', () => {
    expect(tcpOptions()).toEqual({
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
  });

  test('given values replace defaults, the result is frozen, and validating it again is free', () => {
    const o = tcpOptions({ mss: 536, msl: 0 });
    expect(o.mss).toBe(536);
    expect(o.msl).toBe(0);
    expect(Object.isFrozen(o)).toBe(true);
    expect(tcpOptions(o)).toBe(o);
    expect(tcpOptions(DEFAULT_OPTIONS)).toBe(DEFAULT_OPTIONS);
  });

  test.each([
    [{ mss: 0 }, /'mss' must be a whole number 1\.\.65495, not 0/],
    [{ rcvBuf: 70000 }, /'rcvBuf' must be a whole number 1\.\.65535/],
    [{ minRto: 1.5 }, /'minRto' must be a whole number >= 1, not 1\.5/],
    [{ msl: -1 }, /'msl'/],
    [{ nagle: 'yes' }, /'nagle' must be true or false, not "yes"/],
    [{ minRto: 2 * SECOND, initialRto: 1 * SECOND }, /'initialRto' must lie between/],
    [{ maxRto: 100 * MS }, /'minRto' \(200000000 ns\) is above 'maxRto'/],
    [{ windowScale: 7 }, /unknown option 'windowScale'/],
  ])('%j is refused with a message naming the field', (given, message) => {
    expect(() => tcpOptions(given as never, 'scenario.json: hosts[0].tcp')).toThrow(UsageError);
    expect(() => tcpOptions(given as never, 'scenario.json: hosts[0].tcp')).toThrow(message);
    expect(() => tcpOptions(given as never, 'scenario.json: hosts[0].tcp')).toThrow(
      /^scenario\.json: hosts\[0\]\.tcp/,
    );
  });
});
