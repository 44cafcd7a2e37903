/**
 * inspect(): an immutable snapshot of a world between two steps, for a reader rather than for the models:
 * every host, every connection (TCP state, the RFC 9293 send and receive variables, windows, RTO, bytes
 * queued, timers), and every FTP session (login, directory, type, data channel, replies sent).
 *
 * Built from the state the models keep in the world (`conn:<name>`, `ftp:<host>`, `ftps:<host>|<session>`,
 * `ftpc:<conn>`, `listen:<host>|<port>`) and from the trace (replies sent, connections that have closed);
 * deep-frozen, so that a test cannot change what it inspected and a snapshot never drifts as the run goes on.
 *
 * Names are the world's own and stable: 'server/ctrl#1', 'client/data#2'. A connection that reached CLOSED
 * is gone from the world; the snapshot lists it under `closed` (from the trace), and `tcpState(name)` answers
 * 'CLOSED' for it. Looking up a name that never existed is a UsageError listing the names that do.
 *
 * Not here: listeners' queues, path queues and held segments (the network's state), file contents (ftpFs).
 */

import { freeze } from 'immer';
import { assertNever, UsageError } from '../../sim/errors.ts';
import { netConfig } from '../../sim/net/network.ts';
import type { Conn } from '../../sim/net/sockets.ts';
import type { Endpoint } from '../../sim/tcp/segment.ts';
import type { TcpState } from '../../sim/tcp/tcb.ts';
import { formatMs, type Time } from '../../sim/time.ts';
import type { EntryOf } from '../../sim/trace.ts';
import type { World } from '../../sim/world.ts';
import type { Session } from '../ftp/session-state.ts';
import '../apps/ftp-trace.ts';

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

// ---- building ----------------------------------------------------------------------------------------------

interface SessionSlot {
  readonly session: Session;
  readonly timerAt: Time | null;
}

interface ConnRole {
  readonly session: string;
  readonly data: number | null;
}

interface Parts {
  hosts: Record<string, HostSnapshot>;
  connections: Record<string, ConnSnapshot>;
  closed: Record<string, ClosedConn>;
  sessions: Record<string, SessionSnapshot>;
}

function collect(world: World): Parts {
  const conns: Conn[] = [];
  const listening = new Map<string, number[]>();
  const slots: Array<[host: string, SessionSlot]> = [];
  const servers = new Set<string>();
  for (const key of world.keys()) {
    if (key.startsWith('conn:')) conns.push(world.get<Conn>(key)!);
    else if (key.startsWith('listen:')) {
      const [host, port] = key.slice('listen:'.length).split('|');
      listening.set(host!, [...(listening.get(host!) ?? []), Number(port)]);
    } else if (key.startsWith('ftps:')) {
      slots.push([key.slice('ftps:'.length, key.indexOf('|')), world.get<SessionSlot>(key)!]);
    } else if (key.startsWith('ftp:')) servers.add(key.slice('ftp:'.length));
  }
  const hostOrder = new Map<string, number>();
  let hostList: Array<{ name: string; addr: string }> = [];
  try {
    hostList = [...netConfig(world).hosts.values()];
  } catch {
    hostList = []; // a world without a network has no hosts and no connections
  }
  for (const [i, h] of hostList.entries()) hostOrder.set(h.name, i);
  conns.sort((a, b) => byName(hostOrder, a.host, a.name, b.host, b.name));
  slots.sort(([ha, a], [hb, b]) => byName(hostOrder, ha, a.session.id, hb, b.session.id));

  const connections: Record<string, ConnSnapshot> = {};
  for (const c of conns) {
    const role = world.get<ConnRole>(`ftpc:${c.name}`);
    connections[c.name] = connSnapshot(
      c,
      role === undefined ? null : { session: role.session, data: role.data },
    );
  }

  const { replies, closed } = fromTrace(world, connections);
  const sessions: Record<string, SessionSnapshot> = {};
  for (const [host, slot] of slots) {
    const s = slot.session;
    const dataConn = world.get<string | number>(`ftpd:${host}|${s.id}|${dataId(s)}`);
    sessions[s.id] = sessionSnapshot(
      host,
      s,
      typeof dataConn === 'string' ? dataConn : null,
      replies.get(s.id) ?? [],
    );
  }

  const hosts: Record<string, HostSnapshot> = {};
  for (const h of hostList) {
    hosts[h.name] = {
      name: h.name,
      addr: h.addr,
      connections: conns.filter((c) => c.host === h.name).map((c) => c.name),
      listening: (listening.get(h.name) ?? []).sort((a, b) => a - b),
      sessions: slots.filter(([sh]) => sh === h.name).map(([, slot]) => slot.session.id),
      ftpServer: servers.has(h.name),
    };
  }
  return { hosts, connections, closed, sessions };
}

/** Host order of the network, then the connection's number: 'client/ctrl#1' before 'client/data#2'. */
function byName(order: ReadonlyMap<string, number>, ha: string, a: string, hb: string, b: string): number {
  const h = (order.get(ha) ?? 1e9) - (order.get(hb) ?? 1e9);
  if (h !== 0) return h;
  return numberOf(a) - numberOf(b) || (a < b ? -1 : a > b ? 1 : 0);
}

function numberOf(name: string): number {
  const i = name.lastIndexOf('#');
  return i < 0 ? 0 : Number(name.slice(i + 1)) || 0;
}

function connSnapshot(c: Conn, ftp: ConnSnapshot['ftp']): ConnSnapshot {
  const t = c.tcb;
  return {
    name: c.name,
    host: c.host,
    label: c.label,
    local: c.local,
    remote: c.remote,
    state: t.state,
    listener: c.listener,
    iss: t.iss,
    irs: t.irs,
    sndUna: t.sndUna,
    sndNxt: t.sndNxt,
    sndWnd: t.sndWnd,
    rcvNxt: t.rcvNxt,
    rcvWnd: t.rcvWnd,
    relative: {
      sndUna: (t.sndUna - t.iss) >>> 0,
      sndNxt: (t.sndNxt - t.iss) >>> 0,
      rcvNxt: (t.rcvNxt - t.irs) >>> 0,
    },
    mss: t.sndMss,
    rto: t.rto,
    srtt: t.srtt,
    cwnd: t.cwnd,
    ssthresh: t.ssthresh,
    queued: t.sndQueue.length,
    unread: t.rcvQueue.length,
    finSent: t.finSeq !== null,
    finReceived: t.finReceived,
    timers: { retransmit: t.rtxAt, persist: t.persistAt, delayedAck: t.ackAt, timeWait: t.timeWaitAt },
    ftp,
  };
}

/**
 * One pass over the trace: the replies each session has sent, and the connections that are gone. A
 * connection is gone when the world no longer holds it; its last state change says when. Usually that is
 * its move to CLOSED; a passive TCB reset back to LISTEN is discarded without one (RFC 9293 §3.10.7.4), and
 * is listed as having gone from LISTEN to CLOSED then.
 */
function fromTrace(
  world: World,
  live: Readonly<Record<string, ConnSnapshot>>,
): { replies: Map<string, ReplySent[]>; closed: Record<string, ClosedConn> } {
  const replies = new Map<string, ReplySent[]>();
  const last = new Map<string, EntryOf<'tcp-state'>>();
  for (const e of world.trace) {
    if (e.kind === 'ftp-reply') {
      const reply = { seq: e.seq, at: e.at, code: e.code, text: e.text };
      const list = replies.get(e.session);
      if (list === undefined) replies.set(e.session, [reply]);
      else list.push(reply);
    } else if (e.kind === 'tcp-state' && live[e.conn] === undefined) {
      last.set(e.conn, e);
    }
  }
  const closed: Record<string, ClosedConn> = {};
  for (const [name, e] of last) {
    const from = e.to === 'CLOSED' ? e.from : e.to;
    closed[name] = { name, host: e.host, state: 'CLOSED', at: e.at, seq: e.seq, from };
  }
  return { replies, closed };
}

function dataId(s: Session): number | null {
  const d = s.data;
  if (d === null || !('id' in d)) return null;
  return d.id;
}

function sessionSnapshot(
  host: string,
  s: Session,
  dataConn: string | null,
  replies: ReplySent[],
): SessionSnapshot {
  const busy = s.busy;
  return {
    name: s.id,
    host,
    client: s.client,
    openedAt: s.openedAt,
    phase: s.login.state,
    user: s.login.state === 'AWAIT-USER' ? null : s.login.user,
    root: s.root,
    cwd: s.cwd,
    type: s.type,
    data: dataChannelState(s),
    dataModel: s.data?.state ?? null,
    dataConn,
    closingData: s.closing.length,
    busy:
      busy === null
        ? null
        : {
            command: busy.cmd.arg === '' ? busy.cmd.verb : `${busy.cmd.verb} ${busy.cmd.arg}`,
            phase: busy.phase,
          },
    queuedLines: s.queue.length,
    replies,
  };
}

/**
 * The model's data channel, in the five words a reader uses. LISTEN-REQUESTED counts as listening (the
 * listener is being opened in the same step); iis6's PORT-SET (a PORT remembered, the connection opened by
 * the transfer command) and FAILED (remembered for the next transfer's 425) have no connection: 'none', or
 * 'closing' while an earlier data connection's close handshake runs.
 */
export function dataChannelState(s: Session): DataChannelState {
  const d = s.data;
  if (d !== null) {
    switch (d.state) {
      case 'LISTEN-REQUESTED':
      case 'LISTENING':
        return 'listening';
      case 'CONNECTING':
        return 'connecting';
      case 'ESTABLISHED':
        return 'established';
      case 'PORT-SET':
      case 'FAILED':
        break;
      default:
        return assertNever(d, 'data channel');
    }
  }
  return s.closing.length > 0 ? 'closing' : 'none';
}
