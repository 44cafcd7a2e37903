import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../../sim/errors.ts';
import { SECOND } from '../../../../sim/time.ts';
import { DEFAULT_CONFIG, type FtpConfigInput, makeConfig } from '../../../../src/ftp/config.ts';

describe('server configuration', () => {
  it('defaults are the IIS defaults of facts §4', () => {
    const c = makeConfig();
    expect(c).toMatchObject({
      profile: 'ftp75',
      controlChannelTimeout: 120 * SECOND,
      dataChannelTimeout: 30 * SECOND,
      unauthenticatedTimeout: 30 * SECOND,
      minBytesPerSecond: 240,
      passivePortLow: 49152,
      passivePortHigh: 65535,
      activeDataPort: 20,
      pasvWait: 'accept',
      listingStyle: 'msdos',
      matchClientAddressForPasv: true,
      matchClientAddressForPort: true,
      allowReplaceOnRename: false,
      keepPartialUploads: false,
      allowReadUploadsInProgress: false,
    });
    expect(Object.isFrozen(c)).toBe(true);
  });

  it('durations may be written as text', () => {
    expect(makeConfig({ dataChannelTimeout: '5s', controlChannelTimeout: '2m' })).toMatchObject({
      dataChannelTimeout: 5 * SECOND,
      controlChannelTimeout: 120 * SECOND,
    });
  });

  it.each<[FtpConfigInput, RegExp]>([
    [{ profile: 'iis7' as 'ftp75' }, /profile: "iis7" is not one of 'ftp75', 'iis6'/],
    [{ pasvWait: 'never' as 'accept' }, /pasvWait/],
    [{ dataChannelTimeout: '5 seconds' }, /dataChannelTimeout/],
    [{ dataChannelTimeout: 0 }, /dataChannelTimeout: must be longer than 0/],
    [{ passivePortLow: 80 }, /passivePortLow: 80 is not a port number in 1025-65535/],
    [
      { passivePortLow: 60000, passivePortHigh: 50000 },
      /passivePortHigh: 50000 is below passivePortLow \(60000\)/,
    ],
    [{ externalIp4Address: '1.2.3' }, /externalIp4Address: "1.2.3" is not a dotted IPv4 address/],
    [{ minBytesPerSecond: -1 }, /minBytesPerSecond/],
    [{ activeDataPort: 70000 }, /activeDataPort/],
    [{ bogus: 1 } as FtpConfigInput, /bogus: is not a setting/],
    // A boolean written as text (a hand-written scenario) would read as true: refused instead.
    [{ allowUtf8: 'false' } as unknown as FtpConfigInput, /allowUtf8: "false" is not true or false/],
    [{ traceNotes: 0 } as unknown as FtpConfigInput, /traceNotes: 0 is not true or false/],
  ])('%j is refused with a message naming the field', (input, message) => {
    expect(() => makeConfig(input)).toThrow(UsageError);
    expect(() => makeConfig(input)).toThrow(message);
  });

  it('a complete config passes through unchanged', () => {
    expect(makeConfig(DEFAULT_CONFIG)).toEqual(DEFAULT_CONFIG);
  });
});
