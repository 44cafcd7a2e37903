/**
 * Directory listings of the FTP site: the text that LIST and NLST send on the data connection.
 *
 * Owns: the MS-DOS and UNIX line formats (facts §2.1, §2.2), NLST names and options (KB 2505047, facts §1 and
 * §2.3), wildcard patterns, hidden entries, order. Leaves out: the data connection and the 1xx/226 replies
 * (the session), virtual directories (ftpServer/directoryBrowse DisplayVirtualDirectories), the
 * DisplayAvailableBytes flag, and time zones: the model's server runs in UTC, so its "local time" listings and
 * its UseGmtTime listings are the same.
 *
 * Choices where the sources are silent, each INFERRED:
 * - Order: NTFS's enumeration order, by name case-insensitively (see `entries` in fs.ts). IIS lists in the order
 *   FindNextFile returns, which on NTFS is that order; there is no other sort except NLST -t/-r under iis6.
 * - Hidden: a name is hidden only when a scenario marks it (the FILE_ATTRIBUTE_HIDDEN bit); LIST and plain NLST
 *   leave hidden names out; NLST -A shows them; NLST -a shows them and also '.' and '..', the two entries NTFS
 *   enumerates in every directory but a volume root (and a site's root is never a volume root here).
 * - LIST takes ls-style flags and ignores them (facts §1, `ls -alr` gives the normal listing).
 * - Lines end in CRLF: a listing is ASCII-mode data.
 */

import { assertNever } from '../../sim/errors.ts';
import type { Time } from '../../sim/time.ts';
import { civil, pad2, SITE_EPOCH_MS } from './calendar.ts';
import {
  type DirNode,
  entries,
  type Fs,
  type FsNode,
  type FsResult,
  hasWildcard,
  lookup,
  splitLast,
} from './fs.ts';
import { WIN32 } from './win32.ts';

export type ListStyle = 'msdos' | 'unix';
export type Profile = 'ftp75' | 'iis6';

export interface ListingOptions {
  /** Simulated time 0 as milliseconds since the Unix epoch (default 2026-01-01T00:00:00Z). */
  readonly epochMs?: number;
  /** ftpServer/directoryBrowse showFlags LongDate: MS-DOS dates with four-digit years. */
  readonly longDate?: boolean;
  /** The style of `NLST -l` lines (LIST takes its style as an argument). Default 'msdos'. */
  readonly style?: ListStyle;
}

const CRLF = '\r\n';

/**
 * The full LIST output for a resolved path: every entry of a directory, or the one line of a file (facts §1,
 * `mdir hello.txt`), or the entries a wildcard pattern matches. `args` holds the ls-style flags the client
 * sent, accepted and ignored. 2/3 when nothing is there (also when a pattern matches nothing).
 */
export function listLines(
  fs: Fs,
  path: string,
  _args: string, // FTP 7.5 accepts ls-style flags on LIST and ignores them (facts §1).
  style: ListStyle,
  now: Time,
  opts: ListingOptions = {},
): FsResult<string> {
  const found = select(fs, path);
  if (!found.ok) return found;
  const nodes = visible(found.value, false);
  if (nodes === undefined) return { ok: false, win32: WIN32.FILE_NOT_FOUND };
  return { ok: true, value: nodes.map((n) => `${longLine(n, n.name, style, now, opts)}${CRLF}`).join('') };
}

/** One MS-DOS line (facts §2.1): `02-03-19  08:05AM       <DIR>          Documents`, name at column 39. */
export function msdosLine(node: FsNode, name: string, epochMs = SITE_EPOCH_MS, longDate = false): string {
  const c = civil(node.mtime, epochMs);
  const year = longDate ? String(c.year).padStart(4, '0') : pad2(c.year % 100);
  const hour12 = c.hour % 12 === 0 ? 12 : c.hour % 12;
  const stamp = `${pad2(c.month)}-${pad2(c.day)}-${year}  ${pad2(hour12)}:${pad2(c.minute)}${c.hour < 12 ? 'AM' : 'PM'}`;
  // Directory: 7 spaces, <DIR> at columns 24-28, 10 spaces. File: size right-aligned to column 37, 1 space.
  // INFERRED (facts §2.1): with LongDate the date is two columns wider and everything after it moves along.
  const size = node.kind === 'dir' ? `       <DIR>          ` : `${String(node.data.length).padStart(21)} `;
  return `${stamp}${size}${name}`;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/**
 * Six months, as ls counts them (365.2425 / 2 days). INFERRED (facts §2.2 "older than ~6 months"): an entry is
 * shown with its time when it is at most this old and not in the future, else with its year.
 */
export const RECENT = (365.2425 / 2) * 86_400 * 1_000_000_000;

/**
 * One UNIX line (facts §2.2): `-rwxrwxrwx   1 owner    group           11069 Jun 15  2024 index.html`, size
 * ending at column 44, date at 46, name at 59. Permissions: `r--r--r--` for a read-only entry, `rwxrwxrwx`
 * otherwise (IIS derives them from the user's access; the model's only access rule is the read-only bit).
 */
export function unixLine(node: FsNode, name: string, now: Time, epochMs = SITE_EPOCH_MS): string {
  const perms = (node.kind === 'dir' ? 'd' : '-') + (node.readOnly ? 'r--r--r--' : 'rwxrwxrwx');
  const size = node.kind === 'dir' ? 0 : node.data.length;
  const c = civil(node.mtime, epochMs);
  const recent = node.mtime <= now && now - node.mtime <= RECENT;
  // Hours are space-padded in the time form: 'Dec  5  0:45' (facts §2.2, commons-net test line).
  const tail = recent ? `${String(c.hour).padStart(2)}:${pad2(c.minute)}` : ` ${String(c.year).padStart(4)}`;
  const date = `${MONTHS[c.month - 1]} ${String(c.day).padStart(2)} ${tail}`;
  return `${perms}   1 owner    group ${String(size).padStart(15)} ${date} ${name}`;
}

function longLine(node: FsNode, name: string, style: ListStyle, now: Time, opts: ListingOptions): string {
  return style === 'unix'
    ? unixLine(node, name, now, opts.epochMs)
    : msdosLine(node, name, opts.epochMs, opts.longDate === true);
}

/** What a path names: a directory's entries, one file, or the entries a pattern in its last segment matches. */
type Selection =
  | { kind: 'dir'; dir: DirNode; nodes: FsNode[] }
  | { kind: 'file'; nodes: FsNode[] }
  | { kind: 'pattern'; nodes: FsNode[] };

/**
 * The nodes a selection shows: hidden entries only when asked for, or when the client named the file itself.
 * Undefined when a pattern matches nothing visible (FindFirstFile's ERROR_FILE_NOT_FOUND).
 */
function visible(sel: Selection, showHidden: boolean): FsNode[] | undefined {
  const nodes = sel.kind === 'file' || showHidden ? sel.nodes : sel.nodes.filter((n) => !n.hidden);
  return sel.kind === 'pattern' && nodes.length === 0 ? undefined : nodes;
}

function select(fs: Fs, path: string): FsResult<Selection> {
  if (path !== '/') {
    const [parent, last] = splitLast(path);
    if (hasWildcard(last)) {
      // The directory of a pattern must exist: anything missing on the way is a missing path (3).
      const dir = lookup(fs, parent);
      if (!dir.ok || dir.value.kind !== 'dir') return { ok: false, win32: WIN32.PATH_NOT_FOUND };
      const nodes = entries(dir.value).filter((n) => matchWildcard(last, n.name));
      return { ok: true, value: { kind: 'pattern', nodes } };
    }
  }
  const found = lookup(fs, path);
  if (!found.ok) return found;
  const node = found.value;
  return node.kind === 'dir'
    ? { ok: true, value: { kind: 'dir', dir: node, nodes: entries(node) } }
    : { ok: true, value: { kind: 'file', nodes: [node] } };
}

/**
 * FindFirstFile-style matching, case-insensitive: `*` any run of characters, `?` any one character. As on
 * Windows, `*.*` matches every name, with or without a dot. INFERRED: the other DOS quirks (`?` matching nothing
 * before a dot, `<` `>` `"` wildcards) are left out; FTP clients send `*` and `?` only.
 */
export function matchWildcard(pattern: string, name: string): boolean {
  const p = pattern === '*.*' ? '*' : pattern.toUpperCase();
  const n = name.toUpperCase();
  let pi = 0;
  let ni = 0;
  let star = -1;
  let mark = 0;
  while (ni < n.length) {
    if (pi < p.length && (p[pi] === '?' || p[pi] === n[ni])) {
      pi++;
      ni++;
    } else if (pi < p.length && p[pi] === '*') {
      star = pi++;
      mark = ni;
    } else if (star >= 0) {
      pi = star + 1;
      ni = ++mark;
    } else {
      return false;
    }
  }
  while (pi < p.length && p[pi] === '*') pi++;
  return pi === p.length;
}

// ---- NLST ---------------------------------------------------------------------------------------------------

/** The NLST options a profile honours. KB 2505047: FTP 7.5 takes only -C -1 -l -F -a -A; -r and -t "no longer work". */
const HONOURED: Readonly<Record<Profile, string>> = { ftp75: 'C1lFaA', iis6: 'C1lFaArt' };

interface NlstFlags {
  format: 'single' | 'columns' | 'long';
  classify: boolean;
  all: boolean;
  almostAll: boolean;
  reverse: boolean;
  byTime: boolean;
}

/**
 * Reads NLST options ('-la -F', '-1'): every token that starts with '-' is a run of one-letter flags. Flags the
 * profile does not honour, and unknown ones, are ignored (INFERRED, facts §2.3: the KB says they "no longer
 * work", not that they are refused). Of -1, -C and -l the last one wins, as in ls.
 */
export function parseNlstOptions(options: string, profile: Profile): NlstFlags {
  const flags: NlstFlags = {
    format: 'single',
    classify: false,
    all: false,
    almostAll: false,
    reverse: false,
    byTime: false,
  };
  for (const token of options.split(/\s+/)) {
    if (!token.startsWith('-') || token.startsWith('--')) continue;
    for (const f of token.slice(1)) {
      if (!HONOURED[profile].includes(f)) continue;
      if (f === '1') flags.format = 'single';
      else if (f === 'C') flags.format = 'columns';
      else if (f === 'l') flags.format = 'long';
      else if (f === 'F') flags.classify = true;
      else if (f === 'a') flags.all = true;
      else if (f === 'A') flags.almostAll = true;
      else if (f === 'r') flags.reverse = true;
      else if (f === 't') flags.byTime = true;
    }
  }
  return flags;
}

/**
 * The NLST output for a resolved path. Without an argument the names are bare; with one they are prefixed
 * with the argument as the client typed it (facts §1, VERIFIED: `NLST /` gives `/file.txt`, `NLST test01/`
 * gives `test01/test01.txt`). INFERRED: a directory argument without a trailing separator gets '/' added
 * (`NLST test01` → `test01/test01.txt`); a pattern keeps what precedes its last separator (`NLST sub/*.txt`
 * → `sub/a.txt`); a file argument is echoed as typed. `-l` gives listing lines, which carry bare names as
 * LIST's do, in `opts.style`.
 */
export function nlstLines(
  fs: Fs,
  path: string,
  argAsTyped: string,
  options: string,
  profile: Profile,
  now: Time,
  opts: ListingOptions = {},
): FsResult<string> {
  const flags = parseNlstOptions(options, profile);
  const found = select(fs, path);
  if (!found.ok) return found;
  const sel = found.value;
  const nodes = visible(sel, flags.all || flags.almostAll);
  if (nodes === undefined) return { ok: false, win32: WIN32.FILE_NOT_FOUND };
  const prefix = nlstPrefix(sel.kind, argAsTyped);
  let items: NlstItem[] = nodes.map((node) => ({
    node,
    bare: node.name,
    shown: sel.kind === 'file' && argAsTyped !== '' ? argAsTyped : prefix + node.name,
  }));
  // iis6 only (parseNlstOptions drops them for ftp75). Array.prototype.sort is stable: equal times keep name order.
  if (flags.byTime) items.sort((a, b) => b.node.mtime - a.node.mtime);
  if (flags.reverse) items.reverse();
  if (sel.kind === 'dir' && flags.all) {
    const dots = ['.', '..'].map((d) => ({ node: sel.dir, bare: d, shown: prefix + d }));
    items = flags.reverse ? [...items, ...dots.reverse()] : [...dots, ...items];
  }
  const mark = (it: NlstItem, name: string) => (flags.classify && it.node.kind === 'dir' ? `${name}/` : name);
  switch (flags.format) {
    case 'single':
      return { ok: true, value: items.map((it) => `${mark(it, it.shown)}${CRLF}`).join('') };
    case 'long': {
      const style = opts.style ?? 'msdos';
      const lines = items.map((it) => `${longLine(it.node, mark(it, it.bare), style, now, opts)}${CRLF}`);
      return { ok: true, value: lines.join('') };
    }
    case 'columns':
      return { ok: true, value: columns(items.map((it) => mark(it, it.shown))) };
    default:
      return assertNever(flags.format, 'NLST format');
  }
}

/** One NLST entry: the name as NLST sends it (`shown`, prefixed) and as a `-l` line shows it (`bare`). */
interface NlstItem {
  readonly node: FsNode;
  readonly bare: string;
  readonly shown: string;
}

function nlstPrefix(kind: Selection['kind'], arg: string): string {
  switch (kind) {
    case 'file':
      return '';
    case 'pattern': {
      const cut = Math.max(arg.lastIndexOf('/'), arg.lastIndexOf('\\'));
      return arg.slice(0, cut + 1);
    }
    case 'dir':
      return arg === '' || arg.endsWith('/') || arg.endsWith('\\') ? arg : `${arg}/`;
    default:
      return assertNever(kind, 'selection');
  }
}

/** Width of the page `ls -C` fills. INFERRED: 80 columns, the width ls assumes without a terminal. */
export const COLUMNS_WIDTH = 80;

/**
 * `ls -C` layout (INFERRED, facts §2.3 "multi-column output"): names sorted down the columns then across,
 * every column as wide as the longest name plus two spaces, as many columns as fit in 80 characters, no
 * trailing spaces.
 */
function columns(names: string[]): string {
  if (names.length === 0) return '';
  const width = names.reduce((w, n) => Math.max(w, n.length), 0) + 2;
  const cols = Math.max(1, Math.floor((COLUMNS_WIDTH + 2) / width));
  const rows = Math.ceil(names.length / cols);
  const lines: string[] = [];
  for (let r = 0; r < rows; r++) {
    let line = '';
    for (let c = 0; c < cols; c++) {
      const n = names[c * rows + r];
      if (n !== undefined) line += n.padEnd(width);
    }
    lines.push(line.trimEnd());
  }
  return lines.map((l) => `${l}${CRLF}`).join('');
}
