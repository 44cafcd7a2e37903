/**
 * The transfer commands of one FTP session: LIST, NLST, RETR, STOR, APPE, STOU, and ABOR, as FTP 7.5 answers
 * them (KB 2505047): what the command will transfer (or its 550), then 125 when the data connection is already
 * established when the command is processed, else 150 (IIS 6: by mode, facts §6b).
 *
 * Owns: argument checks, the preliminary reply, opening and locking an upload's file, ABOR. Leaves out: moving
 * the bytes and ending the transfer (session-stream.ts), the data channel's states (session-data.ts).
 *
 * Not modelled: TYPE A conversion (INFERRED: IIS stores and sends files byte for byte; on Windows text files
 * already hold CRLF, so SIZE and RETR agree), MODE B/C, STRU R/P.
 */

import { assertNever } from '../../sim/errors.ts';
import { encodeText } from './control.ts';
import {
  clientPath,
  EXTERNAL,
  type FsResult,
  lockActive,
  lockFile,
  pathKey,
  readFile,
  resolvePath,
  stat,
  writeFile,
} from './fs.ts';
import { listLines, nlstLines } from './listing.ts';
import { type Ctx, fail550, finish, forgetClosing, type S, say, setData } from './session-context.ts';
import { retireData } from './session-data.ts';
import type { CommandRef, TransferOp } from './session-state.ts';
import { dataMode } from './session-state.ts';
import { begin, complete226, failTransfer, transferOf } from './session-stream.ts';
import { SUBSTATUS, WIN32 } from './win32.ts';

const EMPTY = new Uint8Array(0);

type Prepared =
  | {
      readonly ok: true;
      readonly payload: Uint8Array;
      readonly fullPath: string;
      readonly name: string | null;
    }
  | {
      readonly ok: true;
      readonly payload: null;
      readonly target: string;
      readonly writeAt: number;
      readonly fullPath: string;
      readonly name: string;
    }
  | { readonly ok: false };

/** LIST NLST RETR STOR APPE STOU. */
export function transferCommand(ctx: Ctx, s: S, cmd: CommandRef, op: TransferOp) {
  const restOffset = s.restOffset;
  s.restOffset = 0; // REST applies to the next command only
  const prep = prepare(ctx, s, cmd, op, restOffset);
  if (!prep.ok) return;
  const d = s.data;
  if (d === null) return finish(ctx, s, cmd, { fullPath: prep.fullPath }, 'cannotOpen');
  if (d.state === 'FAILED') {
    // The channel already failed (a reset low-port or foreign connection, a refused connect, or FTP 7.5's
    // active low port, Win32 87): nothing is about to open, so the command fails at once (INFERRED).
    setData(ctx, s, null);
    return finish(ctx, s, cmd, { fullPath: prep.fullPath, win32: d.win32 }, 'cannotOpen');
  }
  const upload = prep.payload === null;
  const binary = s.type === 'I' && (op === 'RETR' || upload);
  let preliminary: 'alreadyOpen' | 'opening';
  if (ctx.config.profile === 'ftp75') {
    // KB 2505047: FTP 7.5's reply depends only on whether the data connection is already established.
    preliminary = d.state === 'ESTABLISHED' ? 'alreadyOpen' : 'opening';
  } else if (upload) {
    // KB 2505047: earlier IIS answered APPE/STOU/STOR with 125 in passive mode and 150 in active mode.
    preliminary = dataMode(d) === 'passive' ? 'alreadyOpen' : 'opening';
  } else {
    // INFERRED (facts §6b): for LIST, NLST and RETR IIS 6 sends 150 in both modes; the ftp.microsoft.com
    // transcript shows `150 Opening ASCII mode data connection for /bin/ls.` and no source shows a 125 there.
    preliminary = 'opening';
  }
  if (preliminary === 'alreadyOpen') say(ctx, s, 'alreadyOpen');
  else {
    const size = op === 'RETR' && prep.payload !== null ? prep.payload.length : null;
    say(ctx, s, 'opening', { binary, name: prep.name, size });
  }
  if (d.state === 'PORT-SET') {
    // facts §6b: IIS 6 opens the active data connection on the transfer command, after the 150.
    const id = s.nextDataId++;
    const local = { addr: s.server.addr, port: ctx.config.activeDataPort };
    const remote = { addr: d.remote.addr, port: d.remote.port };
    ctx.out.push({ kind: 'data-connect', session: s.id, data: id, local, remote });
    setData(ctx, s, { state: 'CONNECTING', id, port: local.port, remote });
  }
  if (prep.payload === null) openUpload(ctx, s, op, prep.target, prep.writeAt);
  s.busy = {
    kind: 'transfer',
    cmd,
    op,
    phase: 'WAIT-DATA',
    fullPath: prep.fullPath,
    target: prep.payload === null ? prep.target : null,
    writeAt: prep.payload === null ? prep.writeAt : 0,
    since: ctx.now,
    payload: prep.payload,
    sent: 0,
    awaitingDrain: false,
    received: null,
    moved: 0,
    firstByteAt: null,
    lastActivityAt: ctx.now,
    closingId: null,
  };
  if (s.data?.state === 'ESTABLISHED') begin(ctx, s);
}

/** What the command transfers, or its 5xx reply (already sent) when it cannot. */
function prepare(ctx: Ctx, s: S, cmd: CommandRef, op: TransferOp, restOffset: number): Prepared {
  const failed = (win32: number, fullPath = ''): Prepared => {
    fail550(ctx, s, cmd, win32, fullPath);
    return { ok: false };
  };
  switch (op) {
    case 'LIST':
    case 'NLST': {
      const { options, path: typed } = splitListArgs(cmd.arg);
      const r = resolvePath(s.cwd, typed, s.root, { wildcards: true });
      if (!r.ok) return failed(r.win32);
      const fullPath = clientPath(r.value, s.root);
      const opts = {
        epochMs: ctx.config.epochMs,
        longDate: ctx.config.longDate,
        style: ctx.config.listingStyle,
      };
      const text =
        op === 'LIST'
          ? listLines(ctx.fs, r.value, options, ctx.config.listingStyle, ctx.now, opts)
          : nlstLines(ctx.fs, r.value, typed, options, ctx.config.profile, ctx.now, opts);
      if (!text.ok) return failed(text.win32, fullPath);
      // IIS 6 named the listing `/bin/ls` in its 150 (facts §1, VERIFIED), a wu-ftpd heritage.
      return { ok: true, payload: encodeText(text.value, s.utf8), fullPath, name: '/bin/ls' };
    }
    case 'RETR': {
      if (cmd.arg === '') return badParameters(ctx, s, cmd);
      const r = resolvePath(s.cwd, cmd.arg, s.root);
      if (!r.ok) return failed(r.win32);
      const fullPath = clientPath(r.value, s.root);
      const read = readForDownload(ctx, s, r.value);
      if (!read.ok) return failed(read.win32, fullPath);
      // facts §1 (FluentFTP #638): RETR after a REST beyond the end of the file → 550, Win32 87.
      if (restOffset > read.value.length) return failed(WIN32.INVALID_PARAMETER, fullPath);
      return { ok: true, payload: read.value.subarray(restOffset), fullPath, name: cmd.arg };
    }
    case 'STOR':
    case 'APPE':
    case 'STOU': {
      if (cmd.arg === '' && op !== 'STOU') return badParameters(ctx, s, cmd);
      const target = op === 'STOU' ? uniqueTarget(ctx, s, cmd.arg) : resolvePath(s.cwd, cmd.arg, s.root);
      if (!target.ok) return failed(target.win32);
      const fullPath = clientPath(target.value, s.root);
      // A dry run of the write gives the error the real one would (missing folder 3, a directory or a
      // read-only file 5, a file held open by another process or session 32) before any data moves.
      const dry = writeFile(ctx.fs, target.value, EMPTY, ctx.now, 'append', s.guid);
      if (!dry.ok) return failed(dry.win32, fullPath);
      const old = stat(ctx.fs, target.value);
      const oldSize = old?.kind === 'file' ? old.data.length : 0;
      if (op === 'STOR' && restOffset > oldSize) return failed(WIN32.INVALID_PARAMETER, fullPath);
      const writeAt = op === 'STOR' ? restOffset : op === 'APPE' ? oldSize : 0;
      return { ok: true, payload: null, target: target.value, writeAt, fullPath, name: cmd.arg };
    }
    default:
      return assertNever(op, 'transfer command');
  }
}

function badParameters(ctx: Ctx, s: S, cmd: CommandRef): Prepared {
  finish(ctx, s, cmd, {}, 'badParameters');
  return { ok: false };
}

/**
 * The flags and the path of a LIST/NLST argument: leading words that begin with '-' are ls-style options
 * (facts §1: `LIST -alr` is accepted), the rest, spaces included, is the path.
 */
export function splitListArgs(arg: string): { options: string; path: string } {
  const m = /^((?:-\S*(?: +|$))*)(.*)$/s.exec(arg)!;
  return { options: m[1]!.trim(), path: m[2]! };
}

/**
 * The file RETR reads. With fileHandling allowReadUploadsInProgress=false (default) a file another session is
 * uploading is held open and the read fails with 32, like one open in another process (KB 2505047); with true,
 * only other processes' locks count.
 */
function readForDownload(ctx: Ctx, s: S, path: string): FsResult<Uint8Array> {
  if (!ctx.config.allowReadUploadsInProgress) return readFile(ctx.fs, path, ctx.now, s.guid);
  const key = pathKey(path);
  const external = ctx.fs.locks.some(
    (l) => l.owner === EXTERNAL && lockActive(l, ctx.now) && pathKey(l.path) === key,
  );
  if (external) return { ok: false, win32: WIN32.SHARING_VIOLATION };
  const fsNoLocks = { ...ctx.fs, locks: [] };
  return readFile(fsNoLocks, path, ctx.now, s.guid);
}

/**
 * STOU's file name. INFERRED (facts §1: STOU "not observed on IIS"): the name given, when it is free; else the
 * name (or 'STOU' without one) followed by '.1', '.2', ..., the first that is free. Deterministic, and a
 * listing shows where the file went.
 */
function uniqueTarget(ctx: Ctx, s: S, arg: string): FsResult<string> {
  const base = resolvePath(s.cwd, arg === '' ? 'STOU' : arg, s.root);
  if (!base.ok) return base;
  if (arg !== '' && stat(ctx.fs, base.value) === undefined) return base;
  for (let k = 1; ; k++) {
    const candidate = `${base.value}.${k}`;
    if (stat(ctx.fs, candidate) === undefined) return { ok: true, value: candidate };
  }
}

/**
 * The upload opens its file as Windows does when the command is accepted (CreateFile): STOR and STOU create or
 * truncate it (to the REST offset, RFC 3659 §5), APPE opens it for appending, creating it when missing; and
 * the upload holds it open (fileHandling allowReadUploadsInProgress=false, facts §4.3, scenario S10), so
 * another session or process sees it exist and gets a sharing violation. The bytes are written when the
 * upload completes (`store`).
 */
function openUpload(ctx: Ctx, s: S, op: TransferOp, target: string, writeAt: number) {
  const old = stat(ctx.fs, target);
  const data = old?.kind === 'file' ? old.data : EMPTY;
  if (op !== 'APPE' || old === undefined) {
    const opened = writeFile(ctx.fs, target, data.subarray(0, writeAt), ctx.now, 'create', s.guid);
    if (opened.ok) ctx.fs = opened.value; // the dry run in `prepare` made sure it is
  }
  ctx.fs = lockFile(ctx.fs, { path: target, from: ctx.now, until: null, owner: s.guid });
}

/**
 * ABOR (RFC 959 §4.1.3): a transfer in progress is aborted with 426 and the ABOR answered 225 (IIS answers
 * 225 where the RFC has 226, facts §1); with nothing in progress the data connection is closed and ABOR gets
 * 225 alone.
 */
export function abortCommand(ctx: Ctx, s: S, cmd: CommandRef) {
  const t = transferOf(s);
  if (t?.phase === 'WAIT-CLOSE') {
    // iis6: the transfer is complete and only its close handshake is pending: cut it and report success.
    ctx.out.push({ kind: 'data-abort', session: s.id, data: t.closingId! });
    forgetClosing(ctx, s, t.closingId!);
    complete226(ctx, s, t);
  } else if (t !== null) {
    failTransfer(ctx, s, 'transferAborted', { win32: WIN32.OPERATION_ABORTED, substatus: SUBSTATUS.ABOR });
  } else {
    retireData(ctx, s, 'close');
  }
  finish(ctx, s, cmd, {}, 'aborOk');
}
