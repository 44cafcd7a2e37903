/**
 * The context of one transition of the FTP server model, and the small verbs every part of a session uses:
 * write a reply, write a log entry, leave a trace note, change the data channel's state.
 *
 * Owns: how outputs are made (reply bytes, W3C entries with the session's fields filled in, the 550 forms).
 * Leaves out: when they are made (session-*.ts).
 *
 * A transition edits writable copies of the sessions it touches (server.ts `transition`), typed as immer
 * Drafts, and keeps the site's counters here in the context. Values that leave the transition (outputs) must
 * never be objects of those copies, which the transition may still edit: endpoints are copied with
 * `endpoint()`, and everything else put into an output is a string, a number or a Uint8Array.
 */

import { type Draft, isDraft, original } from 'immer';
import type { Endpoint } from '../../sim/tcp/segment.ts';
import type { Time } from '../../sim/time.ts';
import type { FtpConfig } from './config.ts';
import { encodeText } from './control.ts';
import type { Fs } from './fs.ts';
import type { FtpOutput, TraceNote } from './io.ts';
import type { PortTable } from './ports.ts';
import { formatReply, type Reply, type ReplyArgs, type ReplyName, replyOf } from './replies.ts';
import {
  type CommandRef,
  copyEstablished,
  copyTransfer,
  type DataChannel,
  type Established,
  logUser,
  type Session,
  type Transfer,
} from './session-state.ts';
import type { LogEntry } from './w3c.ts';
import { SUBSTATUS, WIN32 } from './win32.ts';

export interface Ctx {
  readonly config: FtpConfig;
  readonly now: Time;
  /** The site's file system: read and replaced here, written back to the server when the transition ends. */
  fs: Fs;
  /** The passive port table, kept the same way (ports.ts). */
  ports: PortTable;
  /** FtpServer.opened and FtpServer.nextPassivePort, kept the same way. */
  opened: number;
  nextPassivePort: number;
  /** A data channel or a closing connection changed: the session's passive ports are checked at the end. */
  portsDirty: boolean;
  /**
   * The sessions this transition ended (session-end.ts), null while none has. Asking this rather than the
   * draft's record whether a session is still alive spares two proxy traps per check (server.ts isAlive).
   */
  ended: Set<string> | null;
  readonly out: FtpOutput[];
  /**
   * The writable copies of the sessions the transition touches, by name: a session opened is added, one that
   * ends is deleted. Not the server's record: see server.ts `transition`.
   */
  readonly sessions: Touched;
}

/**
 * The sessions a transition touches, by name: nearly always one (the input's own), several only for a
 * timeout of several. The first is kept in two fields, the others in a Map made when needed: measured, a Map
 * per input was 7% of the bytes a simple command allocates.
 */
export class Touched {
  private firstId: string | null = null;
  private first: S | undefined = undefined;
  private more: Map<string, S> | null = null;

  get(id: string): S | undefined {
    return id === this.firstId ? this.first : this.more?.get(id);
  }

  has(id: string): boolean {
    return this.get(id) !== undefined;
  }

  set(id: string, s: S): void {
    if (this.firstId === null || this.firstId === id) {
      this.firstId = id;
      this.first = s;
    } else {
      this.more ??= new Map();
      this.more.set(id, s);
    }
  }

  delete(id: string): void {
    if (id === this.firstId) this.first = undefined;
    else this.more?.delete(id);
  }
}

export type S = Draft<Session>;

/**
 * The session as it was when the transition began, for the fields that never change (endpoints, ids): reading
 * a nested object through an immer draft makes immer copy the session, which a log line should not cost. The
 * transitions no longer run on drafts (server.ts); this still serves a caller that hands one in.
 */
export function unchanging(s: S): Session {
  return isDraft(s) ? (original(s) as Session) : (s as Session);
}

export function endpoint(e: Endpoint): Endpoint {
  return { addr: e.addr, port: e.port };
}

/** Writes the reply `name` of the replies table under the configured profile. */
export function say<N extends ReplyName>(ctx: Ctx, s: S, name: N, ...params: ReplyArgs<N>): Reply {
  const reply = replyOf(ctx.config.profile, name, ...params);
  write(ctx, s, reply);
  return reply;
}

export function write(ctx: Ctx, s: S, reply: Reply): void {
  const text = formatReply(reply);
  ctx.out.push({
    kind: 'control-write',
    session: s.id,
    code: reply.code,
    text,
    bytes: encodeText(text, s.utf8),
  });
}

/** A trace note of this session, unless the configuration turns notes off (config.ts `traceNotes`). */
export function note(ctx: Ctx, s: S, n: TraceNote): void {
  noteOf(ctx, s.id, n);
}

/** `note` by the session's name: for an input whose session has ended. */
export function noteOf(ctx: Ctx, session: string, n: TraceNote): void {
  if (ctx.config.traceNotes) ctx.out.push({ kind: 'note', session, note: n });
}

/** A log entry of this session; the fields not given are those of a control-channel line. */
export function log(
  ctx: Ctx,
  s: S,
  e: Pick<LogEntry, 'method'> & Partial<Omit<LogEntry, 'at' | 'session' | 'clientIp' | 'serverIp'>>,
): void {
  const fixed = unchanging(s);
  ctx.out.push({
    kind: 'log',
    entry: {
      at: ctx.now,
      clientIp: fixed.client.addr,
      user: logUser(s),
      serverIp: fixed.server.addr,
      serverPort: fixed.server.port,
      uriStem: '',
      status: '',
      win32: 0,
      substatus: 0,
      fullPath: '',
      session: s.guid,
      ...e,
    },
  });
}

/** The one log line of a command, written at its final reply (facts §3.2). */
export function logCommand(
  ctx: Ctx,
  s: S,
  cmd: CommandRef,
  code: number,
  extra: {
    win32?: number;
    substatus?: number;
    fullPath?: string;
    bytesSent?: number;
    bytesRecv?: number;
  } = {},
): void {
  log(ctx, s, { method: cmd.verb, uriStem: cmd.arg, status: String(code), ...extra });
}

/** Final reply of a command and its log line, in that order. */
export function finish<N extends ReplyName>(
  ctx: Ctx,
  s: S,
  cmd: CommandRef,
  extra: { win32?: number; substatus?: number; fullPath?: string },
  name: N,
  ...params: ReplyArgs<N>
): void {
  const reply = say(ctx, s, name, ...params);
  logCommand(ctx, s, cmd, reply.code, extra);
}

/**
 * The substatus of a file-system failure. INFERRED (facts §3.4 lists the numbers, no source maps Win32 codes
 * to them): 2 "File system denied the access." for ERROR_ACCESS_DENIED, 3 "File system returned an error."
 * for every other code; the detailed error's "Error details:" line shows this description.
 */
export function fsSubstatus(win32: number): number {
  return win32 === WIN32.ACCESS_DENIED ? SUBSTATUS.FILE_SYSTEM_DENIED : SUBSTATUS.FILE_SYSTEM_ERROR;
}

/** A client on the server's own address or on loopback: IIS's "local" for detailed errors. */
export function isLocalClient(s: S): boolean {
  const a = s.client.addr;
  return a === s.server.addr || a.startsWith('127.') || a === '::1';
}

/**
 * A command failed with a Win32 error: `550 <text> ` to a remote client, the detailed multi-line form to a
 * local one (config detailedErrors), and the command's log line with the code.
 */
export function fail550(ctx: Ctx, s: S, cmd: CommandRef, win32: number, fullPath = ''): void {
  const substatus = fsSubstatus(win32);
  const detailed =
    ctx.config.detailedErrors === 'always' || (ctx.config.detailedErrors === 'local' && isLocalClient(s));
  if (detailed) say(ctx, s, 'win32ErrorDetailed', { win32, substatus });
  else say(ctx, s, 'win32Error', { win32 });
  logCommand(ctx, s, cmd, 550, { win32, substatus, fullPath });
}

export function dataStateName(d: DataChannel | null): string {
  return d === null ? 'NONE' : d.state;
}

/** Replaces the session's data channel and notes the change of state. */
export function setData(ctx: Ctx, s: S, next: DataChannel | null, id?: number): void {
  const before = s.data;
  s.data = next as Draft<DataChannel> | null;
  ctx.portsDirty = true;
  if (!ctx.config.traceNotes) return;
  const from = dataStateName(before);
  const to = dataStateName(next);
  const which = id ?? dataId(next) ?? dataId(before) ?? -1;
  if (from !== to) note(ctx, s, { what: 'data-state', data: which, from, to });
}

/**
 * The session's transfer, to edit in place. A transition's session copy shares its objects with the base,
 * which are frozen (server.ts `writableSession`): the first edit in a transition copies the transfer into the
 * session, later ones edit that copy (not frozen until the transition ends).
 */
export function editTransfer(s: S, t: Transfer): Draft<Transfer> {
  if (!Object.isFrozen(t)) return t as Draft<Transfer>;
  const copy = copyTransfer(t) as Draft<Transfer>;
  s.busy = copy;
  return copy;
}

/** The session's established data channel, to edit in place, as `editTransfer`. */
export function editEstablished(s: S, d: Established): Draft<Established> {
  if (!Object.isFrozen(d)) return d as Draft<Established>;
  const copy = copyEstablished(d) as Draft<Established>;
  s.data = copy;
  return copy;
}

/** Forgets a closing connection (its close handshake is done, or it was reset or abandoned). */
export function forgetClosing(ctx: Ctx, s: S, id: number): void {
  s.closing = s.closing.filter((c) => c.id !== id);
  ctx.portsDirty = true;
}

export function dataId(d: DataChannel | null): number | null {
  return d !== null && 'id' in d ? d.id : null;
}
