/**
 * Paths of the FTP site's virtual tree: the syntax of a name as NTFS and the Win32 layer accept it, and the
 * resolution of a client's argument against the session's current directory and its jail.
 *
 * Owns: name validation, canonical virtual paths ('/', '/dir', '/dir/a.txt'), `resolvePath`, the jail rule.
 * Leaves out: what exists (fs.ts), 8.3 short names, alternate data streams (a ':' is simply invalid), the
 * 260-character MAX_PATH limit of the whole path (IIS uses long-path APIs; only a single name is limited).
 *
 * A canonical path starts with '/', has no empty, '.' or '..' segment, no trailing '/' (except the root) and
 * keeps the case the client typed: NTFS compares names case-insensitively (`nameKey`), so case never
 * decides whether two paths are the same, only how a name is shown.
 */

import { UsageError } from '../../sim/errors.ts';
import { WIN32 } from './win32.ts';

export type PathResult<T> = { ok: true; value: T } | { ok: false; win32: number };

/** The longest name NTFS stores (in UTF-16 code units). */
export const MAX_NAME = 255;

/**
 * The key under which a directory holds a name: NTFS compares names case-insensitively and keeps their case.
 * We lower-case with JavaScript's Unicode case mapping; NTFS uses its own $UpCase table, which differs only
 * for a handful of characters (e.g. the Kelvin sign): a difference we accept and write down here.
 */
export function nameKey(name: string): string {
  return name.toLowerCase();
}

/** The key of a whole canonical path, for comparing paths (locks, jails). */
export function pathKey(path: string): string {
  return path.toLowerCase();
}

/** Characters Windows forbids in a name (besides the separators): `< > : " | ? *` and C0 controls. */
const FORBIDDEN = /[\u0000-\u001f<>:"|?*]/;
/** The same without the two wildcards, for the last segment of a LIST/NLST pattern. */
const FORBIDDEN_IN_PATTERN = /[\u0000-\u001f<>:"|]/;
/** DOS device names, which Win32 maps to devices whatever the folder and the extension. */
const DEVICE = /^(con|prn|aux|nul|com[1-9]|lpt[1-9])(\..*)?$/i;

/**
 * Cleans one segment as the Win32 layer does before NTFS sees it, or says why it is not a valid name.
 *
 * - Leading spaces are dropped (facts §5.7: "the space at the beginning of the file name is excluded" on IIS).
 *   INFERRED: we drop them from every segment, not only the last, since IIS passes the whole path through the
 *   same normalisation.
 * - Trailing dots and spaces are dropped, as Win32 path normalisation does (`"a.txt. "` names `a.txt`); this is
 *   why `"dir."` and `"dir"` are the same directory on Windows.
 * - A segment left empty by this (e.g. `"..."` or `". "`) is ERROR_INVALID_NAME (123). INFERRED (Win32 turns
 *   `...` into an empty name, which CreateFile rejects): we choose 123 rather than letting it alias the
 *   parent directory.
 * - NUL, C0 controls and `< > : " | ? *` → 123; so drive letters (`C:`) and stream names (`a:b`) are invalid.
 * - DOS device names (CON, NUL, COM1, LPT1.txt ...) → 123. INFERRED: Win32 would open the device itself,
 *   which a file server never lets a client reach; 123 is the error a client would see for a bad name.
 * - A name longer than 255 UTF-16 units → ERROR_FILENAME_EXCED_RANGE (206).
 */
export function cleanName(raw: string, allowWildcards = false): PathResult<string> {
  if ((allowWildcards ? FORBIDDEN_IN_PATTERN : FORBIDDEN).test(raw)) return fail(WIN32.INVALID_NAME);
  const name = raw.replace(/^ +/, '').replace(/[. ]+$/, '');
  if (name === '') return fail(WIN32.INVALID_NAME);
  if (DEVICE.test(name)) return fail(WIN32.INVALID_NAME);
  if (name.length > MAX_NAME) return fail(WIN32.FILENAME_EXCED_RANGE);
  return { ok: true, value: name };
}

/** True when a name holds the wildcards `*` or `?` (only LIST and NLST patterns may). */
export function hasWildcard(name: string): boolean {
  return name.includes('*') || name.includes('?');
}

/**
 * The segments of a canonical path: '/' → [], '/a/b' → ['a', 'b']. A path that is not canonical is the
 * caller's mistake (paths come out of `resolvePath` or are written by a scenario), so it throws.
 */
export function segmentsOf(path: string): string[] {
  if (path === '/') return [];
  if (!path.startsWith('/') || path.endsWith('/')) {
    throw new UsageError(`not a canonical site path: ${JSON.stringify(path)} (write '/' or '/dir/name')`);
  }
  const segs = path.slice(1).split('/');
  for (const s of segs) {
    if (s === '' || s === '.' || s === '..' || s.includes('\\')) {
      throw new UsageError(
        `not a canonical site path: ${JSON.stringify(path)} (empty, '.', '..' or '\\' segment)`,
      );
    }
  }
  return segs;
}

export function pathOf(segments: readonly string[]): string {
  return `/${segments.join('/')}`;
}

/** True when `path` is `dir` or below it (compared case-insensitively, by whole segments). */
export function isWithin(path: string, dir: string): boolean {
  const p = pathKey(path);
  const d = pathKey(dir);
  return d === '/' || p === d || p.startsWith(`${d}/`);
}

/** The parent of a canonical path and its last name: '/a/b' → ['/a', 'b']. The root has no parent. */
export function splitLast(path: string): [parent: string, name: string] {
  const segs = segmentsOf(path);
  const name = segs.pop();
  if (name === undefined) throw new UsageError("the root '/' has no parent");
  return [pathOf(segs), name];
}

/**
 * What the client sees of a path inside its jail: the jail itself is '/' (facts §4.5: PWD in an isolated
 * session shows '/' for the user's home). `path` must be within `jail`.
 */
export function clientPath(path: string, jail: string): string {
  if (!isWithin(path, jail)) throw new UsageError(`${path} is outside the jail ${jail}`);
  const jailLen = segmentsOf(jail).length;
  return pathOf(segmentsOf(path).slice(jailLen));
}

export interface ResolveOptions {
  /** Let the last segment hold `*` and `?` (LIST and NLST patterns). Off by default. */
  readonly wildcards?: boolean;
}

/**
 * Resolves a client's path argument to a canonical virtual path that is always inside `jail`.
 *
 * - `\` is a separator like `/` (Windows clients send both); runs of separators count as one, so a UNC form
 *   `\\server\share` is just `/server/share` inside the jail: it can never reach another host.
 * - An argument that starts with a separator is relative to the jail (the client's root), otherwise to `cwd`.
 * - `.` is dropped; `..` goes up one level but never above the jail: `..` at the jail's root stays there
 *   (as IIS, which answers `CDUP` at the root with 250 and stays at '/').
 * - Percent signs are ordinary characters: `%2e%2e` is a file named `%2e%2e`, never decoded to `..`.
 * - Every other segment is cleaned and checked by `cleanName` (123 for NUL, `:`, `*` ...; drive letters such as
 *   `C:\` are therefore invalid names, not a way out).
 * - An empty argument is the current directory; a segment of spaces alone counts as empty.
 *
 * `cwd` and `jail` are canonical and `cwd` is inside `jail` (the session's own state; otherwise it throws).
 */
export function resolvePath(
  cwd: string,
  arg: string,
  jail: string,
  opts: ResolveOptions = {},
): PathResult<string> {
  const jailSegs = segmentsOf(jail);
  const cwdSegs = segmentsOf(cwd);
  if (!isWithin(cwd, jail)) throw new UsageError(`cwd ${cwd} is outside the jail ${jail}`);
  // Leading spaces are dropped (facts §5.7), so ' /a' is '/a' and a segment of spaces alone is empty.
  const text = arg.replace(/^ +/, '').replaceAll('\\', '/');
  const out = text.startsWith('/') ? [...jailSegs] : cwdSegs;
  const raws = text.split('/');
  let last = raws.length - 1;
  while (last >= 0 && raws[last] === '') last--;
  for (let i = 0; i < raws.length; i++) {
    const raw = raws[i]!;
    if (raw === '') continue;
    const nav = raw.replace(/^ +/, '');
    if (nav === '' || nav === '.') continue;
    if (nav === '..') {
      // Never above the jail: the jail is the client's '/'.
      if (out.length > jailSegs.length) out.pop();
      continue;
    }
    const name = cleanName(raw, opts.wildcards === true && i === last);
    if (!name.ok) return name;
    out.push(name.value);
  }
  return { ok: true, value: pathOf(out) };
}

function fail(win32: number): { ok: false; win32: number } {
  return { ok: false, win32 };
}
