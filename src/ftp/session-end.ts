/**
 * The end of an FTP session: QUIT, a timeout, the client closing or resetting the control connection.
 *
 * Owns: tearing a session down in one place (its transfer, its data channel, its locks, the control
 * connection, the ControlChannelClosed line). Leaves out: why (the callers).
 *
 * KB 254722 (facts §4.6): losing the control connection aborts a download "by design", citing RFC 959; the
 * model does the same for every transfer: the data connection is reset (DataChannelClosed 64 0; the command
 * itself has no final reply, so no line).
 * A data connection no transfer uses is closed gracefully, and a listener stopped.
 */

import type { Ctx, S } from './session-context.ts';
import { log } from './session-context.ts';
import { releasePorts, retireData } from './session-data.ts';
import { failTransfer } from './session-stream.ts';
import { WIN32 } from './win32.ts';

export interface EndStatus {
  readonly win32: number;
  readonly substatus: number;
  /** Write control-close (false when the control connection was reset and is gone already). */
  readonly closeControl: boolean;
}

export function endSession(ctx: Ctx, s: S, status: EndStatus): void {
  if (s.busy?.kind === 'transfer') {
    // INFERRED: the data channel's close is logged with ERROR_NETNAME_DELETED (64), the network name is gone.
    failTransfer(ctx, s, 'transferAborted', { win32: WIN32.NETNAME_DELETED, substatus: 0 }, { reply: false });
  }
  // An idle data connection is closed gracefully (FIN): unlike an RST, which is never repeated, the close
  // handshake survives a lost segment, so the client's side cannot be left half-open for ever.
  retireData(ctx, s, 'close');
  s.busy = null;
  if (status.closeControl) ctx.out.push({ kind: 'control-close', session: s.id });
  log(ctx, s, { method: 'ControlChannelClosed', win32: status.win32, substatus: status.substatus });
  // Connections still closing are the transport's business now; their ports go back to the pool.
  releasePorts(ctx, s, true);
  ctx.sessions.delete(s.id);
  ctx.ended ??= new Set();
  ctx.ended.add(s.id);
}
