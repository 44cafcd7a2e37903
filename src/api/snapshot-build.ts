/**
 * Building a Snapshot from a world: one pass over the world's keys for the models' state (`conn:`,
 * `listen:`, `ftp:`, `ftps:`, `ftpc:`, `ftpd:` keys, as sim/net/sockets.ts and src/apps/ftp-server.ts keep
 * them) and one over the trace for what the state no longer holds (replies sent, connections gone). The
 * shapes a reader gets, and their meaning, are snapshot.ts.
 */

import { assertNever } from '../../sim/errors.ts';
import { netConfig } from '../../sim/net/network.ts';
import type { Conn } from '../../sim/net/sockets.ts';
import type { Time } from '../../sim/time.ts';
import type { EntryOf } from '../../sim/trace.ts';
import type { World } from '../../sim/world.ts';
import type { Session } from '../ftp/session-state.ts';
import type {
  ClosedConn,
  ConnSnapshot,
  DataChannelState,
  HostSnapshot,
  ReplySent,
  SessionSnapshot,
} from './snapshot.ts';

interface SessionSlot {
  readonly session: Session;
  readonly timerAt: Time | null;
}

interface ConnRole {
  readonly session: string;
  readonly data: number | null;
}

export interface Parts {
  hosts: Record<string, HostSnapshot>;
  connections: Record<string, ConnSnapshot>;
  closed: Record<string, ClosedConn>;
  sessions: Record<string, SessionSnapshot>;
}

export function collect(world: World): Parts {
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
