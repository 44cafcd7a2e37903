/**
 * Building a site's file system from a scenario's flat description. Re-exported by fs.ts.
 *
 * Owns: `fsFromEntries` and the checks that make a bad description a scenario error naming its key.
 * The tree is assembled in mutable Maps that nobody else can see, then handed out as the immutable tree:
 * linear in the number of entries (building 11,000 entries through the update path was quadratic, 6 s).
 */

import { UsageError } from '../../sim/errors.ts';
import type { Time } from '../../sim/time.ts';
import { cleanName, nameKey } from './fs-path.ts';
import type { Attributes, DirNode, FileNode, Fs, FsNode } from './fs-tree.ts';

/** A file or directory for `fsFromEntries` with its attributes and time spelled out. */
export interface EntrySpec extends Attributes {
  /** Content of a file (a string is UTF-8). Omit for a directory. */
  readonly data?: string | Uint8Array;
  readonly dir?: boolean;
  /**
   * Last-write time; `now` by default. May be negative (before the epoch), e.g. for an old file in a listing.
   * Times more than 104 days from the epoch exceed 2^53 ns and are exact only to tens of nanoseconds, which no
   * listing (to the minute) or log (to the second) can show.
   */
  readonly mtime?: Time;
}

export type EntryValue = string | Uint8Array | EntrySpec | null;

/** A directory under construction. */
interface Draft {
  name: string;
  mtime: Time;
  attrs: Attributes;
  /** Named by a key of its own (not only made as the parent of another). */
  described: boolean;
  children: Map<string, Draft | FileNode>;
}

/**
 * Builds a site from a flat description: `{ 'dir/a.txt': 'content', 'dir/sub/': null, 'b.bin': bytes }`.
 * Keys are paths relative to the root ('/' separators; a leading '/' is allowed); null or a trailing '/' is a
 * directory; an EntrySpec gives a time or attributes; parents are created as needed, with time `now`. Names
 * follow the rules a client's names follow (fs-path.ts), and must be written the way they are stored (no
 * leading spaces, no trailing dots). A name Windows would refuse, two names that differ only by case, a file
 * where a directory is needed, or a directory described twice is a scenario error that names the key.
 */
export function fsFromEntries(entries: Record<string, EntryValue>, now: Time): Fs {
  const root: Draft = { name: '', mtime: now, attrs: {}, described: true, children: new Map() };
  for (const [key, value] of Object.entries(entries)) {
    const spec = toSpec(key, value);
    const names = namesOf(key);
    const bad = (why: string) => new UsageError(`site entry ${JSON.stringify(key)}: ${why}`);
    let dir = root;
    for (const name of names.slice(0, -1)) {
      const next = dir.children.get(nameKey(name));
      if (next === undefined) {
        const made: Draft = { name, mtime: now, attrs: {}, described: false, children: new Map() };
        dir.children.set(nameKey(name), made);
        dir = made;
      } else if ('kind' in next) {
        throw bad(`${JSON.stringify(next.name)} is a file, not a directory`);
      } else {
        dir = next;
      }
    }
    const leaf = names.at(-1)!;
    const existing = dir.children.get(nameKey(leaf));
    const attrs = attributesOf(spec);
    const mtime = spec.mtime ?? now;
    if (existing !== undefined && ('kind' in existing || existing.described || !spec.dir)) {
      throw bad(`same name as an earlier entry, ${JSON.stringify(existing.name)} (NTFS ignores case)`);
    }
    if (spec.dir) {
      // A directory made as a parent earlier may be described afterwards: it keeps its children.
      const children = existing?.children ?? new Map();
      dir.children.set(nameKey(leaf), { name: leaf, mtime, attrs, described: true, children });
    } else {
      const data = toBytes(spec.data ?? '');
      dir.children.set(nameKey(leaf), { ...attrs, kind: 'file', name: leaf, data, mtime });
    }
  }
  return { root: freeze(root), locks: [] };
}

function namesOf(key: string): string[] {
  const segs = key.split('/').filter((s) => s !== '');
  if (segs.length === 0)
    throw new UsageError(`site entry ${JSON.stringify(key)}: names no file or directory`);
  for (const s of segs) {
    const n = cleanName(s);
    if (!n.ok || n.value !== s) {
      throw new UsageError(
        `site entry ${JSON.stringify(key)}: ${JSON.stringify(s)} is not a valid Windows name`,
      );
    }
  }
  return segs;
}

function toSpec(key: string, value: EntryValue): EntrySpec {
  const isDirKey = key.endsWith('/');
  const noContent = () =>
    new UsageError(`site entry ${JSON.stringify(key)}: a directory (trailing '/') has no content`);
  if (value === null) return { dir: true };
  if (typeof value === 'string' || value instanceof Uint8Array) {
    if (isDirKey) throw noContent();
    return { data: value };
  }
  if (isDirKey && value.data !== undefined) throw noContent();
  return isDirKey ? { ...value, dir: true } : value;
}

/** Only the attributes that are set, so that nodes compare equal whether or not a scenario spelled `false`. */
function attributesOf(spec: EntrySpec): Attributes {
  return {
    ...(spec.hidden !== undefined && { hidden: spec.hidden }),
    ...(spec.readOnly !== undefined && { readOnly: spec.readOnly }),
  };
}

function freeze(d: Draft): DirNode {
  const children = new Map<string, FsNode>();
  for (const [k, c] of d.children) children.set(k, 'kind' in c ? c : freeze(c));
  return { ...d.attrs, kind: 'dir', name: d.name, mtime: d.mtime, children };
}

const UTF8 = new TextEncoder();

function toBytes(data: string | Uint8Array): Uint8Array {
  return typeof data === 'string' ? UTF8.encode(data) : data.slice();
}
