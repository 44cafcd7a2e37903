import { describe, expect, it } from 'vitest';
import { MINUTE } from '../../../../sim/time.ts';
import { fsFromEntries } from '../../../../src/ftp/fs.ts';
import { nlstLines, type Profile, parseNlstOptions } from '../../../../src/ftp/listing.ts';
import { WIN32 } from '../../../../src/ftp/win32.ts';

/** The site of the facts sheet's ftp.exe walkthrough ([T-cmd]): `ls / file` saved /file.txt, /hello.txt, /test01. */
const SITE = fsFromEntries(
  {
    'file.txt': { data: 'f', mtime: 3 * MINUTE },
    'hello.txt': { data: 'hello', mtime: 1 * MINUTE },
    'test01/test01.txt': { data: 't', mtime: 0 },
    'test01/': { mtime: 2 * MINUTE },
    '.profile': { data: 'p', hidden: true, mtime: 4 * MINUTE },
  },
  0,
);
const NOW = 10 * MINUTE;

function nlst(path: string, arg: string, options = '', profile: Profile = 'ftp75', style?: 'msdos' | 'unix') {
  const r = nlstLines(SITE, path, arg, options, profile, NOW, style ? { style } : {});
  if (!r.ok) throw new Error(`win32 ${r.win32}`);
  return r.value === '' ? [] : r.value.slice(0, -2).split('\r\n');
}

describe('NLST names (facts §1)', () => {
  it('without an argument: bare names, NTFS order, hidden left out', () => {
    expect(nlst('/', '')).toEqual(['file.txt', 'hello.txt', 'test01']);
  });

  it.each([
    // VERIFIED [T-cmd]
    ['/', '/', ['/file.txt', '/hello.txt', '/test01']],
    ['/test01', 'test01/', ['test01/test01.txt']],
    // INFERRED: a separator is added after a directory typed without one; a backslash typed is kept
    ['/test01', 'test01', ['test01/test01.txt']],
    ['/test01', 'TEST01', ['TEST01/test01.txt']],
    ['/test01', 'test01\\', ['test01\\test01.txt']],
    ['/test01', './test01/../test01', ['./test01/../test01/test01.txt']],
    // a file is echoed as typed
    ['/hello.txt', 'hello.txt', ['hello.txt']],
    ['/hello.txt', '/HELLO.TXT', ['/HELLO.TXT']],
    // a pattern keeps what precedes its last separator
    ['/*.txt', '*.txt', ['file.txt', 'hello.txt']],
    ['/test01/*.txt', 'test01/*.txt', ['test01/test01.txt']],
    ['/test01/*', '/test01\\*', ['/test01\\test01.txt']],
  ])('NLST of %s typed %j', (path, arg, want) => {
    expect(nlst(path, arg)).toEqual(want);
  });

  it('an empty directory gives no lines; a missing one 2, below a missing one 3', () => {
    const fs = fsFromEntries({ 'empty/': null }, 0);
    expect(nlstLines(fs, '/empty', 'empty', '', 'ftp75', NOW)).toEqual({ ok: true, value: '' });
    expect(nlstLines(fs, '/nope', 'nope', '', 'ftp75', NOW)).toEqual({
      ok: false,
      win32: WIN32.FILE_NOT_FOUND,
    });
    expect(nlstLines(fs, '/nope/x', 'nope/x', '', 'ftp75', NOW)).toEqual({
      ok: false,
      win32: WIN32.PATH_NOT_FOUND,
    });
    expect(nlstLines(fs, '/*.txt', '*.txt', '', 'ftp75', NOW)).toEqual({
      ok: false,
      win32: WIN32.FILE_NOT_FOUND,
    });
  });
});

describe('NLST options: -C -1 -l -F -a -A (KB 2505047)', () => {
  it('-1 is the default form', () => {
    expect(nlst('/', '', '-1')).toEqual(nlst('/', ''));
  });

  it('-F marks directories with /', () => {
    expect(nlst('/', '', '-F')).toEqual(['file.txt', 'hello.txt', 'test01/']);
    expect(nlst('/', '/', '-F')).toEqual(['/file.txt', '/hello.txt', '/test01/']);
  });

  it('-A adds hidden names; -a adds them and . and ..', () => {
    expect(nlst('/', '', '-A')).toEqual(['.profile', 'file.txt', 'hello.txt', 'test01']);
    expect(nlst('/', '', '-a')).toEqual(['.', '..', '.profile', 'file.txt', 'hello.txt', 'test01']);
    expect(nlst('/test01', 'test01', '-a')).toEqual(['test01/.', 'test01/..', 'test01/test01.txt']);
    expect(nlst('/', '', '-aF')).toEqual(['./', '../', '.profile', 'file.txt', 'hello.txt', 'test01/']);
  });

  it('-l gives listing lines with bare names, in the site style', () => {
    expect(nlst('/', '/', '-l')).toEqual([
      '01-01-26  12:03AM                    1 file.txt',
      '01-01-26  12:01AM                    5 hello.txt',
      '01-01-26  12:02AM       <DIR>          test01',
    ]);
    expect(nlst('/hello.txt', 'HELLO.TXT', '-l', 'ftp75', 'unix')).toEqual([
      '-rwxrwxrwx   1 owner    group               5 Jan  1  0:01 hello.txt',
    ]);
    expect(nlst('/', '', '-lF')[2]).toBe('01-01-26  12:02AM       <DIR>          test01/');
  });

  it('-C lays names out in columns, down then across, within 80 characters', () => {
    expect(nlst('/', '', '-C')).toEqual(['file.txt   hello.txt  test01']);
    const many = fsFromEntries(
      Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`name-${i + 10}.txt`, 'x'])),
      0,
    );
    const r = nlstLines(many, '/', '', '-C', 'ftp75', NOW);
    if (!r.ok) throw new Error('nlst');
    const rows = r.value.slice(0, -2).split('\r\n');
    // 11-character names in 13-character columns: six fit in 80 (6 × 13 - 2 = 76, seven would take 89),
    // so 20 names make 4 rows, filled down each column first.
    expect(rows).toHaveLength(4);
    expect(rows[0]).toBe('name-10.txt  name-14.txt  name-18.txt  name-22.txt  name-26.txt');
    expect(rows[3]).toBe('name-13.txt  name-17.txt  name-21.txt  name-25.txt  name-29.txt');
    for (const row of rows) expect(row.length).toBeLessThanOrEqual(80);
  });

  it('of -1, -C and -l the last one wins', () => {
    expect(nlst('/', '', '-l -1')).toEqual(nlst('/', ''));
    expect(nlst('/', '', '-1l')).toEqual(nlst('/', '', '-l'));
    expect(nlst('/', '', '-lC')).toEqual(nlst('/', '', '-C'));
  });

  it('unknown options are ignored', () => {
    expect(nlst('/', '', '-Z -x --color=auto')).toEqual(nlst('/', ''));
  });
});

describe('NLST -r and -t: ignored by FTP 7.5, honoured by IIS 6 (KB 2505047)', () => {
  it.each([
    ['-r', 'ftp75', ['file.txt', 'hello.txt', 'test01']],
    ['-t', 'ftp75', ['file.txt', 'hello.txt', 'test01']],
    ['-rt', 'ftp75', ['file.txt', 'hello.txt', 'test01']],
    ['-r', 'iis6', ['test01', 'hello.txt', 'file.txt']],
    ['-t', 'iis6', ['file.txt', 'test01', 'hello.txt']], // newest first: 3, 2, 1 minutes
    ['-rt', 'iis6', ['hello.txt', 'test01', 'file.txt']],
    ['-ra', 'iis6', ['test01', 'hello.txt', 'file.txt', '.profile', '..', '.']],
  ] as const)('%s under %s', (options, profile, want) => {
    expect(nlst('/', '', options, profile)).toEqual(want);
  });

  it('-t keeps name order between equal times', () => {
    const fs = fsFromEntries(
      { b: { data: '', mtime: 0 }, A: { data: '', mtime: 0 }, c: { data: '', mtime: 1 } },
      0,
    );
    expect(nlstLines(fs, '/', '', '-t', 'iis6', NOW)).toEqual({ ok: true, value: 'c\r\nA\r\nb\r\n' });
  });

  it('parses flags per profile', () => {
    expect(parseNlstOptions('-rt', 'ftp75')).toMatchObject({ reverse: false, byTime: false });
    expect(parseNlstOptions('-rt', 'iis6')).toMatchObject({ reverse: true, byTime: true });
    expect(parseNlstOptions('x -a', 'ftp75')).toMatchObject({ all: true });
  });
});
