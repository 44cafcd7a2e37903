import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../../sim/errors.ts';
import { SECOND } from '../../../../sim/time.ts';
import {
  EXTERNAL,
  type Fs,
  fsFromEntries,
  isLocked,
  lockFile,
  mkdir,
  pruneExpired,
  readFile,
  remove,
  rename,
  rmdir,
  setMtime,
  unlockFile,
  writeFile,
} from '../../../../src/ftp/fs.ts';
import { WIN32 } from '../../../../src/ftp/win32.ts';

const OPEN_AT = 10 * SECOND;
const CLOSE_AT = 20 * SECOND;
const SHARING = { ok: false, win32: WIN32.SHARING_VIOLATION };
const bytes = (s: string) => new TextEncoder().encode(s);

const SITE = fsFromEntries({ 'report.xlsx': 'cells', 'dir/inner.txt': 'x', 'free.txt': 'y' }, 0);
/** Another process (not FTPSVC) opens report.xlsx from 10 s to 20 s (KB 2505047, "FTP RETR for open files"). */
const EXCEL = lockFile(SITE, { path: '/report.xlsx', from: OPEN_AT, until: CLOSE_AT, owner: EXTERNAL });

describe('a file opened by another process from t1 to t2: [t1, t2)', () => {
  it.each([
    [OPEN_AT - 1, false],
    [OPEN_AT, true],
    [CLOSE_AT - 1, true],
    [CLOSE_AT, false],
  ])('at t=%d locked: %s', (t, locked) => {
    expect(isLocked(EXCEL, '/report.xlsx', t)).toBe(locked);
    expect(readFile(EXCEL, '/report.xlsx', t, 'session-1').ok).toBe(!locked);
  });

  it('RETR at t1 fails with ERROR_SHARING_VIOLATION (32), by any session', () => {
    expect(readFile(EXCEL, '/report.xlsx', OPEN_AT, 'session-1')).toEqual(SHARING);
    expect(readFile(EXCEL, '/REPORT.XLSX', OPEN_AT, 'session-2')).toEqual(SHARING);
  });

  it.each([
    ['STOR', (fs: Fs, t: number) => writeFile(fs, '/report.xlsx', bytes('x'), t, 'create', 's1')],
    ['APPE', (fs: Fs, t: number) => writeFile(fs, '/report.xlsx', bytes('x'), t, 'append', 's1')],
    ['DELE', (fs: Fs, t: number) => remove(fs, '/report.xlsx', t, 's1')],
    ['RNFR/RNTO', (fs: Fs, t: number) => rename(fs, '/report.xlsx', '/r2.xlsx', t, { by: 's1' })],
    ['MDTM set', (fs: Fs, t: number) => setMtime(fs, '/report.xlsx', 0, t, 's1')],
    [
      'RNTO over it',
      (fs: Fs, t: number) => rename(fs, '/free.txt', '/report.xlsx', t, { replace: true, by: 's1' }),
    ],
  ])('%s is refused with 32 inside the window and allowed at t-1 and at until', (_what, op) => {
    expect(op(EXCEL, OPEN_AT)).toEqual(SHARING);
    expect(op(EXCEL, OPEN_AT - 1).ok).toBe(true);
    expect(op(EXCEL, CLOSE_AT).ok).toBe(true);
  });

  it('other files are not affected', () => {
    expect(readFile(EXCEL, '/free.txt', OPEN_AT, 's1').ok).toBe(true);
  });
});

describe('an upload in progress holds its file under the session id', () => {
  const UPLOADING = lockFile(SITE, { path: '/up.bin', from: OPEN_AT, until: null, owner: 'session-1' });

  it('another session cannot read, write or delete it (allowReadUploadsInProgress=false)', () => {
    const later = OPEN_AT + 1000 * SECOND;
    expect(isLocked(UPLOADING, '/up.bin', later, 'session-2')).toBe(true);
    expect(writeFile(UPLOADING, '/up.bin', bytes('x'), later, 'create', 'session-2')).toEqual(SHARING);
    const written = writeFile(UPLOADING, '/up.bin', bytes('data'), later, 'create', 'session-1');
    expect(written.ok).toBe(true);
    if (!written.ok) return;
    expect(readFile(written.value, '/up.bin', later, 'session-2')).toEqual(SHARING);
    expect(remove(written.value, '/up.bin', later, 'session-2')).toEqual(SHARING);
  });

  it('its own session is not stopped by its own lock', () => {
    expect(isLocked(UPLOADING, '/up.bin', OPEN_AT, 'session-1')).toBe(false);
    expect(writeFile(UPLOADING, '/up.bin', bytes('x'), OPEN_AT, 'append', 'session-1').ok).toBe(true);
  });

  it('without a writer, every holder counts (the caller must say who writes)', () => {
    expect(writeFile(UPLOADING, '/up.bin', bytes('x'), OPEN_AT, 'create')).toEqual(SHARING);
    expect(isLocked(UPLOADING, '/up.bin', OPEN_AT)).toBe(true);
  });

  it('unlockFile releases only that owner and that path', () => {
    let fs = lockFile(UPLOADING, { path: '/up.bin', from: 0, until: null, owner: 'session-2' });
    fs = unlockFile(fs, '/UP.BIN', 'session-1');
    expect(fs.locks.map((l) => l.owner)).toEqual(['session-2']);
    expect(unlockFile(fs, '/other', 'session-2')).toBe(fs);
    expect(unlockFile(fs, '/up.bin', 'session-2').locks).toEqual([]);
  });
});

describe('locks on directories', () => {
  const HELD = lockFile(SITE, { path: '/dir/inner.txt', from: 0, until: null, owner: EXTERNAL });

  it('a directory with an open file below cannot be moved: 5', () => {
    expect(rename(HELD, '/dir', '/moved', 1)).toEqual({ ok: false, win32: WIN32.ACCESS_DENIED });
  });

  it('a directory held open itself cannot be removed: 32', () => {
    const made = mkdir(SITE, '/open', 0);
    if (!made.ok) throw new Error('mkdir');
    const fs = lockFile(made.value, { path: '/open', from: 0, until: null, owner: EXTERNAL });
    expect(rmdir(fs, '/open', 1)).toEqual(SHARING);
    expect(rmdir(fs, '/open', 1, EXTERNAL).ok).toBe(true);
  });
});

describe('lock bookkeeping', () => {
  it('refuses a window that ends before it starts, or a bad path', () => {
    expect(() => lockFile(SITE, { path: '/a', from: 5, until: 4, owner: EXTERNAL })).toThrow(UsageError);
    expect(() => lockFile(SITE, { path: 'a', from: 0, until: null, owner: EXTERNAL })).toThrow(UsageError);
    expect(() => lockFile(SITE, { path: '/a', from: 0.5, until: null, owner: EXTERNAL })).toThrow(UsageError);
  });

  it('an empty window [t, t) never holds', () => {
    const fs = lockFile(SITE, { path: '/free.txt', from: OPEN_AT, until: OPEN_AT, owner: EXTERNAL });
    expect(isLocked(fs, '/free.txt', OPEN_AT)).toBe(false);
  });

  it('pruneExpired drops the windows that have ended, and nothing else', () => {
    const fs = lockFile(EXCEL, { path: '/free.txt', from: 0, until: null, owner: EXTERNAL });
    expect(pruneExpired(fs, CLOSE_AT - 1)).toBe(fs);
    expect(pruneExpired(fs, CLOSE_AT).locks.map((l) => l.path)).toEqual(['/free.txt']);
  });
});
