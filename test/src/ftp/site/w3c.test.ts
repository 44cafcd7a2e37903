import seedrandom from 'seedrandom';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../../sim/errors.ts';
import { MS, SECOND } from '../../../../sim/time.ts';
import {
  fieldsFromFlags,
  type LogEntry,
  sessionGuid,
  W3C_FIELDS,
  W3C_SOFTWARE,
  type W3cField,
  w3cHeader,
  w3cLine,
  w3cValue,
} from '../../../../src/ftp/w3c.ts';

/** KB 2505047's low-port example happened at 2012-01-15 02:08:16 UTC: make that simulated time 0. */
const KB_EPOCH = Date.UTC(2012, 0, 15, 2, 8, 16);
const KB: Omit<LogEntry, 'method' | 'uriStem' | 'status' | 'win32' | 'substatus' | 'serverPort'> = {
  at: 0,
  clientIp: '123.456.789.0',
  user: 'user01',
  serverIp: '123.1.1.1',
  session: '',
  fullPath: '',
};
const OPENED: LogEntry = {
  ...KB,
  serverPort: 40063,
  method: 'DataChannelOpened',
  uriStem: '',
  status: '',
  win32: 0,
  substatus: 0,
};
const CLOSED: LogEntry = { ...OPENED, method: 'DataChannelClosed', win32: 1236, substatus: 38 };
const STOR: LogEntry = {
  ...KB,
  serverPort: 21,
  method: 'STOR',
  uriStem: 'file.txt',
  status: '425',
  win32: 1236,
  substatus: 0,
};

/** The KB's columns: the default set without x-session and x-fullpath (facts §0.1). */
const KB_FIELDS: W3cField[] = W3C_FIELDS.filter((f) => f !== 'x-session' && f !== 'x-fullpath');

describe("KB 2505047's low-port example, field by field", () => {
  it.each([
    [OPENED, '2012-01-15 02:08:16 123.456.789.0 user01 123.1.1.1 40063 DataChannelOpened - - 0 0'],
    [CLOSED, '2012-01-15 02:08:16 123.456.789.0 user01 123.1.1.1 40063 DataChannelClosed - - 1236 38'],
    [STOR, '2012-01-15 02:08:16 123.456.789.0 user01 123.1.1.1 21 STOR file.txt 425 1236 0'],
  ])('%#: %s', (entry, line) => {
    expect(w3cLine(entry, { fields: KB_FIELDS, epochMs: KB_EPOCH })).toBe(line);
  });

  it('as the KB prints it, without the s-ip column', () => {
    const fields = KB_FIELDS.filter((f) => f !== 's-ip');
    expect(w3cLine(CLOSED, { fields, epochMs: KB_EPOCH })).toBe(
      '2012-01-15 02:08:16 123.456.789.0 user01 40063 DataChannelClosed - - 1236 38',
    );
  });

  it('the same entry with the default fields ends with x-session and x-fullpath', () => {
    const line = w3cLine({ ...STOR, session: 'S', fullPath: '/file.txt' }, { epochMs: KB_EPOCH });
    expect(line.split(' ')).toEqual([
      '2012-01-15',
      '02:08:16',
      '123.456.789.0',
      'user01',
      '123.1.1.1',
      '21',
      'STOR',
      'file.txt',
      '425',
      '1236',
      '0',
      'S',
      '/file.txt',
    ]);
  });
});

describe('a real IIS 10 log (facts §3.2), line by line', () => {
  const epochMs = Date.UTC(2023, 11, 29, 6, 27, 23);
  const guid = '2cf9cd35-e364-4b1a-ab27-fe9050daa5ea';
  const base = { at: 0, clientIp: '10.211.55.53', user: '-', serverIp: '10.211.55.52', session: guid };
  it.each([
    [
      { serverPort: 21, method: 'ControlChannelOpened', uriStem: '', status: '-', fullPath: '' },
      `21 ControlChannelOpened - - 0 0 ${guid} -`,
    ],
    [
      { serverPort: 21, method: 'USER', uriStem: 'anonymous', status: '331', fullPath: '' },
      `21 USER anonymous 331 0 0 ${guid} -`,
    ],
    [
      { serverPort: 21, method: 'PASS', uriStem: 'IEUser@', status: '230', fullPath: '/' },
      `21 PASS IEUser@ 230 0 0 ${guid} /`,
    ],
    [
      { serverPort: 21, method: 'opts', uriStem: 'utf8 on', status: '200', fullPath: '' },
      `21 opts utf8+on 200 0 0 ${guid} -`,
    ],
    [
      { serverPort: 49906, method: 'DataChannelOpened', uriStem: '', status: '', fullPath: '' },
      `49906 DataChannelOpened - - 0 0 ${guid} -`,
    ],
    [
      { serverPort: 21, method: 'LIST', uriStem: '', status: '226', fullPath: '/' },
      `21 LIST - 226 0 0 ${guid} /`,
    ],
  ])('%#', (fields, tail) => {
    const line = w3cLine({ ...base, win32: 0, substatus: 0, ...fields }, { epochMs });
    expect(line).toBe(`2023-12-29 06:27:23 10.211.55.53 - 10.211.55.52 ${tail}`);
  });

  it('failed logins: `PASS *** 530 1326 41`', () => {
    const e: LogEntry = {
      ...base,
      serverPort: 21,
      method: 'PASS',
      uriStem: '***',
      status: '530',
      win32: 1326,
      substatus: 41,
      fullPath: '',
    };
    expect(w3cLine(e, { epochMs })).toBe(
      `2023-12-29 06:27:23 10.211.55.53 - 10.211.55.52 21 PASS *** 530 1326 41 ${guid} -`,
    );
  });
});

describe('header (facts §3.1)', () => {
  it('is the four lines IIS writes, with FTP 7.5 software and the default fields', () => {
    expect(w3cHeader(0)).toEqual([
      '#Software: Microsoft Internet Information Services 7.5',
      '#Version: 1.0',
      '#Date: 2026-01-01 00:00:00',
      '#Fields: date time c-ip cs-username s-ip s-port cs-method cs-uri-stem sc-status sc-win32-status sc-substatus x-session x-fullpath',
    ]);
    expect(W3C_SOFTWARE).toBe('Microsoft Internet Information Services 7.5');
  });

  it('reproduces the IIS 10 header of the facts sheet', () => {
    const epochMs = Date.UTC(2023, 11, 29, 6, 27, 23);
    const h = w3cHeader(0, 'Microsoft Internet Information Services 10.0', { epochMs });
    expect(h[0]).toBe('#Software: Microsoft Internet Information Services 10.0');
    expect(h[2]).toBe('#Date: 2023-12-29 06:27:23');
  });
});

describe('values', () => {
  it.each([
    ['', '-'],
    ['file.txt', 'file.txt'],
    ['My Documents/a b.txt', 'My+Documents/a+b.txt'],
    ['tab\there', 'tab+here'],
    ['line\r\nbreak', 'line%0D%0Abreak'],
    ['nul\u0000', 'nul%00'],
    ['del\u007f', 'del%7F'],
    ['é日本', 'é日本'],
  ])('%j is written %j', (v, want) => {
    expect(w3cValue(v)).toBe(want);
  });

  it('dates and times are UTC from the epoch, truncated to the second', () => {
    const e = { ...STOR, at: 86_400 * SECOND - 1 };
    expect(w3cLine(e).slice(0, 19)).toBe('2026-01-01 23:59:59');
    expect(w3cLine({ ...e, at: 86_400 * SECOND }).slice(0, 19)).toBe('2026-01-02 00:00:00');
    expect(w3cLine({ ...e, at: 999 * MS }).slice(0, 19)).toBe('2026-01-01 00:00:00');
  });

  it('optional fields are written when chosen, - when the entry has none', () => {
    const fields = fieldsFromFlags(
      'Date, Time, ClientIP, ClientPort, Method, BytesSent, TimeTaken, SiteName',
    );
    expect(fields).toEqual([
      'date',
      'time',
      'c-ip',
      'c-port',
      's-sitename',
      'cs-method',
      'sc-bytes',
      'time-taken',
    ]);
    const line = w3cLine({ ...STOR, clientPort: 51234, bytesSent: 0, timeTaken: 15 }, { fields });
    expect(line).toBe('2026-01-01 00:00:00 123.456.789.0 51234 - STOR 0 15');
  });

  it('unknown logExtFileFlags are a configuration error that names the flag', () => {
    expect(() => fieldsFromFlags('Date, Bogus')).toThrow(UsageError);
    expect(() => fieldsFromFlags('Date, Bogus')).toThrow(/"Bogus"/);
  });
});

describe('session GUIDs', () => {
  const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

  it('are version-4 shaped, in the 8-4-4-4-12 form', () => {
    for (let i = 0; i < 200; i++) expect(sessionGuid('seed', i)).toMatch(GUID);
  });

  it('are the seeded stream four words as hex, version and variant bits set (the table gives toString(16))', () => {
    for (const seed of [1, 'x']) {
      for (let i = 0; i < 300; i++) {
        const prng = seedrandom.alea(`${seed}/ftp:session-guid/${i}`);
        const w = [0, 1, 2, 3].map(() => prng.int32() >>> 0);
        w[1] = ((w[1]! & 0xffff0fff) | 0x00004000) >>> 0;
        w[2] = ((w[2]! & 0x3fffffff) | 0x80000000) >>> 0;
        const hex = w.map((x) => x.toString(16).padStart(8, '0')).join('');
        const want = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
        expect(sessionGuid(seed, i)).toBe(want);
      }
    }
  });

  it('depend only on (seed, index)', () => {
    expect(sessionGuid(42, 7)).toBe(sessionGuid(42, 7));
    expect(sessionGuid(42, 7)).toBe(sessionGuid('42', 7));
    const all = new Set<string>();
    for (const seed of [1, 2, 'a', 'b']) for (let i = 0; i < 100; i++) all.add(sessionGuid(seed, i));
    expect(all.size).toBe(400);
  });

  it('refuses an index that is not a whole number', () => {
    expect(() => sessionGuid(1, -1)).toThrow(UsageError);
    expect(() => sessionGuid(1, 1.5)).toThrow(UsageError);
  });
});
