/**
 * The emulator's site: a directory of the real disk copied once into the model's in-memory file system, and
 * the size of what uploads have added since.
 *
 * Owns: reading `--files DIR` (the only time the emulator reads the disk; nothing is ever written to it),
 * turning real modification times into model times, skipping what the model cannot hold, and measuring the
 * site's bytes. Leaves out: the file system itself (src/ftp/fs.ts) and paths (src/ftp/fs-path.ts).
 *
 * What is skipped, each with a notice: symbolic links (following one could copy a file from outside DIR into
 * the site, and the site must hold DIR only), sockets, FIFOs and devices, names Windows refuses (`a:b`,
 * `con`, a trailing dot), and a second name that differs from an earlier one only by case (NTFS holds one).
 */

import { lstatSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { UsageError } from '../../sim/errors.ts';
import { SECOND, type Time } from '../../sim/time.ts';
import type { EntrySpec, Fs, FsNode } from '../ftp/fs.ts';
import { cleanName, nameKey } from '../ftp/fs-path.ts';

export interface LoadedSite {
  /** Entries for `fsFromEntries`: 'dir/' for a directory, 'dir/a.txt' for a file. */
  readonly entries: Record<string, EntrySpec>;
  /** One line per thing left out, saying why. */
  readonly skipped: readonly string[];
}

/**
 * Reads `dir` recursively. `epochMs` is the wall-clock instant of model time 0: a file written before the
 * emulator started gets a negative model time (whole seconds: listings show minutes, the log seconds).
 */
export function loadDirectory(dir: string, epochMs: number): LoadedSite {
  let top: ReturnType<typeof lstatSync>;
  try {
    top = lstatSync(dir);
  } catch (e) {
    throw new UsageError(`--files ${dir}: ${(e as Error).message}`);
  }
  if (!top.isDirectory()) throw new UsageError(`--files ${dir}: not a directory`);
  const entries: Record<string, EntrySpec> = {};
  const skipped: string[] = [];
  const mtimeOf = (ms: number): Time => Math.round((ms - epochMs) / 1000) * SECOND;

  const walk = (real: string, site: string): void => {
    const seen = new Map<string, string>();
    for (const name of readdirSync(real).sort()) {
      const path = join(real, name);
      const shown = site === '' ? name : `${site}/${name}`;
      const clean = cleanName(name);
      if (!clean.ok || clean.value !== name) {
        skipped.push(`${shown}: not a valid Windows name`);
        continue;
      }
      const twin = seen.get(nameKey(name));
      if (twin !== undefined) {
        skipped.push(`${shown}: same name as ${twin} when case is ignored (NTFS)`);
        continue;
      }
      const st = lstatSync(path);
      if (st.isSymbolicLink()) {
        skipped.push(`${shown}: a symbolic link (not followed)`);
      } else if (st.isDirectory()) {
        seen.set(nameKey(name), shown);
        entries[`${shown}/`] = { dir: true, mtime: mtimeOf(st.mtimeMs) };
        walk(path, shown);
      } else if (st.isFile()) {
        seen.set(nameKey(name), shown);
        const data = readFileSync(path);
        entries[shown] = {
          data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
          mtime: mtimeOf(st.mtimeMs),
        };
      } else {
        skipped.push(`${shown}: not a regular file or directory`);
      }
    }
  };
  walk(dir, '');
  return { entries, skipped };
}

/** Files in a site and their bytes (for the start-up line). */
export function siteSize(fs: Fs): { files: number; bytes: number } {
  let files = 0;
  const count = (node: FsNode): void => {
    if (node.kind === 'file') files++;
    else for (const child of node.children.values()) count(child);
  };
  count(fs.root);
  return { files, bytes: siteBytes(fs) };
}

const sizes = new WeakMap<FsNode, number>();

/**
 * Bytes held in the files of a site. Subtrees are immutable and shared between versions of the Fs, so their
 * sizes are remembered by identity: after an upload only the directories on the changed path are summed again.
 */
export function siteBytes(fs: Fs): number {
  return sizeOf(fs.root);
}

function sizeOf(node: FsNode): number {
  if (node.kind === 'file') return node.data.length;
  const known = sizes.get(node);
  if (known !== undefined) return known;
  let total = 0;
  for (const child of node.children.values()) total += sizeOf(child);
  sizes.set(node, total);
  return total;
}
