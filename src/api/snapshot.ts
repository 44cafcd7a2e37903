/**
 * inspect(): an immutable snapshot of a world between two steps, for a reader rather than for the models:
 * every host, every connection (TCP state, the RFC 9293 send and receive variables, windows, RTO, bytes
 * queued, timers), and every FTP session (login, directory, type, data channel, replies sent).
 *
 * Built (snapshot-build.ts) from the state the models keep in the world and from the trace (replies sent,
 * connections that have closed); deep-frozen, so that a test cannot change what it inspected and a snapshot
 * never drifts as the run goes on.
 *
 * Names are the world's own and stable: 'server/ctrl#1', 'client/data#2'. A connection that reached CLOSED
 * is gone from the world; the snapshot lists it under `closed` (from the trace), and `tcpState(name)` answers
 * 'CLOSED' for it. Looking up a name that never existed is a UsageError listing the names that do.
 *
 * Not here: listeners' queues, path queues and held segments (the network's state), file contents (ftpFs).
 */

import { freeze } from 'immer';
import { UsageError } from '../../sim/errors.ts';
import type { Endpoint } from '../../sim/tcp/segment.ts';
import type { TcpState } from '../../sim/tcp/tcb.ts';
import { formatMs, type Time } from '../../sim/time.ts';
import type { World } from '../../sim/world.ts';
import '../apps/ftp-trace.ts';
import { collect } from './snapshot-build.ts';

export interface TcpTimers {
  readonly retransmit: Time | null;
  readonly persist: Time | null;
  readonly delayedAck: Time | null;
  readonly timeWait: Time | null;
}

export interface ConnSnapshot {
  readonly name: string;
  readonly host: string;
  /** The label the application gave it: 'ctrl', 'data', 'tcp'. */
  readonly label: string;
  readonly local: Endpoint;
  readonly remote: Endpoint;
  readonly state: TcpState;
  /** The listener's port for a connection a listener accepted (passive open), else null. */
  readonly listener: number | null;
  /** ISS and IRS, and the send and receive variables of RFC 9293 §3.3.1, absolute (mod 2^32). */
  readonly iss: number;
  readonly irs: number;
  readonly sndUna: number;
  readonly sndNxt: number;
  readonly sndWnd: number;
  readonly rcvNxt: number;
  readonly rcvWnd: number;
  /** SND.UNA, SND.NXT and RCV.NXT relative to ISS and IRS, as the ladder numbers segments. */
  readonly relative: { readonly sndUna: number; readonly sndNxt: number; readonly rcvNxt: number };
  /** The effective send MSS. */
  readonly mss: number;
  readonly rto: Time;
  readonly srtt: Time | null;
  readonly cwnd: number;
  readonly ssthresh: number;
  /** Bytes written by the application and not yet acknowledged by the peer. */
  readonly queued: number;
  /** Bytes arrived in order and not yet read by the application. */
  readonly unread: number;
  readonly finSent: boolean;
  readonly finReceived: boolean;
  readonly timers: TcpTimers;
  /** What the connection is to an FTP server on its host: the control connection or a data connection of a session. */
  readonly ftp: { readonly session: string; readonly data: number | null } | null;
}

/** A connection that reached CLOSED and is gone from the world. */
export interface ClosedConn {
  readonly name: string;
  readonly host: string;
  readonly state: 'CLOSED';
  /** When and at which trace entry it closed, and the state it closed from. */
  readonly at: Time;
  readonly seq: number;
  readonly from: TcpState;
}

/** The data channel as a reader thinks of it; the model's own finer state is `dataModel`. */
export type DataChannelState = 'none' | 'connecting' | 'listening' | 'established' | 'closing';

export interface ReplySent {
  readonly seq: number;
  readonly at: Time;
  readonly code: number;
  readonly text: string;
}

export interface SessionSnapshot {
  /** The session's name: its control connection's name at the server. */
  readonly name: string;
  readonly host: string;
  readonly client: Endpoint;
  readonly openedAt: Time;
  /** Login phase. */
  readonly phase: 'AWAIT-USER' | 'AWAIT-PASS' | 'LOGGED-IN';
  readonly user: string | null;
  readonly root: string;
  readonly cwd: string;
  /** TYPE: 'A' (ASCII) or 'I' (image, binary). */
  readonly type: 'A' | 'I';
  readonly data: DataChannelState;
  /** The model's data-channel state ('LISTEN-REQUESTED', 'PORT-SET', 'FAILED', ...), null when none. */
  readonly dataModel: string | null;
  /** The data connection's name once there is one, or the port the server listens on. */
  readonly dataConn: string | null;
  /** Data connections the server has closed whose close handshake has not finished. */
  readonly closingData: number;
  /** The command in progress (later lines wait behind it) and its phase, or null. */
  readonly busy: { readonly command: string; readonly phase: string } | null;
  /** Command lines received and waiting behind `busy`. */
  readonly queuedLines: number;
  readonly replies: readonly ReplySent[];
}

export interface HostSnapshot {
  readonly name: string;
  readonly addr: string;
  /** Live connections, by name. */
  readonly connections: readonly string[];
  /** Ports with a listener. */
  readonly listening: readonly number[];
  /** Live FTP sessions, when the host runs the FTP server. */
  readonly sessions: readonly string[];
  readonly ftpServer: boolean;
}

type Named<T> = Readonly<Record<string, T>>;

export class Snapshot {
  /** Simulated time, steps run and trace entries recorded when the snapshot was taken. */
  readonly at: Time;
  readonly step: number;
  readonly entries: number;
  readonly hosts: Named<HostSnapshot>;
  readonly connections: Named<ConnSnapshot>;
  readonly closed: Named<ClosedConn>;
  readonly sessions: Named<SessionSnapshot>;

  constructor(world: World) {
    this.at = world.now;
    this.step = world.steps;
    this.entries = world.trace.length;
    const parts = collect(world);
    this.hosts = freeze(parts.hosts, true);
    this.connections = freeze(parts.connections, true);
    this.closed = freeze(parts.closed, true);
    this.sessions = freeze(parts.sessions, true);
    Object.freeze(this);
  }

  /** A live connection; a UsageError for a closed or unknown name. */
  conn(name: string): ConnSnapshot {
    const c = this.connections[name];
    if (c !== undefined) return c;
    const gone = this.closed[name];
    if (gone !== undefined) {
      throw new UsageError(
        `connection '${name}' is closed: it went from ${gone.from} to CLOSED at t=${formatMs(gone.at)} (entry #${gone.seq})`,
      );
    }
    throw unknown('connection', name, Object.keys(this.connections), Object.keys(this.closed));
  }

  /** The TCP state of a connection, live or closed: 'CLOSED' for one that is gone. */
  tcpState(name: string): TcpState {
    const c = this.connections[name];
    if (c !== undefined) return c.state;
    if (this.closed[name] !== undefined) return 'CLOSED';
    throw unknown('connection', name, Object.keys(this.connections), Object.keys(this.closed));
  }

  session(name: string): SessionSnapshot {
    const s = this.sessions[name];
    if (s !== undefined) return s;
    throw unknown('FTP session', name, Object.keys(this.sessions), []);
  }

  host(name: string): HostSnapshot {
    const h = this.hosts[name];
    if (h !== undefined) return h;
    throw unknown('host', name, Object.keys(this.hosts), []);
  }
}

function unknown(what: string, name: string, live: readonly string[], closed: readonly string[]): UsageError {
  const known = live.length === 0 ? `there are no ${what}s now` : `known: ${live.join(', ')}`;
  const gone = closed.length === 0 ? '' : `; closed: ${closed.join(', ')}`;
  return new UsageError(`no ${what} named '${name}' (${known}${gone})`);
}
