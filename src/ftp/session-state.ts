/**
 * The state of one FTP control session of the FTP 7.5 model, and of the server that holds the sessions: plain
 * immutable data (the transitions edit writable copies of it, server.ts). Knows nothing of sockets.
 *
 * Owns: the shapes (login, data channel, command in progress) and their state names. Leaves out: the
 * transitions (session-*.ts) and the deadlines, which are computed from these fields (session-timers.ts), so
 * that a timer can never be forgotten in a corner of the state.
 *
 * The data channel's states (facts §7.2, named after the socket states of the server's side):
 *   (none) ──PASV──▶ LISTEN-REQUESTED ──data-listening──▶ LISTENING ──data-accepted──▶ ESTABLISHED
 *   (none) ──PORT──▶ CONNECTING ──data-connected──▶ ESTABLISHED            (iis6: PORT-SET until the command)
 *   ESTABLISHED ──close (FIN)──▶ a `closing` entry until data-closed (the close handshake done)
 *   any ──failure──▶ FAILED (remembered: the next transfer command gets 425 with its Win32 status)
 */

import { assertNever } from '../../sim/errors.ts';
import type { Endpoint } from '../../sim/tcp/segment.ts';
import type { Time } from '../../sim/time.ts';
import type { FtpConfig } from './config.ts';
import type { FramerState } from './control.ts';
import type { Fs } from './fs.ts';
import type { PortTable } from './ports.ts';

export interface FtpServer {
  readonly config: FtpConfig;
  readonly fs: Fs;
  /** Live sessions by the driver's name for their control connection. */
  readonly sessions: Readonly<Record<string, Session>>;
  /** Control connections ever opened: the index of the next one's W3C session GUID. */
  readonly opened: number;
  /** The next passive port to try (sequential from a seeded start, wrapping inside the range). */
  readonly nextPassivePort: number;
  /**
   * Passive ports in use, by the session that holds them: from allocation until the listener is given up or
   * its connection's close handshake is done. Kept here rather than found by scanning the sessions, so that
   * a driver may hand the model one session at a time (ports.ts).
   */
  readonly passivePorts: PortTable;
}

export type LoginState =
  | { readonly state: 'AWAIT-USER' }
  | { readonly state: 'AWAIT-PASS'; readonly user: string }
  | {
      readonly state: 'LOGGED-IN';
      readonly user: string;
      /** cs-username in the log: '-' for anonymous, 'MACHINE\\user' otherwise. */
      readonly logName: string;
      readonly anonymous: boolean;
    };

/** Received bytes, newest first: appending is O(1) and never copies what earlier states share. */
export interface Chunks {
  readonly head: Uint8Array;
  readonly tail: Chunks | null;
}

export type DataMode = 'passive' | 'active';

export type DataChannel =
  | { readonly state: 'LISTEN-REQUESTED'; readonly id: number; readonly port: number; readonly hold: boolean }
  | {
      readonly state: 'LISTENING';
      readonly id: number;
      readonly port: number;
      /** FTP 7.5: connections wait until the previous data connection is fully closed. */
      readonly held: boolean;
      /** A connection the driver completed while the listener was held (the emulator): accepted on release. */
      readonly waiting: Endpoint | null;
    }
  | { readonly state: 'CONNECTING'; readonly id: number; readonly port: number; readonly remote: Endpoint }
  /** iis6: a PORT was given; the connection is opened by the transfer command. */
  | { readonly state: 'PORT-SET'; readonly remote: Endpoint }
  | {
      readonly state: 'ESTABLISHED';
      readonly id: number;
      readonly port: number;
      readonly mode: DataMode;
      readonly remote: Endpoint;
      readonly since: Time;
      /** Bytes the client sent before a command claimed the connection (an eager uploader). */
      readonly early: Chunks | null;
      readonly earlyBytes: number;
      readonly peerClosed: boolean;
    }
  | { readonly state: 'FAILED'; readonly win32: number };

export type DataState = DataChannel['state'];

/** The data channel with its connection up. */
export type Established = Extract<DataChannel, { readonly state: 'ESTABLISHED' }>;

/** A data connection the server has closed (FIN) whose close handshake has not finished. */
export interface ClosingConnection {
  readonly id: number;
  readonly port: number;
  readonly since: Time;
}

/** The command as the log writes it. */
export interface CommandRef {
  readonly verb: string;
  readonly arg: string;
}

export type TransferOp = 'LIST' | 'NLST' | 'RETR' | 'STOR' | 'APPE' | 'STOU';

export type TransferPhase =
  | 'WAIT-DATA' // the preliminary reply is sent; the data connection is not up yet
  | 'SENDING' // a download is being sent
  | 'RECEIVING' // an upload is being received
  | 'WAIT-CLOSE'; // iis6: everything is done; the 226 waits for the close handshake

export interface Transfer {
  readonly kind: 'transfer';
  readonly cmd: CommandRef;
  readonly op: TransferOp;
  readonly phase: TransferPhase;
  /** The path the client sees, for x-fullpath. */
  readonly fullPath: string;
  /** Uploads: the site path written at the end (and locked meanwhile). */
  readonly target: string | null;
  /** Uploads: where the new bytes go (REST offset, or the old size for APPE). */
  readonly writeAt: number;
  readonly since: Time;
  /** Downloads: the bytes to send (a snapshot taken when the command was accepted). */
  readonly payload: Uint8Array | null;
  /** Downloads: bytes handed to the driver so far. */
  readonly sent: number;
  readonly awaitingDrain: boolean;
  readonly received: Chunks | null;
  /** Bytes moved (drained or received): the bandwidth rule's count. */
  readonly moved: number;
  readonly firstByteAt: Time | null;
  readonly lastActivityAt: Time;
  /** iis6 WAIT-CLOSE: the connection whose close handshake the 226 waits for. */
  readonly closingId: number | null;
}

export interface PassiveCommand {
  readonly kind: 'passive';
  readonly cmd: CommandRef;
  readonly extended: boolean;
  /** WAIT-PREVIOUS: pasvWait 'reply', the previous data connection is still closing. WAIT-LISTEN: data-listen sent. */
  readonly phase: 'WAIT-PREVIOUS' | 'WAIT-LISTEN';
  readonly since: Time;
  /** Listens on earlier ports of the range that failed for this command (a port taken by another program). */
  readonly failedListens?: number;
}

/** A command in progress: later command lines wait behind it (except ABOR during a transfer). */
export type Busy = Transfer | PassiveCommand;

export interface QueuedLine {
  readonly bytes: Uint8Array;
  readonly end: 'CRLF' | 'LF' | 'LONG';
}

export interface Session {
  readonly id: string;
  /** The how-manieth control connection of the server (0, 1, ...): orders sessions, indexes the GUID. */
  readonly index: number;
  /** x-session: w3c.sessionGuid(seed, index). Also the owner name of the session's file locks. */
  readonly guid: string;
  readonly client: Endpoint;
  readonly server: Endpoint;
  readonly openedAt: Time;
  /** The last command line received, or the end of the last transfer: the control-idle clock. */
  readonly lastActivityAt: Time;
  readonly framer: FramerState;
  readonly queue: readonly QueuedLine[];
  readonly login: LoginState;
  /** HOST was accepted (it must come before USER, RFC 7151). */
  readonly host: string | null;
  /** The session's jail ('/' unless isolated) and current directory, as site paths. */
  readonly root: string;
  readonly cwd: string;
  readonly type: 'A' | 'I';
  readonly utf8: boolean;
  readonly restOffset: number;
  /** RNFR's site path, waiting for RNTO. */
  readonly renameFrom: string | null;
  readonly nextDataId: number;
  /** The passive ports this session holds in FtpServer.passivePorts. */
  readonly ports: readonly number[];
  readonly data: DataChannel | null;
  readonly closing: readonly ClosingConnection[];
  readonly busy: Busy | null;
}

/**
 * Shallow copies of a session, a transfer and an established data channel, field by field. The transitions
 * copy these on nearly every input, and the ones they copy are frozen: measured (Node 20, a chain of 10,000
 * sessions copied and frozen in turn), a spread of a frozen object costs 1.2-2 µs, this literal 0.3-0.4 µs.
 * Listing every field also gives every copy the hidden class of the object it copies (the same order as the
 * literals that make them), and a field added to the type fails to compile here until it is copied.
 */
export function copySession(s: Session): Session {
  return {
    id: s.id,
    index: s.index,
    guid: s.guid,
    client: s.client,
    server: s.server,
    openedAt: s.openedAt,
    lastActivityAt: s.lastActivityAt,
    framer: s.framer,
    queue: s.queue,
    login: s.login,
    host: s.host,
    root: s.root,
    cwd: s.cwd,
    type: s.type,
    utf8: s.utf8,
    restOffset: s.restOffset,
    renameFrom: s.renameFrom,
    nextDataId: s.nextDataId,
    ports: s.ports,
    data: s.data,
    closing: s.closing,
    busy: s.busy,
  };
}

/** A copy of a transfer, as `copySession`. */
export function copyTransfer(t: Transfer): Transfer {
  return {
    kind: t.kind,
    cmd: t.cmd,
    op: t.op,
    phase: t.phase,
    fullPath: t.fullPath,
    target: t.target,
    writeAt: t.writeAt,
    since: t.since,
    payload: t.payload,
    sent: t.sent,
    awaitingDrain: t.awaitingDrain,
    received: t.received,
    moved: t.moved,
    firstByteAt: t.firstByteAt,
    lastActivityAt: t.lastActivityAt,
    closingId: t.closingId,
  };
}

/** A copy of an established data channel, as `copySession`. */
export function copyEstablished(d: Established): Established {
  return {
    state: d.state,
    id: d.id,
    port: d.port,
    mode: d.mode,
    remote: d.remote,
    since: d.since,
    early: d.early,
    earlyBytes: d.earlyBytes,
    peerClosed: d.peerClosed,
  };
}

export function isLoggedIn(s: Session): s is Session & { login: { state: 'LOGGED-IN' } } {
  return s.login.state === 'LOGGED-IN';
}

/** The name the log writes in cs-username: '-' until a non-anonymous login. */
export function logUser(s: Session): string {
  return s.login.state === 'LOGGED-IN' ? s.login.logName : '-';
}

export function appendChunk(chunks: Chunks | null, bytes: Uint8Array): Chunks {
  return { head: bytes, tail: chunks };
}

/** The chunks in arrival order as one buffer. */
export function joinChunks(chunks: Chunks | null, total: number): Uint8Array {
  const out = new Uint8Array(total);
  let end = total;
  for (let c = chunks; c !== null; c = c.tail) {
    end -= c.head.length;
    out.set(c.head, end);
  }
  return out;
}

/** The mode of a data channel for IIS 6's 125/150 rule (passive when nothing is set up). */
export function dataMode(d: DataChannel | null): DataMode {
  if (d === null) return 'passive';
  switch (d.state) {
    case 'LISTEN-REQUESTED':
    case 'LISTENING':
      return 'passive';
    case 'CONNECTING':
    case 'PORT-SET':
      return 'active';
    case 'ESTABLISHED':
      return d.mode;
    case 'FAILED':
      return 'passive';
    default:
      return assertNever(d, 'data channel');
  }
}
