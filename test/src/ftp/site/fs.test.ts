import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../../sim/errors.ts';
import { SECOND } from '../../../../sim/time.ts';
import {
  type DirNode,
  emptyFs,
  entries,
  type Fs,
  type FsResult,
  fsFromEntries,
  lockFile,
  lookup,
  mkdir,
  readFile,
  realPath,
  remove,
  rename,
  rmdir,
  setAttributes,
  setMtime,
  stat,
  writeFile,
} from '../../../../src/ftp/fs.ts';
import { WIN32 } from '../../../../src/ftp/win32.ts';

const T0 = 0;
const T1 = 5 * SECOND;
const bytes = (s: string) => new TextEncoder().encode(s);
const text = (b: Uint8Array) => new TextDecoder().decode(b);

/** A small site: every test starts from it. */
const SITE = fsFromEntries(
  {
    'Docs/ReadMe.txt': 'hello',
    'Docs/Sub/deep.bin': new Uint8Array([1, 2, 3]),
    'Empty/': null,
    'locked.txt': 'busy',
    'ro.txt': { data: 'keep', readOnly: true },
    'RoDir/': { readOnly: true },
  },
  T0,
);

function value<T>(r: FsResult<T>): T {
  if (!r.ok) throw new Error(`expected ok, got win32 ${r.win32}`);
  return r.value;
}

function dir(fs: Fs, path: string): DirNode {
  const n = stat(fs, path);
  if (n?.kind !== 'dir') throw new Error(`${path} is not a directory`);
  return n;
}

describe('names are compared case-insensitively and keep their case', () => {
  it.each(['/docs/readme.txt', '/DOCS/README.TXT', '/Docs/ReadMe.txt', '/dOcS/rEaDmE.TxT'])(
    '%s finds ReadMe.txt',
    (p) => {
      expect(stat(SITE, p)?.name).toBe('ReadMe.txt');
      expect(realPath(SITE, p)).toBe('/Docs/ReadMe.txt');
    },
  );

  it('creating a name that differs only by case replaces the file and keeps the stored case', () => {
    const fs = value(writeFile(SITE, '/DOCS/README.TXT', bytes('new'), T1, 'create'));
    expect(entries(dir(fs, '/Docs')).map((n) => n.name)).toEqual(['ReadMe.txt', 'Sub']);
    expect(text(value(readFile(fs, '/docs/readme.txt', T1, 's1')))).toBe('new');
  });

  it('MKD of an existing name in another case is 183', () => {
    expect(mkdir(SITE, '/EMPTY', T1)).toEqual({ ok: false, win32: WIN32.ALREADY_EXISTS });
  });

  it('realPath keeps the typed case for names that do not exist', () => {
    expect(realPath(SITE, '/docs/NEW/x')).toBe('/Docs/NEW/x');
  });
});

type Op = (fs: Fs) => FsResult<unknown>;
// [operation, expected Win32 code]
const ERRORS: [string, Op, number][] = [
  ['RETR missing file', (fs) => readFile(fs, '/nope.txt', T1, 's1'), WIN32.FILE_NOT_FOUND],
  ['RETR in missing dir', (fs) => readFile(fs, '/nope/a.txt', T1, 's1'), WIN32.PATH_NOT_FOUND],
  ['RETR through a file', (fs) => readFile(fs, '/locked.txt/a', T1, 's1'), WIN32.PATH_NOT_FOUND],
  ['RETR a directory', (fs) => readFile(fs, '/Docs', T1, 's1'), WIN32.ACCESS_DENIED],
  ['RETR the root', (fs) => readFile(fs, '/', T1, 's1'), WIN32.ACCESS_DENIED],
  [
    'STOR into missing dir',
    (fs) => writeFile(fs, '/nope/a.txt', bytes('x'), T1, 'create'),
    WIN32.PATH_NOT_FOUND,
  ],
  ['STOR through a file', (fs) => writeFile(fs, '/ro.txt/a', bytes('x'), T1, 'create'), WIN32.PATH_NOT_FOUND],
  ['STOR onto a directory', (fs) => writeFile(fs, '/Docs', bytes('x'), T1, 'create'), WIN32.ACCESS_DENIED],
  ['STOR onto the root', (fs) => writeFile(fs, '/', bytes('x'), T1, 'create'), WIN32.ACCESS_DENIED],
  ['STOR onto read-only', (fs) => writeFile(fs, '/ro.txt', bytes('x'), T1, 'create'), WIN32.ACCESS_DENIED],
  ['APPE onto read-only', (fs) => writeFile(fs, '/RO.TXT', bytes('x'), T1, 'append'), WIN32.ACCESS_DENIED],
  ['MKD existing dir', (fs) => mkdir(fs, '/Docs', T1), WIN32.ALREADY_EXISTS],
  ['MKD existing file', (fs) => mkdir(fs, '/ro.txt', T1), WIN32.ALREADY_EXISTS],
  ['MKD root', (fs) => mkdir(fs, '/', T1), WIN32.ALREADY_EXISTS],
  ['MKD a/b/c (parents missing)', (fs) => mkdir(fs, '/a/b/c', T1), WIN32.PATH_NOT_FOUND],
  ['RMD missing', (fs) => rmdir(fs, '/nope', T1), WIN32.FILE_NOT_FOUND],
  ['RMD in missing dir', (fs) => rmdir(fs, '/nope/x', T1), WIN32.PATH_NOT_FOUND],
  ['RMD a file', (fs) => rmdir(fs, '/ro.txt', T1), WIN32.DIRECTORY],
  ['RMD non-empty', (fs) => rmdir(fs, '/Docs', T1), WIN32.DIR_NOT_EMPTY],
  ['RMD read-only dir', (fs) => rmdir(fs, '/RoDir', T1), WIN32.ACCESS_DENIED],
  ['RMD root', (fs) => rmdir(fs, '/', T1), WIN32.ACCESS_DENIED],
  ['DELE missing', (fs) => remove(fs, '/nope.txt', T1), WIN32.FILE_NOT_FOUND],
  ['DELE in missing dir', (fs) => remove(fs, '/nope/a.txt', T1), WIN32.PATH_NOT_FOUND],
  ['DELE a directory', (fs) => remove(fs, '/Empty', T1), WIN32.ACCESS_DENIED],
  ['DELE read-only', (fs) => remove(fs, '/ro.txt', T1), WIN32.ACCESS_DENIED],
  ['DELE root', (fs) => remove(fs, '/', T1), WIN32.ACCESS_DENIED],
  ['RNFR missing', (fs) => rename(fs, '/nope', '/x', T1), WIN32.FILE_NOT_FOUND],
  ['RNFR in missing dir', (fs) => rename(fs, '/nope/a', '/x', T1), WIN32.PATH_NOT_FOUND],
  ['RNFR root', (fs) => rename(fs, '/', '/x', T1), WIN32.ACCESS_DENIED],
  ['RNTO into missing dir', (fs) => rename(fs, '/ro.txt', '/nope/x', T1), WIN32.PATH_NOT_FOUND],
  ['RNTO through a file', (fs) => rename(fs, '/Empty', '/ro.txt/x', T1), WIN32.PATH_NOT_FOUND],
  ['RNTO onto existing file', (fs) => rename(fs, '/locked.txt', '/ro.txt', T1), WIN32.ALREADY_EXISTS],
  ['RNTO onto existing dir', (fs) => rename(fs, '/locked.txt', '/EMPTY', T1), WIN32.ALREADY_EXISTS],
  ['RNTO a dir into itself', (fs) => rename(fs, '/Docs', '/docs/Sub/Docs', T1), WIN32.SHARING_VIOLATION],
  ['RNTO root', (fs) => rename(fs, '/Empty', '/', T1), WIN32.ALREADY_EXISTS],
  [
    'RNTO replace a dir',
    (fs) => rename(fs, '/locked.txt', '/Empty', T1, { replace: true }),
    WIN32.ACCESS_DENIED,
  ],
  [
    'RNTO replace read-only',
    (fs) => rename(fs, '/locked.txt', '/ro.txt', T1, { replace: true }),
    WIN32.ACCESS_DENIED,
  ],
  [
    'RNTO replace with a dir',
    (fs) => rename(fs, '/Empty', '/ro.txt', T1, { replace: true }),
    WIN32.ACCESS_DENIED,
  ],
  ['attributes of missing', (fs) => setAttributes(fs, '/nope', { hidden: true }), WIN32.FILE_NOT_FOUND],
  ['MDTM set on missing', (fs) => setMtime(fs, '/nope', 0, T1), WIN32.FILE_NOT_FOUND],
  ['MDTM set in missing dir', (fs) => setMtime(fs, '/nope/x', 0, T1), WIN32.PATH_NOT_FOUND],
  ['MDTM set on a directory', (fs) => setMtime(fs, '/Docs', 0, T1), WIN32.ACCESS_DENIED],
  ['MDTM set on the root', (fs) => setMtime(fs, '/', 0, T1), WIN32.ACCESS_DENIED],
];

describe('every operation fails with the Win32 code Windows gives', () => {
  it.each(ERRORS)('%s → %d', (_what, op, win32) => {
    expect(op(SITE)).toEqual({ ok: false, win32 });
  });
});

describe('successful updates', () => {
  it('STOR creates, then replaces; APPE appends, and creates a missing file', () => {
    let fs = value(writeFile(SITE, '/Empty/new.txt', bytes('one'), T1, 'create'));
    expect(text(value(readFile(fs, '/Empty/new.txt', T1, 's1')))).toBe('one');
    fs = value(writeFile(fs, '/Empty/new.txt', bytes('two'), T1, 'create'));
    expect(text(value(readFile(fs, '/Empty/new.txt', T1, 's1')))).toBe('two');
    fs = value(writeFile(fs, '/Empty/new.txt', bytes('+three'), T1, 'append'));
    expect(text(value(readFile(fs, '/Empty/new.txt', T1, 's1')))).toBe('two+three');
    fs = value(writeFile(fs, '/Empty/appended.txt', bytes('x'), T1, 'append'));
    expect(text(value(readFile(fs, '/Empty/appended.txt', T1, 's1')))).toBe('x');
  });

  it('owns the bytes it was given: mutating the caller buffer afterwards changes nothing', () => {
    const buf = bytes('abc');
    const fs = value(writeFile(SITE, '/b.txt', buf, T1, 'create'));
    buf[0] = 0x7a;
    expect(text(value(readFile(fs, '/b.txt', T1, 's1')))).toBe('abc');
  });

  it('MKD, RMD, DELE', () => {
    let fs = value(mkdir(SITE, '/Docs/New', T1));
    expect(stat(fs, '/docs/new')).toMatchObject({ kind: 'dir', name: 'New', mtime: T1 });
    fs = value(rmdir(fs, '/DOCS/NEW', T1));
    expect(stat(fs, '/Docs/New')).toBeUndefined();
    fs = value(remove(fs, '/docs/readme.TXT', T1));
    expect(stat(fs, '/Docs/ReadMe.txt')).toBeUndefined();
  });

  it('RNFR/RNTO moves a directory with everything in it, keeping the node itself', () => {
    const fs = value(rename(SITE, '/Docs', '/Empty/Moved', T1));
    expect(stat(fs, '/Docs')).toBeUndefined();
    expect(stat(fs, '/Empty/Moved/Sub/deep.bin')).toBe(stat(SITE, '/Docs/Sub/deep.bin'));
    expect(stat(fs, '/Empty/Moved')).toMatchObject({ name: 'Moved', mtime: T0 });
  });

  it('renaming to the same name in another case changes only the case', () => {
    const fs = value(rename(SITE, '/Docs/ReadMe.txt', '/docs/README.TXT', T1));
    expect(entries(dir(fs, '/Docs')).map((n) => n.name)).toEqual(['README.TXT', 'Sub']);
    expect(text(value(readFile(fs, '/Docs/readme.txt', T1, 's1')))).toBe('hello');
  });

  it('RNTO may replace a file when allowReplaceOnRename is on', () => {
    const fs = value(rename(SITE, '/Docs/ReadMe.txt', '/locked.txt', T1, { replace: true }));
    expect(text(value(readFile(fs, '/locked.txt', T1, 's1')))).toBe('hello');
    expect(stat(fs, '/locked.txt')?.name).toBe('locked.txt');
    expect(stat(fs, '/Docs/ReadMe.txt')).toBeUndefined();
  });

  it('the old value is untouched by every update (immutability)', () => {
    const before = JSON.stringify([...dir(SITE, '/Docs').children.keys()]);
    value(remove(SITE, '/Docs/ReadMe.txt', T1));
    value(rename(SITE, '/Docs', '/D2', T1));
    expect(JSON.stringify([...dir(SITE, '/Docs').children.keys()])).toBe(before);
    expect(text(value(readFile(SITE, '/Docs/ReadMe.txt', T1, 's1')))).toBe('hello');
  });
});

describe('structural sharing: an update rebuilds only the path from the root', () => {
  it('writing /Docs/Sub/deep.bin rebuilds /, /Docs, /Docs/Sub and shares everything else', () => {
    const fs = value(writeFile(SITE, '/Docs/Sub/deep.bin', bytes('x'), T1, 'create'));
    expect(fs.root).not.toBe(SITE.root);
    expect(stat(fs, '/Docs')).not.toBe(stat(SITE, '/Docs'));
    expect(stat(fs, '/Docs/Sub')).not.toBe(stat(SITE, '/Docs/Sub'));
    for (const p of ['/Docs/ReadMe.txt', '/Empty', '/locked.txt', '/ro.txt', '/RoDir']) {
      expect(stat(fs, p), p).toBe(stat(SITE, p));
    }
    expect(fs.locks).toBe(SITE.locks);
  });

  it('a failed update returns no Fs at all', () => {
    const r = writeFile(SITE, '/nope/a', bytes('x'), T1, 'create');
    expect(r.ok).toBe(false);
  });
});

describe('last-write times come from `now`', () => {
  it('a new file sets its own and its directory mtime; the directories above keep theirs', () => {
    const fs = value(writeFile(SITE, '/Docs/Sub/new.txt', bytes('x'), T1, 'create'));
    expect(stat(fs, '/Docs/Sub/new.txt')?.mtime).toBe(T1);
    expect(stat(fs, '/Docs/Sub')?.mtime).toBe(T1);
    expect(stat(fs, '/Docs')?.mtime).toBe(T0);
    expect(fs.root.mtime).toBe(T0);
  });

  it('rewriting a file sets its mtime but not its directory', () => {
    const fs = value(writeFile(SITE, '/Docs/ReadMe.txt', bytes('x'), T1, 'append'));
    expect(stat(fs, '/Docs/ReadMe.txt')?.mtime).toBe(T1);
    expect(stat(fs, '/Docs')?.mtime).toBe(T0);
  });

  it.each([
    ['MKD', (fs: Fs) => mkdir(fs, '/Docs/x', T1)],
    ['DELE', (fs: Fs) => remove(fs, '/Docs/ReadMe.txt', T1)],
    ['RMD', (fs: Fs) => rmdir(value(mkdir(fs, '/Docs/y', T0)), '/Docs/y', T1)],
    ['RNTO', (fs: Fs) => rename(fs, '/Docs/ReadMe.txt', '/Docs/r.txt', T1)],
  ] as const)('%s sets the directory mtime', (_what, op) => {
    expect(stat(value(op(SITE)), '/Docs')?.mtime).toBe(T1);
  });

  it('RNTO sets both directories and keeps the moved file mtime', () => {
    const fs = value(rename(SITE, '/Docs/ReadMe.txt', '/Empty/r.txt', T1));
    expect(stat(fs, '/Docs')?.mtime).toBe(T1);
    expect(stat(fs, '/Empty')?.mtime).toBe(T1);
    expect(stat(fs, '/Empty/r.txt')?.mtime).toBe(T0);
  });

  it('MDTM sets only the file time, even on a read-only file', () => {
    const old = -1000 * SECOND;
    const fs = value(setMtime(SITE, '/ro.txt', old, T1));
    expect(stat(fs, '/ro.txt')).toMatchObject({ mtime: old, readOnly: true });
    expect(fs.root.mtime).toBe(T0);
  });

  it('attributes change no time', () => {
    const fs = value(setAttributes(SITE, '/Docs/ReadMe.txt', { hidden: true }));
    expect(stat(fs, '/Docs/ReadMe.txt')).toMatchObject({ hidden: true, mtime: T0 });
    expect(stat(fs, '/Docs')?.mtime).toBe(T0);
  });
});

describe('fsFromEntries', () => {
  it('builds directories implicitly and explicitly, with times and attributes', () => {
    const fs = fsFromEntries(
      { 'a/b/c.txt': 'x', 'a/': { hidden: true, mtime: -SECOND }, '/top.bin': new Uint8Array([0]) },
      T1,
    );
    expect(stat(fs, '/a')).toMatchObject({ kind: 'dir', hidden: true, mtime: -SECOND });
    expect(stat(fs, '/a/b')).toMatchObject({ kind: 'dir', mtime: T1 });
    expect(stat(fs, '/a/b/c.txt')).toMatchObject({ kind: 'file', mtime: T1 });
    expect(stat(fs, '/top.bin')?.kind).toBe('file');
    expect(emptyFs(T1).root.children.size).toBe(0);
  });

  it.each([
    [{ 'a.txt': 'x', 'A.TXT': 'y' }, /same name as an earlier entry, "a.txt"/],
    [{ 'a/': null, 'A/': null }, /same name as an earlier entry, "a"/],
    [{ 'a.txt': 'x', 'a.txt/b': 'y' }, /"a.txt" is a file/],
    [{ 'd/x': 'x', d: 'y' }, /same name as an earlier entry, "d"/],
    [{ 'bad:name': 'x' }, /not a valid Windows name/],
    [{ ' lead': 'x' }, /not a valid Windows name/],
    [{ 'trail.': 'x' }, /not a valid Windows name/],
    [{ 'd/../x': 'x' }, /not a valid Windows name/],
    [{ 'dir/': 'content' }, /has no content/],
    [{ '/': null }, /names no file/],
  ] as const)('%j is a scenario error', (entries, message) => {
    expect(() => fsFromEntries(entries, T0)).toThrow(UsageError);
    expect(() => fsFromEntries(entries, T0)).toThrow(message);
  });

  it('lookup tells a missing file from a missing path', () => {
    expect(lookup(SITE, '/Docs/none')).toEqual({ ok: false, win32: WIN32.FILE_NOT_FOUND });
    expect(lookup(SITE, '/none/none')).toEqual({ ok: false, win32: WIN32.PATH_NOT_FOUND });
  });

  it('paths that are not canonical are a caller error', () => {
    expect(() => stat(SITE, 'Docs')).toThrow(UsageError);
    expect(() => stat(SITE, '/Docs/../x')).toThrow(UsageError);
  });

  it('locks survive updates of the tree', () => {
    const locked = lockFile(SITE, { path: '/locked.txt', from: 0, until: null, owner: 'external' });
    const fs = value(mkdir(locked, '/x', T1));
    expect(fs.locks).toBe(locked.locks);
  });
});
