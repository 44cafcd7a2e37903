import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../../sim/errors.ts';
import { MS, SECOND } from '../../../../sim/time.ts';
import { civil, SITE_EPOCH_MS, timeOf } from '../../../../src/ftp/calendar.ts';
import { SUBSTATUS, substatusText, WIN32, win32Text } from '../../../../src/ftp/win32.ts';

describe('Win32 texts, as 550 replies carry them (facts §1, §3.3) without the trailing space', () => {
  it.each([
    [WIN32.SUCCESS, 'The operation completed successfully.'],
    [WIN32.FILE_NOT_FOUND, 'The system cannot find the file specified.'],
    [WIN32.PATH_NOT_FOUND, 'The system cannot find the path specified.'],
    [WIN32.ACCESS_DENIED, 'Access is denied.'],
    [
      WIN32.SHARING_VIOLATION,
      'The process cannot access the file because it is being used by another process.',
    ],
    [WIN32.INVALID_PARAMETER, 'The parameter is incorrect.'],
    [WIN32.INVALID_NAME, 'The filename, directory name, or volume label syntax is incorrect.'],
    [WIN32.DIR_NOT_EMPTY, 'The directory is not empty.'],
    [WIN32.ALREADY_EXISTS, 'Cannot create a file when that file already exists.'],
    [WIN32.CONNECTION_ABORTED, 'The network connection was aborted by the local system.'],
  ])('%d: %s', (code, text) => {
    expect(win32Text(code)).toBe(text);
  });

  it('every code has a text that is one sentence with no trailing space', () => {
    for (const [name, code] of Object.entries(WIN32)) {
      const t = win32Text(code);
      expect(t, name).toMatch(/^[A-Z].*\.$/);
      expect(t, name).not.toMatch(/\s$/);
    }
  });

  it('the values of the facts sheet', () => {
    expect(WIN32).toMatchObject({
      SUCCESS: 0,
      FILE_NOT_FOUND: 2,
      PATH_NOT_FOUND: 3,
      ACCESS_DENIED: 5,
      SHARING_VIOLATION: 32,
      INVALID_PARAMETER: 87,
      CONNECTION_ABORTED: 1236,
      LOGON_FAILURE: 1326,
      WSAECONNRESET: 10054,
      WSAETIMEDOUT: 10060,
    });
  });

  it('a code without a text is a caller error', () => {
    expect(() => win32Text(4)).toThrow(UsageError);
  });
});

describe('substatus (facts §3.4, KB 969061)', () => {
  it.each([
    [SUBSTATUS.SUCCESS, 0, 'Successful operation.'],
    [SUBSTATUS.FILE_SYSTEM_DENIED, 2, 'File system denied the access.'],
    [SUBSTATUS.FILE_SYSTEM_ERROR, 3, 'File system returned an error.'],
    [SUBSTATUS.ROOT_WRITE_FORBIDDEN, 5, 'Write access for the root of the virtual directory is forbidden.'],
    [SUBSTATUS.CONTROL_TIMEOUT, 14, 'Control channel timed out.'],
    [SUBSTATUS.DATA_TIMEOUT, 15, 'Data channel timed out.'],
    [SUBSTATUS.NEW_CONNECTION_TIMEOUT, 16, 'Control channel timed out based on new connection timeout.'],
    [SUBSTATUS.MAX_CONNECTIONS, 19, 'Maximum connection limit was reached.'],
    [SUBSTATUS.ABOR, 20, 'Data channel was closed by ABOR command from client.'],
    [SUBSTATUS.DATA_ABORTED_BY_CLIENT, 23, 'Data channel was aborted by client.'],
    [SUBSTATUS.HOME_LOOKUP_FAILED, 33, 'Home directory lookup failed.'],
    [
      SUBSTATUS.IP_MISMATCH,
      38,
      "Client IP on the control channel didn't match the client IP on the data channel.",
    ],
    [
      SUBSTATUS.AD_NEEDS_BASIC_AUTH,
      40,
      'ActiveDirectory Isolation must be combined with basic authentication.',
    ],
    [SUBSTATUS.AUTH_ERROR, 41, 'An error occurred during the authentication process.'],
    [SUBSTATUS.ANONYMOUS_NOT_ALLOWED, 42, 'Anonymous authentication is not allowed.'],
    [
      SUBSTATUS.MIN_BANDWIDTH,
      50,
      'Data channel timed out due to not meeting the minimum bandwidth requirement.',
    ],
    [SUBSTATUS.ENCRYPTION_128_REQUIRED, 55, '128-bit encryption is required for SSL connections.'],
  ])('%d is %d: %s', (value, n, text) => {
    expect(value).toBe(n);
    expect(substatusText(n)).toBe(text);
  });

  it('numbers 0 to 55, each named once, each with a description', () => {
    const values = Object.values(SUBSTATUS);
    expect(values).toEqual(Array.from({ length: 56 }, (_, i) => i));
    for (const n of values) expect(substatusText(n)).toMatch(/\.$/);
    expect(() => substatusText(56)).toThrow(UsageError);
  });
});

describe('the site calendar', () => {
  it('simulated time 0 is 2026-01-01T00:00:00Z', () => {
    expect(SITE_EPOCH_MS).toBe(Date.UTC(2026, 0, 1));
    expect(civil(0)).toEqual({ year: 2026, month: 1, day: 1, hour: 0, minute: 0, second: 0, ms: 0 });
  });

  it.each([
    Date.UTC(1970, 0, 1),
    Date.UTC(1999, 11, 31, 23, 59, 59, 999),
    Date.UTC(2000, 1, 29, 12),
    Date.UTC(2012, 0, 15, 2, 8, 16),
    Date.UTC(2024, 1, 29),
    Date.UTC(2100, 2, 1),
    Date.UTC(1601, 0, 1),
  ])('agrees with Date.UTC at %d ms and inverts', (ms) => {
    const t = (ms - SITE_EPOCH_MS) * MS;
    const d = new Date(ms);
    const c = civil(t);
    expect(c).toEqual({
      year: d.getUTCFullYear(),
      month: d.getUTCMonth() + 1,
      day: d.getUTCDate(),
      hour: d.getUTCHours(),
      minute: d.getUTCMinutes(),
      second: d.getUTCSeconds(),
      ms: d.getUTCMilliseconds(),
    });
    expect(civil(timeOf(c))).toEqual(c);
  });

  it('rounds toward the past: 1 ns before midnight is still the earlier day', () => {
    expect(civil(-1)).toMatchObject({
      year: 2025,
      month: 12,
      day: 31,
      hour: 23,
      minute: 59,
      second: 59,
      ms: 999,
    });
    expect(civil(SECOND - 1).second).toBe(0);
  });
});
