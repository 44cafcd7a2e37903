import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../../sim/errors.ts';
import { clientPath, isWithin, resolvePath, segmentsOf } from '../../../../src/ftp/fs.ts';
import { cleanName } from '../../../../src/ftp/fs-path.ts';
import { WIN32 } from '../../../../src/ftp/win32.ts';

const { INVALID_NAME, FILENAME_EXCED_RANGE } = WIN32;

// [cwd, argument as the client typed it, jail, resolved path]
const TRAVERSALS: [string, string, string, string][] = [
  // '..' never climbs above the jail
  ['/', '..', '/', '/'],
  ['/', '../..', '/', '/'],
  ['/', '../../../etc/passwd', '/', '/etc/passwd'],
  ['/LocalUser/alice', '..', '/LocalUser/alice', '/LocalUser/alice'],
  ['/LocalUser/alice', '../bob', '/LocalUser/alice', '/LocalUser/alice/bob'],
  ['/LocalUser/alice/docs', '..', '/LocalUser/alice', '/LocalUser/alice'],
  ['/LocalUser/alice/docs', '../..', '/LocalUser/alice', '/LocalUser/alice'],
  ['/LocalUser/alice/docs', 'a/../../../b', '/LocalUser/alice', '/LocalUser/alice/b'],
  // backslashes are separators
  ['/LocalUser/alice', '\\..\\', '/LocalUser/alice', '/LocalUser/alice'],
  ['/LocalUser/alice', '..\\..\\bob', '/LocalUser/alice', '/LocalUser/alice/bob'],
  ['/', 'a\\b\\c.txt', '/', '/a/b/c.txt'],
  ['/', 'a/b\\..\\c', '/', '/a/c'],
  // absolute paths are relative to the jail
  ['/LocalUser/alice/docs', '/', '/LocalUser/alice', '/LocalUser/alice'],
  ['/LocalUser/alice/docs', '/../', '/LocalUser/alice', '/LocalUser/alice'],
  ['/LocalUser/alice/docs', '/x.txt', '/LocalUser/alice', '/LocalUser/alice/x.txt'],
  ['/LocalUser/alice', '/LocalUser/bob', '/LocalUser/alice', '/LocalUser/alice/LocalUser/bob'],
  ['/LocalUser/alice', '\\..\\..\\LocalUser\\bob', '/LocalUser/alice', '/LocalUser/alice/LocalUser/bob'],
  // UNC forms are just more separators: never another host
  ['/', '\\\\server\\share\\f.txt', '/', '/server/share/f.txt'],
  ['/LocalUser/alice', '//server/share', '/LocalUser/alice', '/LocalUser/alice/server/share'],
  // percent signs are literal: no decoding
  ['/d', '%2e%2e', '/', '/d/%2e%2e'],
  ['/d', '%2e%2e/%2e%2e/x', '/', '/d/%2e%2e/%2e%2e/x'],
  ['/d', '..%2f..%2fx', '/', '/d/..%2f..%2fx'],
  ['/d', '%5c..%5c', '/', '/d/%5c..%5c'],
  // '.' and empty segments collapse
  ['/d', '.', '/', '/d'],
  ['/d', './/./e', '/', '/d/e'],
  ['/d', '', '/', '/d'],
  ['/d', 'e/', '/', '/d/e'],
  // case is kept as typed (lookups ignore it)
  ['/Docs', 'ReadMe.TXT', '/', '/Docs/ReadMe.TXT'],
  // leading spaces are dropped (facts §5.7), trailing dots and spaces too (Win32 normalisation)
  ['/', ' a.txt', '/', '/a.txt'],
  ['/', '  /a.txt', '/', '/a.txt'],
  ['/', 'dir/ b.txt', '/', '/dir/b.txt'],
  ['/', 'a.txt.', '/', '/a.txt'],
  ['/', 'a.txt . .', '/', '/a.txt'],
  ['/', 'dir./a', '/', '/dir/a'],
  ['/d', ' ..', '/', '/'],
  ['/', 'a/ /b', '/', '/a/b'],
  // names that only look odd are fine
  ['/', '...a', '/', '/...a'],
  ['/', 'a..b', '/', '/a..b'],
  ['/', "a b+c;d=e,f[g]h{i}j~k!l@m#n$o&p'q", '/', "/a b+c;d=e,f[g]h{i}j~k!l@m#n$o&p'q"],
  ['/', 'é日本.txt', '/', '/é日本.txt'],
];

describe('resolvePath: traversal tricks never leave the jail', () => {
  it.each(TRAVERSALS)('cwd %j + %j (jail %j) → %j', (cwd, arg, jail, want) => {
    const got = resolvePath(cwd, arg, jail);
    expect(got).toEqual({ ok: true, value: want });
    if (got.ok) expect(isWithin(got.value, jail)).toBe(true);
  });
});

// [argument, Win32 code]
const INVALID: [string, number][] = [
  ['a\u0000b', INVALID_NAME],
  ['a.txt\u0000.jpg', INVALID_NAME],
  ['\u0000', INVALID_NAME],
  ['a\u0001', INVALID_NAME],
  ['line\r\nbreak', INVALID_NAME],
  ['C:\\Windows\\win.ini', INVALID_NAME],
  ['C:', INVALID_NAME],
  ['c:/boot.ini', INVALID_NAME],
  ['file.txt:stream', INVALID_NAME],
  ['a*', INVALID_NAME],
  ['a?', INVALID_NAME],
  ['a"b', INVALID_NAME],
  ['a<b', INVALID_NAME],
  ['a>b', INVALID_NAME],
  ['a|b', INVALID_NAME],
  ['...', INVALID_NAME],
  ['. .', INVALID_NAME],
  ['.. ', INVALID_NAME],
  ['dir/.../x', INVALID_NAME],
  ['CON', INVALID_NAME],
  ['con.txt', INVALID_NAME],
  ['dir/nul', INVALID_NAME],
  ['LPT1.log', INVALID_NAME],
  ['COM9', INVALID_NAME],
  ['x'.repeat(256), FILENAME_EXCED_RANGE],
  [`d/${'y'.repeat(300)}/z`, FILENAME_EXCED_RANGE],
];

describe('resolvePath: names Windows refuses', () => {
  it.each(INVALID)('%j → win32 %d', (arg, win32) => {
    expect(resolvePath('/', arg, '/')).toEqual({ ok: false, win32 });
  });

  it('accepts names that are merely near the limits', () => {
    expect(resolvePath('/', 'x'.repeat(255), '/')).toEqual({ ok: true, value: `/${'x'.repeat(255)}` });
    expect(resolvePath('/', 'CONSOLE', '/')).toEqual({ ok: true, value: '/CONSOLE' });
    expect(resolvePath('/', 'COM10', '/')).toEqual({ ok: true, value: '/COM10' });
    expect(resolvePath('/', 'com', '/')).toEqual({ ok: true, value: '/com' });
  });

  it('allows * and ? in the last segment only when asked (LIST/NLST patterns)', () => {
    expect(resolvePath('/d', '*.txt', '/', { wildcards: true })).toEqual({ ok: true, value: '/d/*.txt' });
    expect(resolvePath('/d', 'sub\\a?.txt', '/', { wildcards: true })).toEqual({
      ok: true,
      value: '/d/sub/a?.txt',
    });
    expect(resolvePath('/d', 'sub*/a.txt', '/', { wildcards: true })).toEqual({
      ok: false,
      win32: INVALID_NAME,
    });
    expect(resolvePath('/d', '*.txt', '/')).toEqual({ ok: false, win32: INVALID_NAME });
    expect(resolvePath('/d', 'a:*', '/', { wildcards: true })).toEqual({ ok: false, win32: INVALID_NAME });
  });
});

describe('resolvePath: the session state it is given', () => {
  it('refuses a cwd outside the jail or a non-canonical one (a caller bug, not a client error)', () => {
    expect(() => resolvePath('/LocalUser/bob', 'x', '/LocalUser/alice')).toThrow(UsageError);
    expect(() => resolvePath('/LocalUser/alice/../bob', 'x', '/LocalUser/alice')).toThrow(UsageError);
    expect(() => resolvePath('relative', 'x', '/')).toThrow(UsageError);
    expect(() => resolvePath('/', 'x', '/jail/')).toThrow(UsageError);
  });

  it('compares cwd with the jail case-insensitively', () => {
    expect(resolvePath('/localuser/ALICE/docs', '../..', '/LocalUser/alice')).toEqual({
      ok: true,
      value: '/localuser/ALICE',
    });
  });
});

describe('paths as the client sees them', () => {
  it.each([
    ['/LocalUser/alice', '/LocalUser/alice', '/'],
    ['/LocalUser/alice/docs/a.txt', '/LocalUser/alice', '/docs/a.txt'],
    ['/docs', '/', '/docs'],
    ['/localuser/Alice/x', '/LocalUser/alice', '/x'],
  ])('%j inside jail %j is %j', (path, jail, want) => {
    expect(clientPath(path, jail)).toBe(want);
  });

  it('refuses a path outside the jail', () => {
    expect(() => clientPath('/LocalUser/bob', '/LocalUser/alice')).toThrow(UsageError);
    expect(() => clientPath('/LocalUser/alice2', '/LocalUser/alice')).toThrow(UsageError);
  });

  it('isWithin compares whole segments', () => {
    expect(isWithin('/ab', '/a')).toBe(false);
    expect(isWithin('/a/b', '/A')).toBe(true);
    expect(isWithin('/anything', '/')).toBe(true);
  });

  it.each(['', 'a', '/a/', '//a', '/a//b', '/a/./b', '/a/../b', '/a\\b'])(
    'segmentsOf(%j) is a usage error',
    (p) => {
      expect(() => segmentsOf(p)).toThrow(UsageError);
    },
  );

  it('cleanName reports what it kept', () => {
    expect(cleanName('  name. . ')).toEqual({ ok: true, value: 'name' });
    expect(cleanName('a*b', true)).toEqual({ ok: true, value: 'a*b' });
  });
});
