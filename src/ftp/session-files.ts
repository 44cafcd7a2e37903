/**
 * The file-system commands of an FTP session: PWD CWD CDUP MKD RMD DELE RNFR RNTO SIZE MDTM (and their X
 * forms). Each resolves its argument inside the session's jail (fs-path.ts) and answers with the fixed IIS
 * texts, or with `550 <Win32 text> ` when the file system refuses (facts §1).
 *
 * Owns: those commands and their replies. Leaves out: paths and errors themselves (fs.ts), transfers.
 */

import { civil, pad2, timeOf } from './calendar.ts';
import { clientPath, lookup, mkdir, remove, rename, resolvePath, rmdir, setMtime } from './fs.ts';
import { type Ctx, fail550, finish, type S } from './session-context.ts';
import type { CommandRef } from './session-state.ts';
import { WIN32 } from './win32.ts';

/** The client's view of a site path (its jail is '/'). */
export function shown(s: S, path: string): string {
  return clientPath(path, s.root);
}

/** Resolves the argument, or answers 550 with the resolution's error and returns null. */
function resolved(ctx: Ctx, s: S, cmd: CommandRef, arg = cmd.arg): string | null {
  const r = resolvePath(s.cwd, arg, s.root);
  if (r.ok) return r.value;
  fail550(ctx, s, cmd, r.win32);
  return null;
}

/** The verb as the reply names it: `250 XRMD command successful.` (facts §1, [T-cmd]). */
function verbOf(cmd: CommandRef): string {
  return cmd.verb.toUpperCase();
}

export function pwd(ctx: Ctx, s: S, cmd: CommandRef) {
  const path = shown(s, s.cwd);
  finish(ctx, s, cmd, { fullPath: path }, 'pwd', { path });
}

/** CWD/XCWD, and CDUP/XCUP as CWD to '..' (which stays at the jail's root). */
export function cwd(ctx: Ctx, s: S, cmd: CommandRef, up = false) {
  if (!up && cmd.arg === '') return finish(ctx, s, cmd, {}, 'badParameters');
  const path = resolved(ctx, s, cmd, up ? '..' : cmd.arg);
  if (path === null) return;
  const found = lookup(ctx.fs, path);
  if (!found.ok) return fail550(ctx, s, cmd, found.win32, shown(s, path));
  // SetCurrentDirectory on a file: ERROR_DIRECTORY, "The directory name is invalid." (INFERRED).
  if (found.value.kind !== 'dir') return fail550(ctx, s, cmd, WIN32.DIRECTORY, shown(s, path));
  s.cwd = path;
  finish(ctx, s, cmd, { fullPath: shown(s, path) }, 'fileActionOk', { verb: verbOf(cmd) });
}

export function mkd(ctx: Ctx, s: S, cmd: CommandRef) {
  if (cmd.arg === '') return finish(ctx, s, cmd, {}, 'badParameters');
  const path = resolved(ctx, s, cmd);
  if (path === null) return;
  const r = mkdir(ctx.fs, path, ctx.now);
  if (!r.ok) return fail550(ctx, s, cmd, r.win32, shown(s, path));
  ctx.fs = r.value;
  // facts §1 ([T-cmd]): `mkdir test02` → `257 "test02" directory created.`: the name as the client gave it.
  finish(ctx, s, cmd, { fullPath: shown(s, path) }, 'directoryCreated', { name: cmd.arg });
}

export function rmd(ctx: Ctx, s: S, cmd: CommandRef) {
  if (cmd.arg === '') return finish(ctx, s, cmd, {}, 'badParameters');
  const path = resolved(ctx, s, cmd);
  if (path === null) return;
  const r = rmdir(ctx.fs, path, ctx.now, s.guid);
  if (!r.ok) return fail550(ctx, s, cmd, r.win32, shown(s, path));
  ctx.fs = r.value;
  finish(ctx, s, cmd, { fullPath: shown(s, path) }, 'fileActionOk', { verb: verbOf(cmd) });
}

export function dele(ctx: Ctx, s: S, cmd: CommandRef) {
  if (cmd.arg === '') return finish(ctx, s, cmd, {}, 'badParameters');
  const path = resolved(ctx, s, cmd);
  if (path === null) return;
  const r = remove(ctx.fs, path, ctx.now, s.guid);
  if (!r.ok) return fail550(ctx, s, cmd, r.win32, shown(s, path));
  ctx.fs = r.value;
  finish(ctx, s, cmd, { fullPath: shown(s, path) }, 'fileActionOk', { verb: verbOf(cmd) });
}

export function rnfr(ctx: Ctx, s: S, cmd: CommandRef) {
  if (cmd.arg === '') return finish(ctx, s, cmd, {}, 'badParameters');
  const path = resolved(ctx, s, cmd);
  if (path === null) return;
  const found = lookup(ctx.fs, path);
  if (!found.ok) return fail550(ctx, s, cmd, found.win32, shown(s, path));
  s.renameFrom = path;
  finish(ctx, s, cmd, { fullPath: shown(s, path) }, 'renamePending');
}

export function rnto(ctx: Ctx, s: S, cmd: CommandRef) {
  const from = s.renameFrom;
  s.renameFrom = null;
  if (from === null) return finish(ctx, s, cmd, {}, 'badSequence');
  if (cmd.arg === '') return finish(ctx, s, cmd, {}, 'badParameters');
  const to = resolved(ctx, s, cmd);
  if (to === null) return;
  const r = rename(ctx.fs, from, to, ctx.now, { replace: ctx.config.allowReplaceOnRename, by: s.guid });
  if (!r.ok) return fail550(ctx, s, cmd, r.win32, shown(s, to));
  ctx.fs = r.value;
  finish(ctx, s, cmd, { fullPath: shown(s, to) }, 'fileActionOk', { verb: verbOf(cmd) });
}

/** SIZE (RFC 3659 §4): the stored size in bytes; a directory is ERROR_ACCESS_DENIED (facts §1, TinyFTPClient #12). */
export function size(ctx: Ctx, s: S, cmd: CommandRef) {
  if (cmd.arg === '') return finish(ctx, s, cmd, {}, 'badParameters');
  const path = resolved(ctx, s, cmd);
  if (path === null) return;
  const found = lookup(ctx.fs, path);
  if (!found.ok) return fail550(ctx, s, cmd, found.win32, shown(s, path));
  if (found.value.kind === 'dir') return fail550(ctx, s, cmd, WIN32.ACCESS_DENIED, shown(s, path));
  finish(ctx, s, cmd, { fullPath: shown(s, path) }, 'fileStatus', { value: String(found.value.data.length) });
}

const MDTM_SET = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(?:\.\d+)? (.+)$/s;

/**
 * MDTM (RFC 3659 §3): `213 YYYYMMDDhhmmss` in UTC. The set form `MDTM YYYYMMDDhhmmss file` (facts §1,
 * VERIFIED: answered `213 <the time>`) sets the file's last-write time. A directory is refused like SIZE's
 * (INFERRED: IIS opens the file the same way for both).
 */
export function mdtm(ctx: Ctx, s: S, cmd: CommandRef) {
  if (cmd.arg === '') return finish(ctx, s, cmd, {}, 'badParameters');
  const set = MDTM_SET.exec(cmd.arg);
  const path = resolved(ctx, s, cmd, set ? set[7]! : cmd.arg);
  if (path === null) return;
  const found = lookup(ctx.fs, path);
  if (!found.ok) return fail550(ctx, s, cmd, found.win32, shown(s, path));
  const node = found.value;
  if (node.kind === 'dir') return fail550(ctx, s, cmd, WIN32.ACCESS_DENIED, shown(s, path));
  if (set === null) {
    return finish(ctx, s, cmd, { fullPath: shown(s, path) }, 'fileStatus', { value: stamp(ctx, node.mtime) });
  }
  const [, y, mo, d, h, mi, sec] = set.map(Number) as number[];
  if (mo! < 1 || mo! > 12 || d! < 1 || d! > 31 || h! > 23 || mi! > 59 || sec! > 60) {
    return fail550(ctx, s, cmd, WIN32.INVALID_PARAMETER, shown(s, path));
  }
  const mtime = timeOf(
    { year: y!, month: mo!, day: d!, hour: h!, minute: mi!, second: sec! },
    ctx.config.epochMs,
  );
  const r = setMtime(ctx.fs, path, mtime, ctx.now, s.guid);
  if (!r.ok) return fail550(ctx, s, cmd, r.win32, shown(s, path));
  ctx.fs = r.value;
  finish(ctx, s, cmd, { fullPath: shown(s, path) }, 'fileStatus', { value: cmd.arg.slice(0, 14) });
}

/** YYYYMMDDhhmmss of a simulated time, UTC (RFC 3659 §2.3). */
export function stamp(ctx: Ctx, t: number): string {
  const c = civil(t, ctx.config.epochMs);
  return `${String(c.year).padStart(4, '0')}${pad2(c.month)}${pad2(c.day)}${pad2(c.hour)}${pad2(c.minute)}${pad2(c.second)}`;
}
