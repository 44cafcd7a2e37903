/**
 * A transfer on its data connection, as FTP 7.5 runs it (KB 2505047): a download is handed to the driver
 * under flow control and ends with FIN and an immediate 226 (IIS 6: the 226 after the close handshake); an
 * upload ends when the client's FIN has arrived and the bytes are stored; a failure aborts the connection.
 *
 * Owns: sending, receiving, completing and failing a transfer, and the routing of data-connection events to
 * the channel (session-data.ts) and then to the transfer. Leaves out: the commands that start transfers
 * (session-transfer.ts) and the timers (session-timers.ts), which call `failTransfer`.
 */

import { assertNever } from '../../sim/errors.ts';
import { remove, unlockFile, writeFile } from './fs.ts';
import type { FtpInput } from './io.ts';
import {
  type Ctx,
  editEstablished,
  editTransfer,
  fail550,
  forgetClosing,
  log,
  logCommand,
  note,
  type S,
  say,
  setData,
} from './session-context.ts';
import {
  closeEstablished,
  type DataEvent,
  onAccepted,
  onConnected,
  onConnectFailed,
  onListenFailed,
  onListening,
  onPreviousClosed,
  retireData,
  startListening,
} from './session-data.ts';
import { appendChunk, joinChunks, type Transfer } from './session-state.ts';
import { SUBSTATUS, WIN32 } from './win32.ts';

// ---- the transfer on its connection ----------------------------------------------------------------------

export function transferOf(s: S): Transfer | null {
  return s.busy?.kind === 'transfer' ? (s.busy as Transfer) : null;
}

/** The data connection is up and a transfer waits for it: start moving bytes. */
export function begin(ctx: Ctx, s: S) {
  const base = s.busy;
  const d = s.data;
  if (base?.kind !== 'transfer' || base.phase !== 'WAIT-DATA' || d?.state !== 'ESTABLISHED') return;
  const t = editTransfer(s, base);
  t.lastActivityAt = ctx.now;
  if (t.payload !== null) {
    t.phase = 'SENDING';
    sendMore(ctx, s);
    return;
  }
  t.phase = 'RECEIVING';
  if (d.earlyBytes > 0) {
    // Bytes the client sent before the command was processed are the start of the upload.
    t.received = d.early;
    t.moved = d.earlyBytes;
    t.firstByteAt = d.since;
    const edited = editEstablished(s, d);
    edited.early = null;
    edited.earlyBytes = 0;
  }
  if (d.peerClosed) completeUpload(ctx, s);
}

/** Hands the driver the next chunk; the last chunk is followed at once by the close and the 226. */
function sendMore(ctx: Ctx, s: S) {
  const base = s.busy;
  const d = s.data;
  if (base?.kind !== 'transfer' || base.payload === null || d?.state !== 'ESTABLISHED') return;
  const t = editTransfer(s, base);
  const payload = base.payload;
  const left = payload.length - t.sent;
  if (left > 0) {
    const n = Math.min(left, ctx.config.sendChunkBytes);
    ctx.out.push({
      kind: 'data-send',
      session: s.id,
      data: d.id,
      bytes: payload.subarray(t.sent, t.sent + n),
    });
    t.sent += n;
    t.firstByteAt ??= ctx.now;
    if (t.sent < payload.length) {
      t.awaitingDrain = true;
      return;
    }
  }
  completeDownload(ctx, s);
}

/**
 * KB 2505047: "The 226 Transfer Complete response returns as the response of the LIST and RETR commands to
 * the control connection before the handshake to disconnect the data connection finishes": FIN, then 226 in
 * the same step. IIS 6 (facts §6b): the 226 waits for the close handshake (data-closed).
 */
function completeDownload(ctx: Ctx, s: S) {
  const t = transferOf(s)!;
  const id = closeEstablished(ctx, s);
  if (ctx.config.profile === 'iis6') return waitClose(s, id, ctx);
  complete226(ctx, s, t);
}

/** The client's FIN ended an upload: store the bytes, close our side, then 226 (FTP 7.5) or wait (IIS 6). */
function completeUpload(ctx: Ctx, s: S) {
  const t = transferOf(s)!;
  const bytes = joinChunks(t.received, t.moved);
  ctx.fs = unlockFile(ctx.fs, t.target!, s.guid);
  const stored = store(ctx, t, bytes);
  const id = closeEstablished(ctx, s);
  if (!stored.ok) {
    s.busy = null;
    s.lastActivityAt = ctx.now;
    return fail550(ctx, s, t.cmd, stored.win32, t.fullPath);
  }
  ctx.fs = stored.value;
  if (ctx.config.profile === 'iis6') return waitClose(s, id, ctx);
  complete226(ctx, s, t);
}

/** Writes an upload's bytes after what its file holds since `openUpload` (the REST prefix, or the old file for APPE). */
function store(ctx: Ctx, t: Transfer, bytes: Uint8Array) {
  return writeFile(ctx.fs, t.target!, bytes, ctx.now, 'append');
}

function waitClose(s: S, id: number, ctx: Ctx) {
  const base = s.busy;
  if (base?.kind !== 'transfer') return;
  const t = editTransfer(s, base);
  t.phase = 'WAIT-CLOSE';
  t.closingId = id;
  t.lastActivityAt = ctx.now;
}

/** The transfer succeeded: 226 and the command's log line (after its DataChannelClosed). */
export function complete226(ctx: Ctx, s: S, t: Transfer) {
  s.busy = null;
  s.lastActivityAt = ctx.now;
  say(ctx, s, 'transferComplete');
  logCommand(ctx, s, t.cmd, 226, { fullPath: t.fullPath, ...byteCounts(t) });
}

function byteCounts(t: Transfer): { bytesSent?: number; bytesRecv?: number } {
  return t.payload !== null ? { bytesSent: t.sent } : { bytesRecv: t.moved };
}

export type FailReason = 'cannotOpen' | 'dataTimedOut' | 'minBandwidth' | 'transferAborted';

/**
 * Ends the transfer in progress with an error reply: the data channel is aborted (RST) unless the peer already
 * tore it down, the upload's lock is released (its bytes kept only with keepPartialUploads, else its file
 * deleted), then the reply and the command's log line go out (neither with `reply: false`, the session's end).
 */
export function failTransfer(
  ctx: Ctx,
  s: S,
  reason: FailReason,
  status: { win32: number; substatus: number },
  opts: { peerGone?: boolean; reply?: boolean } = {},
) {
  const t = transferOf(s);
  if (t === null) return;
  const d = s.data;
  if (d?.state === 'ESTABLISHED' && opts.peerGone) {
    log(ctx, s, { method: 'DataChannelClosed', serverPort: d.port, ...status });
    setData(ctx, s, null);
  } else {
    retireData(ctx, s, 'abort', status);
  }
  if (t.target !== null) {
    ctx.fs = unlockFile(ctx.fs, t.target, s.guid);
    if (ctx.config.keepPartialUploads) {
      const kept = store(ctx, t, joinChunks(t.received, t.moved));
      if (kept.ok) ctx.fs = kept.value;
    } else if (t.op !== 'APPE') {
      // fileHandling keepPartialUploads=false (facts §4.3): the partial file is deleted. INFERRED: a STOR over
      // an existing file loses it (Windows truncated it when the upload opened it); an APPE keeps the old
      // content, since nothing of the failed append was written.
      const removed = remove(ctx.fs, t.target, ctx.now, s.guid);
      if (removed.ok) ctx.fs = removed.value;
    }
  }
  s.busy = null;
  s.lastActivityAt = ctx.now;
  // One log line per command, at its final reply (facts §3.2): a transfer cut because the control connection
  // is gone gets no reply, so only its DataChannelClosed line tells of it.
  if (opts.reply === false) return;
  say(ctx, s, reason);
  const code = reason === 'transferAborted' ? 426 : 425;
  logCommand(ctx, s, t.cmd, code, { ...status, fullPath: t.fullPath, ...byteCounts(t) });
}

// ---- driver events on data connections ------------------------------------------------------------------

type DataInput = Extract<FtpInput, { data: number }>;

/** Routes a data-connection event to the channel and then to the transfer that waits on it. */
export function onDataInput(ctx: Ctx, s: S, input: DataInput) {
  switch (input.kind) {
    case 'data-listening':
      return onListening(ctx, s, input.data);
    case 'data-listen-failed':
      return onListenFailed(ctx, s, input.data);
    case 'data-accepted':
      return afterChannelEvent(ctx, s, onAccepted(ctx, s, input.data, input.remote));
    case 'data-connected':
      return afterChannelEvent(ctx, s, onConnected(ctx, s, input.data));
    case 'data-connect-failed':
      return afterChannelEvent(ctx, s, onConnectFailed(ctx, s, input.data, input.reason));
    case 'data-bytes':
      return onBytes(ctx, s, input.data, input.bytes);
    case 'data-drained':
      return onDrained(ctx, s, input.data);
    case 'data-peer-closed':
      return onPeerClosed(ctx, s, input.data);
    case 'data-closed':
    case 'data-reset':
      return onGone(ctx, s, input.data, input.kind);
    default:
      return assertNever(input, 'data input');
  }
}

/** The channel became established or failed: a transfer waiting for it starts or fails. */
function afterChannelEvent(ctx: Ctx, s: S, ev: DataEvent) {
  const t = transferOf(s);
  if (t?.phase !== 'WAIT-DATA') return;
  if (ev === 'established') return begin(ctx, s);
  const d = s.data;
  if (ev === 'failed' && d?.state === 'FAILED') {
    failTransfer(ctx, s, 'cannotOpen', { win32: d.win32, substatus: 0 });
  }
}

function onBytes(ctx: Ctx, s: S, id: number, bytes: Uint8Array) {
  const d = s.data;
  if (d?.state !== 'ESTABLISHED' || d.id !== id) {
    return note(ctx, s, {
      what: 'ignored',
      input: 'data-bytes',
      why: `data ${id} is not the open connection`,
    });
  }
  const base = s.busy;
  if (base?.kind === 'transfer' && base.phase === 'RECEIVING') {
    const t = editTransfer(s, base);
    t.received = appendChunk(t.received, bytes);
    t.moved += bytes.length;
    t.firstByteAt ??= ctx.now;
    t.lastActivityAt = ctx.now;
  } else if (base?.kind !== 'transfer') {
    const edited = editEstablished(s, d);
    edited.early = appendChunk(d.early, bytes);
    edited.earlyBytes += bytes.length;
  } else {
    note(ctx, s, { what: 'ignored', input: 'data-bytes', why: 'the client sent bytes during a download' });
  }
}

function onDrained(ctx: Ctx, s: S, id: number) {
  const base = s.busy;
  const d = s.data;
  if (
    base?.kind !== 'transfer' ||
    base.phase !== 'SENDING' ||
    !base.awaitingDrain ||
    d?.state !== 'ESTABLISHED'
  )
    return;
  if (d.id !== id) return;
  const t = editTransfer(s, base);
  t.awaitingDrain = false;
  t.moved = t.sent;
  t.lastActivityAt = ctx.now;
  sendMore(ctx, s);
}

function onPeerClosed(ctx: Ctx, s: S, id: number) {
  const d = s.data;
  if (d?.state !== 'ESTABLISHED' || d.id !== id) return; // a closing connection: its close goes on
  const t = s.busy;
  if (t?.kind === 'transfer' && t.phase === 'RECEIVING') return completeUpload(ctx, s);
  // A download goes on after the client's FIN (a half-close is legal); an idle connection remembers it.
  editEstablished(s, d).peerClosed = true;
}

function onGone(ctx: Ctx, s: S, id: number, kind: 'data-closed' | 'data-reset') {
  if (s.closing.some((c) => c.id === id)) {
    const t = transferOf(s);
    if (t?.phase === 'WAIT-CLOSE' && t.closingId === id) {
      // IIS 6: the close handshake is done; now the 226 (facts §6b).
      forgetClosing(ctx, s, id);
      return complete226(ctx, s, t);
    }
    afterChannelEvent(ctx, s, onPreviousClosed(ctx, s, id));
    const busy = s.busy;
    if (busy?.kind === 'passive' && busy.phase === 'WAIT-PREVIOUS' && s.closing.length === 0) {
      startListening(ctx, s, busy.cmd, busy.extended);
    }
    return;
  }
  const d = s.data;
  if (d?.state === 'ESTABLISHED' && d.id === id) {
    const status = { win32: WIN32.WSAECONNRESET, substatus: SUBSTATUS.DATA_ABORTED_BY_CLIENT };
    const t = transferOf(s);
    if (t !== null && (t.phase === 'SENDING' || t.phase === 'RECEIVING')) {
      return failTransfer(ctx, s, 'transferAborted', status, { peerGone: true });
    }
    log(ctx, s, { method: 'DataChannelClosed', serverPort: d.port, ...status });
    return setData(ctx, s, { state: 'FAILED', win32: WIN32.WSAECONNRESET }, id);
  }
  if (d?.state === 'LISTENING' && d.id === id && d.waiting !== null) {
    s.data = { ...d, waiting: null }; // the connection kept aside while held went away
    return;
  }
  if (d?.state === 'CONNECTING' && d.id === id) {
    return afterChannelEvent(ctx, s, onConnectFailed(ctx, s, id, 'refused'));
  }
  note(ctx, s, { what: 'ignored', input: kind, why: `data ${id} is not known` });
}
