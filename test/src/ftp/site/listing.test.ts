import { describe, expect, it } from 'vitest';
import { MINUTE, SECOND } from '../../../../sim/time.ts';
import { timeOf } from '../../../../src/ftp/calendar.ts';
import { fsFromEntries, resolvePath } from '../../../../src/ftp/fs.ts';
import { listLines, matchWildcard, msdosLine, RECENT, unixLine } from '../../../../src/ftp/listing.ts';
import { WIN32 } from '../../../../src/ftp/win32.ts';

const at = (year: number, month: number, day: number, hour: number, minute: number) =>
  timeOf({ year, month, day, hour, minute, second: 0 });

/** The entries of the facts sheet's real listings (§2.1, §2.2), with their dates and sizes. */
const SITE = fsFromEntries(
  {
    'Documents/': { mtime: at(2019, 2, 3, 8, 5) },
    'File01.xml': { data: new Uint8Array(901), mtime: at(2013, 3, 7, 10, 2) },
    'welcome.png': { data: new Uint8Array(184946), mtime: at(2024, 10, 5, 0, 27) },
    'aspnet_client/': { mtime: at(2024, 6, 14, 9, 0), readOnly: true },
    'index.html': { data: new Uint8Array(11069), mtime: at(2024, 6, 15, 23, 59) },
    'ls-lR.Z': { data: new Uint8Array(1803128), mtime: at(2025, 7, 10, 10, 18) },
    'adele/': { mtime: at(2025, 12, 5, 0, 45) },
    'My File.txt': { data: 'with spaces', mtime: at(2025, 12, 31, 12, 0) },
    'secret.txt': { data: 'x', hidden: true, mtime: at(2025, 1, 1, 13, 0) },
  },
  0,
);
const NOW = at(2026, 1, 1, 0, 0);
const linesOf = (r: ReturnType<typeof listLines>) => {
  if (!r.ok) throw new Error(`win32 ${r.win32}`);
  expect(r.value.endsWith('\r\n')).toBe(true);
  return r.value.slice(0, -2).split('\r\n');
};

describe('MS-DOS style (facts §2.1), the real lines', () => {
  const lines = linesOf(listLines(SITE, '/', '', 'msdos', NOW));

  it.each([
    ['02-03-19  08:05AM       <DIR>          Documents'],
    ['03-07-13  10:02AM                  901 File01.xml'],
    ['10-05-24  12:27AM               184946 welcome.png'],
  ])('%s', (line) => {
    expect(lines).toContain(line);
  });

  it('column by column: date 0-7, time 10-16, <DIR> 24-28, size ends at 37, name at 39', () => {
    const dir = lines.find((l) => l.endsWith('Documents'))!;
    const file = lines.find((l) => l.endsWith('welcome.png'))!;
    expect(dir.slice(0, 8)).toBe('02-03-19');
    expect(dir.slice(8, 10)).toBe('  ');
    expect(dir.slice(10, 17)).toBe('08:05AM');
    expect(dir.slice(17, 24)).toBe(' '.repeat(7));
    expect(dir.slice(24, 29)).toBe('<DIR>');
    expect(dir.slice(29, 39)).toBe(' '.repeat(10));
    expect(file.slice(31, 38)).toBe(' 184946');
    expect(file[38]).toBe(' ');
    for (const l of lines) expect(l.slice(39), l).not.toMatch(/^ /);
    expect(lines.map((l) => l.slice(39))).toEqual([
      'adele',
      'aspnet_client',
      'Documents',
      'File01.xml',
      'index.html',
      'ls-lR.Z',
      'My File.txt',
      'welcome.png',
    ]);
  });

  it.each([
    [at(2026, 1, 1, 0, 0), '01-01-26  12:00AM'],
    [at(2026, 1, 1, 0, 59), '01-01-26  12:59AM'],
    [at(2026, 1, 1, 11, 59), '01-01-26  11:59AM'],
    [at(2026, 1, 1, 12, 0), '01-01-26  12:00PM'],
    [at(2026, 1, 1, 13, 7), '01-01-26  01:07PM'],
    [at(2026, 1, 1, 23, 59), '01-01-26  11:59PM'],
    [at(1999, 12, 31, 23, 59), '12-31-99  11:59PM'],
    [at(2000, 2, 29, 6, 30), '02-29-00  06:30AM'],
  ])('12-hour clock with zero-padded hours: %d → %s', (mtime, stamp) => {
    const file = { kind: 'file' as const, name: 'f', data: new Uint8Array(0), mtime };
    expect(msdosLine(file, 'f')).toBe(`${stamp}                    0 f`);
  });

  it('LongDate writes four-digit years', () => {
    const node = { kind: 'dir' as const, name: 'd', mtime: at(2019, 2, 3, 8, 5), children: new Map() };
    expect(msdosLine(node, 'd', undefined, true)).toBe('02-03-2019  08:05AM       <DIR>          d');
  });

  it('sizes have no thousands separators and grow to the left', () => {
    const big = { kind: 'file' as const, name: 'big', data: new Uint8Array(0), mtime: 0 };
    const line = msdosLine({ ...big, data: { length: 12_345_678_901 } as Uint8Array }, 'big');
    expect(line).toBe('01-01-26  12:00AM          12345678901 big');
  });

  it('times follow the configured epoch', () => {
    const r = listLines(SITE, '/Documents', '', 'msdos', NOW);
    expect(r).toEqual({ ok: true, value: '' });
    const file = { kind: 'file' as const, name: 'x', data: new Uint8Array(1), mtime: 90 * MINUTE };
    expect(msdosLine(file, 'x', Date.UTC(2012, 0, 15))).toBe('01-15-12  01:30AM                    1 x');
  });
});

describe('UNIX style (facts §2.2), the real lines', () => {
  // Now is 2026-01-01, so July 2025 and December 2025 are recent, June 2024 is not.
  const lines = linesOf(listLines(SITE, '/', '', 'unix', NOW));

  it.each([
    ['dr--r--r--   1 owner    group               0 Jun 14  2024 aspnet_client'],
    ['-rwxrwxrwx   1 owner    group           11069 Jun 15  2024 index.html'],
    ['drwxrwxrwx   1 owner    group               0 Dec  5  0:45 adele'],
  ])('%s', (line) => {
    expect(lines).toContain(line);
  });

  it('ftpparse sample `ls-lR.Z` from column 10 on (its ---------- permissions are not modelled)', () => {
    const line = lines.find((l) => l.endsWith('ls-lR.Z'))!;
    expect(line.slice(10)).toBe('   1 owner    group         1803128 Jul 10 10:18 ls-lR.Z');
  });

  it('column by column: size ends at 44, date at 46-57, name at 59', () => {
    for (const l of lines) {
      expect(l.slice(10, 30), l).toBe('   1 owner    group ');
      expect(l[44], l).toMatch(/\d/);
      expect(l[45]).toBe(' ');
      expect(l.slice(46, 58)).toMatch(/^[A-Z][a-z]{2} [ \d]\d ( \d{4}|[ \d]\d:\d\d)$/);
      expect(l[58]).toBe(' ');
    }
    expect(lines.map((l) => l.slice(59))).toContain('My File.txt');
  });

  it('recent means at most six months old and not in the future', () => {
    const node = (mtime: number) => ({ kind: 'file' as const, name: 'f', data: new Uint8Array(0), mtime });
    expect(unixLine(node(NOW - RECENT), 'f', NOW)).toContain('Jul  2 ');
    expect(unixLine(node(NOW - RECENT), 'f', NOW)).not.toContain('2025');
    // Times six months away are beyond 2^53 ns, so their last nanoseconds are not exact: step by a second.
    expect(unixLine(node(NOW - RECENT - SECOND), 'f', NOW)).toContain('Jul  2  2025 f');
    expect(unixLine(node(NOW + 1), 'f', NOW)).toContain('Jan  1  2026 f');
    expect(unixLine(node(NOW), 'f', NOW)).toContain('Jan  1  0:00 f');
  });
});

describe('LIST', () => {
  it('of a file gives its one line (facts §1, `mdir hello.txt`)', () => {
    expect(listLines(SITE, '/File01.xml', '', 'msdos', NOW)).toEqual({
      ok: true,
      value: '03-07-13  10:02AM                  901 File01.xml\r\n',
    });
  });

  it('accepts ls-style flags and ignores them (facts §1, `ls -alr`)', () => {
    const plain = listLines(SITE, '/', '', 'msdos', NOW);
    for (const flags of ['-a', '-l', '-alr', '-t -r', '-la --color', '-Z']) {
      expect(listLines(SITE, '/', flags, 'msdos', NOW)).toEqual(plain);
    }
  });

  it('leaves hidden entries out of a directory but shows a hidden file named by itself', () => {
    expect(linesOf(listLines(SITE, '/', '', 'msdos', NOW)).some((l) => l.endsWith('secret.txt'))).toBe(false);
    expect(linesOf(listLines(SITE, '/secret.txt', '', 'msdos', NOW))).toHaveLength(1);
  });

  it('of a missing name is 2, below a missing directory 3', () => {
    expect(listLines(SITE, '/nope', '', 'msdos', NOW)).toEqual({ ok: false, win32: WIN32.FILE_NOT_FOUND });
    expect(listLines(SITE, '/nope/x', '', 'msdos', NOW)).toEqual({ ok: false, win32: WIN32.PATH_NOT_FOUND });
  });

  it('takes a wildcard pattern in its last segment', () => {
    const pat = resolvePath('/', '*.htm?', '/', { wildcards: true });
    expect(pat).toEqual({ ok: true, value: '/*.htm?' });
    const names = linesOf(listLines(SITE, '/*.HTM?', '', 'unix', NOW)).map((l) => l.slice(59));
    expect(names).toEqual(['index.html']);
    expect(listLines(SITE, '/*.none', '', 'msdos', NOW)).toEqual({ ok: false, win32: WIN32.FILE_NOT_FOUND });
    expect(listLines(SITE, '/secret.*', '', 'msdos', NOW)).toEqual({
      ok: false,
      win32: WIN32.FILE_NOT_FOUND,
    });
    expect(listLines(SITE, '/nope/*', '', 'msdos', NOW)).toEqual({ ok: false, win32: WIN32.PATH_NOT_FOUND });
    expect(listLines(SITE, '/File01.xml/*', '', 'msdos', NOW)).toEqual({
      ok: false,
      win32: WIN32.PATH_NOT_FOUND,
    });
  });
});

describe('wildcards as FindFirstFile matches them', () => {
  it.each([
    ['*', 'anything', true],
    ['*.*', 'noext', true],
    ['*.*', 'a.b', true],
    ['*.txt', 'A.TXT', true],
    ['*.txt', 'a.txt.bak', false],
    ['a?c', 'abc', true],
    ['a?c', 'ac', false],
    ['*a*b*', 'xxaYYbzz', true],
    ['*a*b', 'ab_b', true],
    ['*a*b', 'aba', false],
    ['', '', true],
  ])('%j matches %j: %s', (pattern, name, want) => {
    expect(matchWildcard(pattern, name)).toBe(want);
  });
});
