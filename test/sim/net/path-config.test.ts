import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../sim/errors.ts';
import { DEFAULT_PATH, parseBandwidth, pathConfig } from '../../../sim/net/path.ts';
import { MS, US } from '../../../sim/time.ts';

describe('pathConfig', () => {
  it('with nothing given is an ideal wire with an Ethernet MTU and a Linux-sized queue', () => {
    expect(pathConfig()).toEqual({
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
    expect(pathConfig()).toEqual(DEFAULT_PATH);
    expect(Object.isFrozen(pathConfig({ latency: '1ms' }))).toBe(true);
  });

  it('reads durations and rates as a scenario writes them', () => {
    const c = pathConfig({
      latency: '20ms',
      jitter: '250us',
      bandwidth: '10Mbps',
      queueLimit: 50,
      loss: 0.01,
      duplicate: 0.001,
      reorder: 0.05,
      reorderDelay: '3ms',
      mtu: 9000,
    });
    expect(c).toEqual({
      latency: 20 * MS,
      jitter: 250 * US,
      bandwidth: 10_000_000,
      queueLimit: 50,
      loss: 0.01,
      duplicate: 0.001,
      reorder: 0.05,
      reorderDelay: 3 * MS,
      mtu: 9000,
    });
    expect(pathConfig({ latency: 5 * MS }).latency).toBe(5 * MS);
    expect(pathConfig({ queueLimit: Number.POSITIVE_INFINITY }).queueLimit).toBe(Number.POSITIVE_INFINITY);
  });

  it.each([
    [{ latency: -1 }, /^link\.latency: .*>= 0/],
    [{ latency: '5 parsecs' }, /^link\.latency: bad duration "5 parsecs"/],
    [{ jitter: 0.5 }, /link\.jitter/],
    [{ loss: 1.5 }, /^link\.loss: must be a probability between 0 and 1, got 1\.5$/],
    [{ loss: -0.1 }, /^link\.loss: /],
    [{ duplicate: Number.NaN }, /^link\.duplicate: /],
    [{ reorder: 2 }, /^link\.reorder: /],
    [{ reorder: 0.1 }, /^link\.reorderDelay: must be > 0 when reorder is set/],
    [{ bandwidth: -5 }, /^link\.bandwidth: /],
    [{ bandwidth: 1.5 }, /^link\.bandwidth: .*whole number/],
    [{ bandwidth: '10 furlongs' }, /^link\.bandwidth: bad bandwidth "10 furlongs"/],
    [{ queueLimit: -1 }, /^link\.queueLimit: /],
    [{ queueLimit: 2.5 }, /^link\.queueLimit: /],
    [{ mtu: 67 }, /^link\.mtu: must be a whole number of bytes in 68\.\.65535, got 67$/],
    [{ mtu: 65536 }, /^link\.mtu: /],
    [{ latancy: '5ms' }, /^link\.latancy: unknown path setting \(known: latency, jitter, /],
  ])('rejects %j, naming the field', (options, message) => {
    expect(() => pathConfig(options as never, 'link')).toThrow(UsageError);
    expect(() => pathConfig(options as never, 'link')).toThrow(message);
  });

  it('rejects something that is not an object', () => {
    expect(() => pathConfig(5 as never, 'paths[0]')).toThrow(/^paths\[0\]: expected an object/);
  });
});

describe('parseBandwidth', () => {
  it.each([
    [56_000, 56_000],
    ['56kbps', 56_000],
    ['10Mbps', 10_000_000],
    ['1.5Mbps', 1_500_000],
    ['1Gbps', 1_000_000_000],
    ['300bps', 300],
    [0, Number.POSITIVE_INFINITY],
    ['0Mbps', Number.POSITIVE_INFINITY],
  ])('%j is %d bit/s', (text, bps) => {
    expect(parseBandwidth(text)).toBe(bps);
  });

  it('rejects binary prefixes and bytes, which are easy to confuse with bit rates', () => {
    expect(() => parseBandwidth('10MBps')).toThrow(UsageError);
    expect(() => parseBandwidth('10Mibps')).toThrow(UsageError);
  });
});
