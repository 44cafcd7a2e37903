/**
 * The in-memory file system of one FTP site: an immutable tree of directories and files with NTFS's rules
 * (names compared case-insensitively and shown with their case, last-write times, the Win32 errors of each
 * operation), plus the files held open by other processes or by uploads (fs-lock.ts).
 *
 * Owns: the tree, its operations and their Win32 error codes. Paths and names: fs-path.ts. Locks: fs-lock.ts.
 * Leaves out: ACLs and FTP authorization rules (the only denial is the read-only attribute and the Win32 rules
 * below), virtual directories, short names, streams, quotas and full disks, links and junctions, creation and
 * access times (only the last-write time is kept, which is what listings show).
 *
 * Values are never mutated: every update returns a new Fs that shares every untouched subtree with the old one
 * (an update rebuilds only the directories on the path from the root to the change). This is plain path
 * copying rather than immer: the tree holds Maps (immer needs its MapSet plugin, enabled process-wide) and
 * one recursive `updateDir` is shorter and about ten times faster than a draft for the one-path edits made here.
 *
 * Times: a file's mtime is the `now` of its last write; a directory's mtime is the `now` of the last entry
 * created, deleted or renamed in it (NTFS updates a directory's last-write time then, and not when a file in it
 * is rewritten). Both come from the caller: nothing here reads a clock.
 */

import { UsageError } from '../../sim/errors.ts';
import type { Time } from '../../sim/time.ts';
import { addLock, type Lock, lockedBy, lockedWithin, removeLocks } from './fs-lock.ts';
import { cleanName, isWithin, nameKey, pathKey, pathOf, segmentsOf, splitLast } from './fs-path.ts';
import { WIN32 } from './win32.ts';

export type { Lock } from './fs-lock.ts';
export { EXTERNAL, lockActive, pruneExpired } from './fs-lock.ts';
export type { ResolveOptions } from './fs-path.ts';
export {
  clientPath,
  hasWildcard,
  isWithin,
  nameKey,
  pathKey,
  resolvePath,
  segmentsOf,
  splitLast,
} from './fs-path.ts';

/** Attributes a scenario may set. `hidden` hides a name from LIST and plain NLST (see listing.ts). */
interface Attributes {
  readonly hidden?: boolean;
  /** FILE_ATTRIBUTE_READONLY: a file cannot be written, appended or deleted; a directory cannot be removed. */
  readonly readOnly?: boolean;
}

export interface FileNode extends Attributes {
  readonly kind: 'file';
  readonly name: string;
  /** The file's bytes. Owned by the Fs: never mutate it (writeFile copies what it is given). */
  readonly data: Uint8Array;
  readonly mtime: Time;
}

export interface DirNode extends Attributes {
  readonly kind: 'dir';
  readonly name: string;
  readonly mtime: Time;
  /** Key: `nameKey(name)`, the name lower-cased (NTFS compares case-insensitively; names keep their case). */
  readonly children: ReadonlyMap<string, FsNode>;
}

export type FsNode = FileNode | DirNode;

export interface Fs {
  readonly root: DirNode;
  readonly locks: readonly Lock[];
}

export type FsResult<T> = { ok: true; value: T } | { ok: false; win32: number };

const ok = <T>(value: T): FsResult<T> => ({ ok: true, value });
const fail = (win32: number): { ok: false; win32: number } => ({ ok: false, win32 });

export function emptyFs(now: Time): Fs {
  return { root: { kind: 'dir', name: '', mtime: now, children: new Map() }, locks: [] };
}

// ---- lookup ------------------------------------------------------------------------------------------------

/** The node at a canonical path, or undefined when nothing is there. */
export function stat(fs: Fs, path: string): FsNode | undefined {
  const found = lookup(fs, path);
  return found.ok ? found.value : undefined;
}

/**
 * The node at a path, or why not: ERROR_PATH_NOT_FOUND (3) when a directory on the way is missing or is a
 * file, ERROR_FILE_NOT_FOUND (2) when only the last name is missing (as CreateFile reports them).
 */
export function lookup(fs: Fs, path: string): FsResult<FsNode> {
  let node: FsNode = fs.root;
  const segs = segmentsOf(path);
  for (let i = 0; i < segs.length; i++) {
    if (node.kind !== 'dir') return fail(WIN32.PATH_NOT_FOUND);
    const next = node.children.get(nameKey(segs[i]!));
    if (next === undefined) return fail(i === segs.length - 1 ? WIN32.FILE_NOT_FOUND : WIN32.PATH_NOT_FOUND);
    node = next;
  }
  return ok(node);
}

/** The path with every existing name in its stored case: '/docs/A.TXT' → '/Docs/a.txt'. */
export function realPath(fs: Fs, path: string): string {
  const out: string[] = [];
  let node: FsNode | undefined = fs.root;
  for (const seg of segmentsOf(path)) {
    node = node?.kind === 'dir' ? node.children.get(nameKey(seg)) : undefined;
    out.push(node?.name ?? seg);
  }
  return pathOf(out);
}

/**
 * The entries of a directory in the order NTFS enumerates them: by name, compared case-insensitively code
 * unit by code unit after upper-casing (NTFS orders its B+ tree index with the $UpCase table), so 'a.txt'
 * comes before 'B.txt' and '_x' after both ('_' is 0x5F, after 'Z').
 */
export function entries(dir: DirNode): FsNode[] {
  return [...dir.children.values()].sort((a, b) => compareNames(a.name, b.name));
}

export function compareNames(a: string, b: string): number {
  const x = a.toUpperCase();
  const y = b.toUpperCase();
  return x < y ? -1 : x > y ? 1 : 0;
}

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

// ---- building ----------------------------------------------------------------------------------------------

/** A file or directory for `fsFromEntries` with its attributes and time spelled out. */
export interface EntrySpec extends Attributes {
  /** Content of a file (a string is UTF-8). Omit for a directory. */
  readonly data?: string | Uint8Array;
  readonly dir?: boolean;
  /** Last-write time; `now` by default. May be negative (before the epoch), e.g. for an old file in a listing. */
  readonly mtime?: Time;
}

/**
 * Builds a site from a flat description: `{ 'dir/a.txt': 'content', 'dir/sub/': null, 'b.bin': bytes }`.
 * Keys are paths relative to the root ('/' separators; a leading '/' is allowed); null or a trailing '/' is a
 * directory; parents are created as needed. Names follow the same rules as the client's (fs-path.ts); a
 * name that Windows would refuse, a clash of two names that differ only by case, or a file where a directory is
 * needed is a scenario error that names the key.
 */
export function fsFromEntries(
  entries: Record<string, string | Uint8Array | EntrySpec | null>,
  now: Time,
): Fs {
  let fs = emptyFs(now);
  const seen = new Map<string, string>();
  for (const [key, value] of Object.entries(entries)) {
    const spec = toSpec(key, value);
    const segs = key.split('/').filter((s) => s !== '');
    if (segs.length === 0)
      throw new UsageError(`site entry ${JSON.stringify(key)}: names no file or directory`);
    const names = segs.map((s) => {
      const n = cleanName(s);
      if (!n.ok || n.value !== s) {
        throw new UsageError(
          `site entry ${JSON.stringify(key)}: ${JSON.stringify(s)} is not a valid Windows name`,
        );
      }
      return n.value;
    });
    const path = pathOf(names);
    const clash = seen.get(pathKey(path));
    if (clash !== undefined) {
      throw new UsageError(
        `site entry ${JSON.stringify(key)}: same name as ${JSON.stringify(clash)} (NTFS ignores case)`,
      );
    }
    seen.set(pathKey(path), key);
    fs = place(fs, key, names, spec, now);
  }
  return fs;
}

function toSpec(key: string, value: string | Uint8Array | EntrySpec | null): EntrySpec {
  const isDirKey = key.endsWith('/');
  if (value === null) return { dir: true };
  if (typeof value === 'string' || value instanceof Uint8Array) {
    if (isDirKey)
      throw new UsageError(`site entry ${JSON.stringify(key)}: a directory (trailing '/') has no content`);
    return { data: value };
  }
  if (isDirKey && value.data !== undefined) {
    throw new UsageError(`site entry ${JSON.stringify(key)}: a directory (trailing '/') has no content`);
  }
  return isDirKey ? { ...value, dir: true } : value;
}

function place(fs: Fs, key: string, names: string[], spec: EntrySpec, now: Time): Fs {
  const mtime = spec.mtime ?? now;
  const attrs: Attributes = { hidden: spec.hidden, readOnly: spec.readOnly };
  const clean = Object.fromEntries(Object.entries(attrs).filter(([, v]) => v !== undefined));
  const leaf: FsNode = spec.dir
    ? { ...clean, kind: 'dir', name: names.at(-1)!, mtime, children: new Map() }
    : { ...clean, kind: 'file', name: names.at(-1)!, mtime, data: toBytes(spec.data ?? '') };
  const build = (dir: DirNode, i: number): DirNode => {
    const k = nameKey(names[i]!);
    const existing = dir.children.get(k);
    if (i === names.length - 1) {
      // A directory made implicitly by an earlier key may be described afterwards: keep its children.
      if (existing?.kind === 'dir' && leaf.kind === 'dir') {
        return withChild(dir, { ...leaf, children: existing.children }, dir.mtime);
      }
      if (existing?.kind === 'dir') {
        throw new UsageError(
          `site entry ${JSON.stringify(key)}: ${JSON.stringify(existing.name)} is a directory already`,
        );
      }
      return withChild(dir, leaf, dir.mtime);
    }
    if (existing?.kind === 'file') {
      throw new UsageError(
        `site entry ${JSON.stringify(key)}: ${JSON.stringify(existing.name)} is a file, not a directory`,
      );
    }
    const sub: DirNode = existing ?? { kind: 'dir', name: names[i]!, mtime: now, children: new Map() };
    return withChild(dir, build(sub, i + 1), dir.mtime);
  };
  return { ...fs, root: build(fs.root, 0) };
}

// ---- tree plumbing -----------------------------------------------------------------------------------------

/**
 * Applies `edit` to the directory at `path` and rebuilds the directories above it (path copying).
 * A missing directory, or a file on the way, is ERROR_PATH_NOT_FOUND (3).
 */
function editDir(fs: Fs, path: string, edit: (dir: DirNode) => FsResult<DirNode>): FsResult<Fs> {
  const segs = segmentsOf(path);
  const go = (dir: DirNode, i: number): FsResult<DirNode> => {
    if (i === segs.length) return edit(dir);
    const child = dir.children.get(nameKey(segs[i]!));
    if (child?.kind !== 'dir') return fail(WIN32.PATH_NOT_FOUND);
    const next = go(child, i + 1);
    return next.ok ? ok(withChild(dir, next.value, dir.mtime)) : next;
  };
  const root = go(fs.root, 0);
  return root.ok ? ok({ ...fs, root: root.value }) : root;
}

function withChild(dir: DirNode, child: FsNode, mtime: Time): DirNode {
  const children = new Map(dir.children);
  children.set(nameKey(child.name), child);
  return { ...dir, mtime, children };
}

function withoutChild(dir: DirNode, name: string, mtime: Time): DirNode {
  const children = new Map(dir.children);
  children.delete(nameKey(name));
  return { ...dir, mtime, children };
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}

const UTF8 = new TextEncoder();

function toBytes(data: string | Uint8Array): Uint8Array {
  return typeof data === 'string' ? UTF8.encode(data) : data.slice();
}
