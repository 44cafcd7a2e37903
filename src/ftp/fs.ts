/**
 * The in-memory file system of one FTP site: an immutable tree of directories and files with NTFS's rules
 * (names compared case-insensitively and shown with their case, last-write times, the Win32 error of each
 * failing operation), plus the files held open by other processes or by uploads.
 *
 * This file is the API: the operations a session performs (RETR, STOR/APPE, MKD, RMD, DELE, RNFR/RNTO) with
 * their Win32 codes, and re-exports of the rest: the tree and lookups (fs-tree.ts), paths and names
 * (fs-path.ts), locks (fs-lock.ts), building a site (fs-build.ts).
 * Leaves out: ACLs and FTP authorization rules (the only denial is the read-only attribute and the Win32 rules
 * below), virtual directories, short names, streams, quotas and full disks, links and junctions, creation and
 * access times (only the last-write time is kept, which is what listings show).
 *
 * Times: a file's mtime is the `now` of its last write; a directory's mtime is the `now` of the last entry
 * created, deleted or renamed in it (NTFS updates a directory's last-write time then, and not when a file in it
 * is rewritten). Both come from the caller: nothing here reads a clock.
 */

import type { Time } from '../../sim/time.ts';
import { addLock, type Lock, lockedBy, lockedWithin, removeLocks } from './fs-lock.ts';
import { isWithin, nameKey, pathKey, splitLast } from './fs-path.ts';
import {
  type Attributes,
  editDir,
  type FileNode,
  type Fs,
  type FsResult,
  fail,
  lookup,
  ok,
  withChild,
  withoutChild,
} from './fs-tree.ts';
import { WIN32 } from './win32.ts';

export { type EntrySpec, type EntryValue, fsFromEntries } from './fs-build.ts';
export { EXTERNAL, type Lock, lockActive, pruneExpired } from './fs-lock.ts';
export {
  clientPath,
  hasWildcard,
  isWithin,
  nameKey,
  pathKey,
  type ResolveOptions,
  resolvePath,
  segmentsOf,
  splitLast,
} from './fs-path.ts';
export {
  type Attributes,
  compareNames,
  type DirNode,
  emptyFs,
  entries,
  type FileNode,
  type Fs,
  type FsNode,
  type FsResult,
  lookup,
  realPath,
  stat,
} from './fs-tree.ts';

// ---- reading -----------------------------------------------------------------------------------------------

/**
 * The bytes of a file. 2 or 3 when missing; ERROR_ACCESS_DENIED (5) for a directory (CreateFile on a
 * directory without backup semantics; IIS answers SIZE of a directory the same, facts §1);
 * ERROR_SHARING_VIOLATION (32) when another owner holds it open at `now` (KB 2505047, RETR of an open file).
 */
export function readFile(fs: Fs, path: string, now: Time, reader: string): FsResult<Uint8Array> {
  const found = lookup(fs, path);
  if (!found.ok) return found;
  if (found.value.kind === 'dir') return fail(WIN32.ACCESS_DENIED);
  if (lockedBy(fs, path, now, reader)) return fail(WIN32.SHARING_VIOLATION);
  return ok(found.value.data);
}

// ---- updates -----------------------------------------------------------------------------------------------

/**
 * Writes a file: 'create' replaces its content (STOR), 'append' adds to it (APPE); both create a missing file.
 * 3 when the parent directory is missing; 5 when the path is a directory, the root, or a read-only file;
 * 32 when someone other than `writer` holds the file open at `now` (every holder when `writer` is omitted).
 * A replaced file keeps the case of its existing name, as NTFS does.
 */
export function writeFile(
  fs: Fs,
  path: string,
  data: Uint8Array,
  now: Time,
  mode: 'create' | 'append',
  writer?: string,
): FsResult<Fs> {
  if (path === '/') return fail(WIN32.ACCESS_DENIED);
  const [parent, name] = splitLast(path);
  return editDir(fs, parent, (dir) => {
    const old = dir.children.get(nameKey(name));
    if (old?.kind === 'dir' || old?.readOnly) return fail(WIN32.ACCESS_DENIED);
    if (lockedBy(fs, path, now, writer)) return fail(WIN32.SHARING_VIOLATION);
    const bytes = mode === 'append' && old ? concat(old.data, data) : data.slice();
    const file: FileNode = { ...old, kind: 'file', name: old?.name ?? name, data: bytes, mtime: now };
    // NTFS: rewriting a file does not touch its directory's last-write time; creating one does.
    return ok(withChild(dir, file, old ? dir.mtime : now));
  });
}

/** MKD: 183 when the name exists (file or directory), 3 when the parent is missing. */
export function mkdir(fs: Fs, path: string, now: Time): FsResult<Fs> {
  if (path === '/') return fail(WIN32.ALREADY_EXISTS);
  const [parent, name] = splitLast(path);
  return editDir(fs, parent, (dir) => {
    if (dir.children.has(nameKey(name))) return fail(WIN32.ALREADY_EXISTS);
    return ok(withChild(dir, { kind: 'dir', name, mtime: now, children: new Map() }, now));
  });
}

/**
 * RMD: 2/3 when missing; ERROR_DIRECTORY (267) for a file; ERROR_DIR_NOT_EMPTY (145) when it has entries;
 * 5 for the root or a read-only directory; 32 when the directory itself is held open at `now`.
 */
export function rmdir(fs: Fs, path: string, now: Time, by?: string): FsResult<Fs> {
  if (path === '/') return fail(WIN32.ACCESS_DENIED);
  const [parent, name] = splitLast(path);
  return editDir(fs, parent, (dir) => {
    const node = dir.children.get(nameKey(name));
    if (node === undefined) return fail(WIN32.FILE_NOT_FOUND);
    if (node.kind !== 'dir') return fail(WIN32.DIRECTORY);
    if (node.children.size > 0) return fail(WIN32.DIR_NOT_EMPTY);
    if (node.readOnly) return fail(WIN32.ACCESS_DENIED);
    if (lockedBy(fs, path, now, by)) return fail(WIN32.SHARING_VIOLATION);
    return ok(withoutChild(dir, name, now));
  });
}

/** DELE: 2/3 when missing; 5 for a directory (DeleteFile on a directory) or a read-only file; 32 when held open. */
export function remove(fs: Fs, path: string, now: Time, by?: string): FsResult<Fs> {
  if (path === '/') return fail(WIN32.ACCESS_DENIED);
  const [parent, name] = splitLast(path);
  return editDir(fs, parent, (dir) => {
    const node = dir.children.get(nameKey(name));
    if (node === undefined) return fail(WIN32.FILE_NOT_FOUND);
    if (node.kind === 'dir' || node.readOnly) return fail(WIN32.ACCESS_DENIED);
    if (lockedBy(fs, path, now, by)) return fail(WIN32.SHARING_VIOLATION);
    return ok(withoutChild(dir, name, now));
  });
}

export interface RenameOptions {
  /** ftpServer/fileHandling allowReplaceOnRename (default false, facts §4.3): RNTO may replace a file. */
  readonly replace?: boolean;
  /** The session renaming: its own locks do not stop it. */
  readonly by?: string;
}

/**
 * RNFR/RNTO (MoveFileEx). Source: 2/3 when missing, 5 for the root. Target: 3 when its directory is missing;
 * 183 when the name exists (unless `replace` and both are files; a read-only or open target is then 5 or 32).
 * 32 when the source is held open; 5 when a directory to move holds an open file (Windows refuses to move a
 * directory with open handles below it). INFERRED: moving a directory into itself or below itself gives 32,
 * the code MoveFileEx returns for it. Renaming to the same name in another case changes only the case.
 * The moved node keeps its own mtime; both directories get `now`.
 */
export function rename(fs: Fs, from: string, to: string, now: Time, opts: RenameOptions = {}): FsResult<Fs> {
  if (from === '/') return fail(WIN32.ACCESS_DENIED);
  const found = lookup(fs, from);
  if (!found.ok) return found;
  const node = found.value;
  if (lockedBy(fs, from, now, opts.by)) return fail(WIN32.SHARING_VIOLATION);
  if (node.kind === 'dir' && lockedWithin(fs, from, now, opts.by)) return fail(WIN32.ACCESS_DENIED);
  if (to === '/') return fail(WIN32.ALREADY_EXISTS);
  if (node.kind === 'dir' && isWithin(to, from) && pathKey(to) !== pathKey(from)) {
    return fail(WIN32.SHARING_VIOLATION);
  }
  const [fromParent, fromName] = splitLast(from);
  const [toParent, toName] = splitLast(to);
  if (pathKey(from) === pathKey(to)) {
    // Same entry: only the case of the name changes.
    return editDir(fs, fromParent, (dir) => ok(withChild(dir, { ...node, name: toName }, now)));
  }
  const target = lookup(fs, toParent);
  if (!target.ok || target.value.kind !== 'dir') return fail(WIN32.PATH_NOT_FOUND);
  const existing = target.value.children.get(nameKey(toName));
  if (existing !== undefined) {
    if (!opts.replace) return fail(WIN32.ALREADY_EXISTS);
    if (existing.kind === 'dir' || node.kind === 'dir' || existing.readOnly) return fail(WIN32.ACCESS_DENIED);
    if (lockedBy(fs, to, now, opts.by)) return fail(WIN32.SHARING_VIOLATION);
  }
  const removed = editDir(fs, fromParent, (dir) => ok(withoutChild(dir, fromName, now)));
  if (!removed.ok) return removed;
  return editDir(removed.value, toParent, (dir) => ok(withChild(dir, { ...node, name: toName }, now)));
}

/**
 * MDTM with a time (`MDTM 20170619124726 file`, facts §1): sets a file's last-write time (SetFileTime).
 * 2/3 when missing; 5 for a directory (INFERRED: IIS opens the target as a file, as for SIZE); 32 when someone
 * other than `by` holds it open at `now`. The read-only attribute does not stop it: SetFileTime needs only
 * FILE_WRITE_ATTRIBUTES, which that attribute leaves allowed. Its directory's time does not change.
 */
export function setMtime(fs: Fs, path: string, mtime: Time, now: Time, by?: string): FsResult<Fs> {
  if (path === '/') return fail(WIN32.ACCESS_DENIED);
  const [parent, name] = splitLast(path);
  return editDir(fs, parent, (dir) => {
    const node = dir.children.get(nameKey(name));
    if (node === undefined) return fail(WIN32.FILE_NOT_FOUND);
    if (node.kind === 'dir') return fail(WIN32.ACCESS_DENIED);
    if (lockedBy(fs, path, now, by)) return fail(WIN32.SHARING_VIOLATION);
    return ok(withChild(dir, { ...node, mtime }, dir.mtime));
  });
}

/** Sets or clears attributes (no time changes, as on NTFS where attributes are not a write). */
export function setAttributes(fs: Fs, path: string, attrs: Attributes): FsResult<Fs> {
  if (path === '/') return ok({ ...fs, root: { ...fs.root, ...attrs } });
  const [parent, name] = splitLast(path);
  return editDir(fs, parent, (dir) => {
    const node = dir.children.get(nameKey(name));
    if (node === undefined) return fail(WIN32.FILE_NOT_FOUND);
    return ok(withChild(dir, { ...node, ...attrs }, dir.mtime));
  });
}

// ---- locks -------------------------------------------------------------------------------------------------

/** Holds `lock.path` open for `lock.owner` over [from, until). See fs-lock.ts. */
export function lockFile(fs: Fs, lock: Lock): Fs {
  return addLock(fs, lock);
}

/** Releases every lock `owner` holds on `path`. */
export function unlockFile(fs: Fs, path: string, owner: string): Fs {
  return removeLocks(fs, path, owner);
}

/** True when anyone other than `by` holds `path` open at `now`. */
export function isLocked(fs: Fs, path: string, now: Time, by?: string): boolean {
  return lockedBy(fs, path, now, by);
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}
