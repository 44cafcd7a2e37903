/**
 * The socket facade: what application models above the engine use to talk TCP. Owns the hosts' port
 * tables (listeners, connections, ephemeral ports), runs the TCP machine of each connection (sim/tcp/),
 * carries its segments to the network (network.ts), keeps one timer event per connection, and delivers
 * socket events to applications.
 *
 * An application is a handler registered on the world as `app:<type>`; it receives `{ app, ev }` where
 * `app` is the application's id and `ev` a SocketEvent. Calls from applications (listen, connect, send,
 * read, close, abort) happen inside the step that delivered an event, or from a scheduled event of the
 * application's own.
 *
 * State in the world (immutable values):
 * - `conn:<name>`                         Conn: the TCB and the connection's bookkeeping;
 * - `demux:<host>|<lport>|<raddr>|<rport>` the world slot of the Conn with that 4-tuple;
 * - `listen:<host>|<port>`                Listener;
 * - the port table (`bound:`, `conns:`, `eph:` keys): ports.ts.
 * The values themselves (Conn, Listener, SocketEvent, ...) are declared in socket-types.ts.
 *
 * Every table is spread over keys rather than held in one map per host, so that opening a connection
 * costs the same on a host with ten thousand connections as on a host with one.
 *
 * Connection names are stable and readable: `<host>/<label>#<n>`, n counting per host from 1, label
 * given by the application ('ctrl', 'data') or 'tcp'.
 */

import { assertNever, InvariantError, UsageError } from '../errors.ts';
import * as tcp from '../tcp/index.ts';
import type { TcpOptions } from '../tcp/options.ts';
import { ACK, type Endpoint, RST, type Segment, SYN } from '../tcp/segment.ts';
import type { World } from '../world.ts';
import { routeOf, sendOnRoute, sendSegment, type Wired } from './network.ts';
import { bind, checkHost, checkPort, ephemeralPort, newConnName, tupleInUse } from './ports.ts';
import type { AppCall, AppRef, Conn, Listener, SocketEvent } from './socket-types.ts';

export { EPHEMERAL_HIGH, EPHEMERAL_LOW, isListening, tupleInUse } from './ports.ts';

export type { AppCall, AppRef, Conn, Listener, SocketEvent } from './socket-types.ts';

/**
 * Where a connection named by an application is kept: its world key, built once per name, and its slot in
 * the last world that asked. A key built by a template literal per lookup is a new string that the world's
 * Map hashes again every time, and the world's Map of all keys is large (measured on bench/ftp.ts, 10,000
 * sessions: a lookup there cost ~500 ns, and applications name a connection in one event of four); the slot
 * is an array index. Slot numbers never change in a world, so the entry is right for as long as it names the
 * same world (`World.serial`). Cleared past CONN_KEYS_MAX names, so a long-lived process (the fuzzer) does
 * not keep every name it ever saw.
 */
interface ConnPlace {
  readonly key: string;
  world: number;
  slot: number;
}
const connPlaces = new Map<string, ConnPlace>();
const CONN_KEYS_MAX = 1 << 16;
function connPlace(name: string): ConnPlace {
  let p = connPlaces.get(name);
  if (p === undefined) {
    if (connPlaces.size >= CONN_KEYS_MAX) connPlaces.clear();
    p = { key: `conn:${name}`, world: -1, slot: -1 };
    connPlaces.set(name, p);
  }
  return p;
}

/** The connection record of a name, or undefined when there is none now. */
function connNamed(world: World, name: string): Conn | undefined {
  const p = connPlace(name);
  if (p.world !== world.serial) {
    const slot = world.slotOf(p.key);
    if (slot === undefined) return undefined;
    p.world = world.serial;
    p.slot = slot;
  }
  return world.at<Conn>(p.slot);
}

/** The slot of a new connection's record: taken, and remembered for `connNamed`. */
function connSlot(world: World, name: string): number {
  const p = connPlace(name);
  p.slot = world.slot(p.key);
  p.world = world.serial;
  return p.slot;
}

/** The key under which `host` finds the connection of a 4-tuple (its slot). */
function demuxKey(host: string, localPort: number, remoteAddr: string, remotePort: number): string {
  return `demux:${host}|${localPort}|${remoteAddr}|${remotePort}`;
}

const TIMER = 'tcp:timer';
const OPTIONS = 'tcp:options';

declare module '../trace.ts' {
  interface TraceKinds {
    'tcp-state': { readonly conn: string; readonly from: tcp.TcpState; readonly to: tcp.TcpState };
    'sock-event': { readonly conn: string; readonly event: SocketEvent['kind']; readonly bytes?: number };
    'sock-call': { readonly conn: string; readonly call: string; readonly bytes?: number };
    /** What the TCP machine noted besides segments and states: timers, drops, congestion events, call errors. */
    'tcp-event': { readonly conn: string; readonly event: string; readonly detail: string };
  }
}

// ---- installation ------------------------------------------------------------------------------------------

/** Registers the socket layer's handlers. `options` are the TCP options of every host unless overridden. */
export function installSockets(
  world: World,
  options: Partial<TcpOptions> = {},
  perHost: Record<string, Partial<TcpOptions>> = {},
): void {
  world.set(OPTIONS, { all: options, perHost });
  // The event's data is the connection's slot (Conn.slot).
  world.on(TIMER, (w, slot: number) => {
    const c = w.at<Conn>(slot);
    if (c === undefined || c.timerAt !== w.now) return; // a stale wake: the deadline moved or the connection is gone
    apply(w, revise(c, { timerAt: null }), tcp.handleTimeout(c.tcb, w.now));
  });
}

/**
 * A host's TCP options, validated. The validated object is kept per options object given (and per host
 * override), so that tcp.createTcb finds it validated already instead of merging and checking every field
 * again for each connection (measured on bench/ftp.ts, 3,000 sessions: tcp's option check was 65 ms of a
 * 6.5 s profile). Invalid options are not kept: each connection attempt throws the same UsageError as before.
 */
const validatedOptions = new WeakMap<object, WeakMap<object, TcpOptions>>();
const NO_OVERRIDE = {};
function tcpOptions(world: World, host: string): TcpOptions {
  const o = world.get<{ all: Partial<TcpOptions>; perHost: Record<string, Partial<TcpOptions>> }>(OPTIONS);
  if (o === undefined) throw new UsageError('this world has no sockets: call installSockets first');
  const extra = o.perHost[host] ?? NO_OVERRIDE;
  let byExtra = validatedOptions.get(o.all);
  if (byExtra === undefined) {
    byExtra = new WeakMap();
    validatedOptions.set(o.all, byExtra);
  }
  let v = byExtra.get(extra);
  if (v === undefined) {
    v = tcp.tcpOptions(extra === NO_OVERRIDE ? o.all : { ...o.all, ...extra });
    byExtra.set(extra, v);
  }
  return v;
}

// ---- application calls -----------------------------------------------------------------------------------

export interface ListenOptions {
  readonly app: AppRef;
  readonly backlog?: number;
  readonly label?: string;
  readonly autoRead?: boolean;
  readonly hold?: boolean;
}

export function listen(world: World, host: string, port: number, o: ListenOptions): void {
  checkHost(world, host);
  checkPort(port, 'listen');
  const key = `listen:${host}|${port}`;
  if (world.get(key) !== undefined) throw new UsageError(`${host}: port ${port} already has a listener`);
  world.set(key, {
    host,
    port,
    backlog: o.backlog ?? 128,
    app: o.app,
    label: o.label ?? 'tcp',
    autoRead: o.autoRead ?? true,
    hold: o.hold ?? false,
    held: [],
    embryonic: 0,
  } satisfies Listener);
  bind(world, host, port, +1);
}

export function unlisten(world: World, host: string, port: number): void {
  const key = `listen:${host}|${port}`;
  if (world.get(key) === undefined) return;
  world.delete(key);
  bind(world, host, port, -1);
}

/**
 * Holds or releases new connections on a listener. While held, a SYN is kept unanswered (the peer's SYN
 * retransmission timer runs); on release every held SYN is answered as if it arrived now.
 */
export function holdAccepts(world: World, host: string, port: number, held: boolean): void {
  const key = `listen:${host}|${port}`;
  const l = world.get<Listener>(key);
  if (l === undefined) throw new UsageError(`${host}: no listener on port ${port}`);
  world.set(key, { ...l, hold: held, held: held ? l.held : [] });
  if (!held) for (const seg of l.held) passiveOpen(world, host, { ...l, hold: false, held: [] }, seg);
}

export interface ConnectOptions {
  readonly app: AppRef;
  readonly localPort?: number;
  readonly label?: string;
  readonly autoRead?: boolean;
  readonly sendBuffer?: number;
}

/** Like a typical socket send buffer: send() returns false past this many unacknowledged bytes. */
export const DEFAULT_SEND_BUFFER = 65536;

/** Active open from `host` to `remote`. Returns the new connection's name; events follow. */
export function connect(world: World, host: string, remote: Endpoint, o: ConnectOptions): string {
  const h = checkHost(world, host);
  checkPort(remote.port, 'connect to');
  const localPort = o.localPort ?? ephemeralPort(world, host);
  if (o.localPort !== undefined) checkPort(o.localPort, 'connect from');
  if (tupleInUse(world, host, localPort, remote)) {
    throw new UsageError(
      `${host}: a connection ${h.addr}:${localPort} -> ${remote.addr}:${remote.port} already exists`,
    );
  }
  const conn = newConn(world, host, { addr: h.addr, port: localPort }, remote, {
    app: o.app,
    autoRead: o.autoRead ?? true,
    listener: null,
    label: o.label ?? 'tcp',
    sendBuffer: o.sendBuffer ?? DEFAULT_SEND_BUFFER,
  });
  const { name, tcb } = conn;
  if (world.tracing) world.record('sock-call', host, { conn: name, call: 'connect' });
  apply(world, conn, tcp.open(tcb, world.rng(`tcp:iss:${host}`).uint32(), world.now));
  return name;
}

/**
 * Queues bytes for sending. Never drops them: returns false when the send buffer is full (unacknowledged
 * bytes >= sendBuffer), and a 'drained' event follows when it has room again, as node's write() does.
 */
export function send(world: World, name: string, bytes: Uint8Array): boolean {
  const c = liveConn(world, name, 'send');
  if (c === undefined) return true;
  if (world.tracing) world.record('sock-call', c.host, { conn: name, call: 'send', bytes: bytes.length });
  apply(world, c, tcp.send(c.tcb, bytes, world.now));
  const after = world.at<Conn>(c.slot);
  if (after === undefined) return true;
  const room = tcp.unacknowledged(after.tcb) < after.sendBuffer;
  if (!room && !after.wantDrain) world.put(c.slot, revise(after, { wantDrain: true }));
  return room;
}

/** Takes up to `max` bytes from the receive buffer (all of it by default); the window opens accordingly. */
export function read(world: World, name: string, max = Number.POSITIVE_INFINITY): Uint8Array {
  const c = liveConn(world, name, 'read');
  if (c === undefined) return tcp.EMPTY;
  const r = tcp.read(c.tcb, max, world.now);
  apply(world, c, r);
  return r.bytes;
}

export function close(world: World, name: string): void {
  const c = connNamed(world, name);
  if (c === undefined) return; // already gone: closing twice is harmless
  if (world.tracing) world.record('sock-call', c.host, { conn: name, call: 'close' });
  apply(world, c, tcp.close(c.tcb, world.now));
}

export function abort(world: World, name: string): void {
  const c = connNamed(world, name);
  if (c === undefined) return;
  if (world.tracing) world.record('sock-call', c.host, { conn: name, call: 'abort' });
  apply(world, c, tcp.abort(c.tcb, world.now));
}

/**
 * The connection a call is for. A connection that existed and has ended is not the caller's bug: a reset
 * can arrive just before the application acts on what it read earlier. The call then does nothing and the
 * trace says so, as RFC 9293 §3.10 answers a call on a closed connection with "connection does not exist".
 * A name that never existed is a UsageError.
 */
function liveConn(world: World, name: string, call: string): Conn | undefined {
  const c = connNamed(world, name);
  if (c !== undefined) return c;
  const m = /^(.+)\/[^/#]+#(\d+)$/.exec(name);
  if (m === null || Number(m[2]) >= (world.get<number>(`conns:${m[1]}`) ?? 1)) return getConn(world, name);
  if (world.tracing) {
    world.record('tcp-event', m[1]!, {
      conn: name,
      event: 'error',
      detail: `${call}: connection does not exist`,
    });
  }
  return undefined;
}

export function getConn(world: World, name: string): Conn {
  const c = connNamed(world, name);
  if (c === undefined) throw new UsageError(`no connection named '${name}' (it may have closed)`);
  return c;
}

export function findConn(world: World, name: string): Conn | undefined {
  return connNamed(world, name);
}

// ---- segments arriving at a host ---------------------------------------------------------------------------

/** The network's deliver hook: a segment reached host `to`'s interface. */
export function deliver(world: World, wired: Wired): void {
  const { seg, to } = wired;
  const slot =
    wired.demux >= 0
      ? world.at<number>(wired.demux)
      : world.get<number>(demuxKey(to, seg.dst.port, seg.src.addr, seg.src.port));
  const c = slot === undefined ? undefined : world.at<Conn>(slot)!;
  if (world.tracing) world.record('seg-recv', to, { seg, conn: c?.name ?? '', from: wired.from });
  if (c !== undefined) {
    apply(world, c, tcp.handleSegment(c.tcb, seg, world.now));
    return;
  }
  const l = world.get<Listener>(`listen:${to}|${seg.dst.port}`);
  if (l !== undefined && (seg.flags & (SYN | RST | ACK)) === SYN) {
    if (l.hold) {
      // Keep one SYN per peer: a retransmitted SYN replaces the one held before it.
      const held = l.held.filter((s) => s.src.addr !== seg.src.addr || s.src.port !== seg.src.port);
      world.set(`listen:${to}|${seg.dst.port}`, { ...l, held: [...held, seg] });
      return;
    }
    passiveOpen(world, to, l, seg);
    return;
  }
  // RFC 9293 §3.10.7.1: no connection and no listener (or not a SYN for the listener) -> the closed-port reply.
  const reply = tcp.closedPortReply(seg);
  if (reply !== null) sendSegment(world, to, reply, '');
}

/** A new connection in CLOSED, named, in the demultiplexing table and holding its local port. */
function newConn(
  world: World,
  host: string,
  local: Endpoint,
  remote: Endpoint,
  o: Pick<Conn, 'app' | 'autoRead' | 'listener' | 'label' | 'sendBuffer'>,
): Conn {
  const name = newConnName(world, host, o.label);
  const l = { addr: local.addr, port: local.port };
  const r = { addr: remote.addr, port: remote.port };
  const tcb = tcp.createTcb(l, r, tcpOptions(world, host)); // first: bad options throw before anything is taken
  const slot = connSlot(world, name);
  world.set(demuxKey(host, l.port, r.addr, r.port), slot);
  bind(world, host, l.port, +1);
  // The peer finds this connection's segments under its own demux key: the 4-tuple seen from its side.
  const route = routeOf(world, host, r.addr, name, (to) => world.slot(demuxKey(to, r.port, l.addr, l.port)));
  return {
    name,
    slot,
    route,
    host,
    local: l,
    remote: r,
    tcb,
    app: o.app,
    autoRead: o.autoRead,
    timerAt: null,
    listener: o.listener,
    label: o.label,
    sendBuffer: o.sendBuffer,
    wantDrain: false,
    appDone: false,
    announced: false,
  };
}

/** The fields of a connection record that change after it is made. */
type ConnChange = Partial<Pick<Conn, 'tcb' | 'timerAt' | 'wantDrain' | 'appDone' | 'announced'>>;

/**
 * A connection record with some of its changing fields replaced. Written as one literal in the order of
 * `newConn`, so that every record has one shape: `{ ...c, tcb }` over records made in several places fell to
 * V8's generic object copy (measured on bench/ftp.ts, 10,000 sessions: that one spread per event was 7% of
 * the run, ~850 ns each).
 */
function revise(c: Conn, change: ConnChange): Conn {
  return {
    name: c.name,
    slot: c.slot,
    route: c.route,
    host: c.host,
    local: c.local,
    remote: c.remote,
    tcb: change.tcb ?? c.tcb,
    app: c.app,
    autoRead: c.autoRead,
    timerAt: change.timerAt !== undefined ? change.timerAt : c.timerAt,
    listener: c.listener,
    label: c.label,
    sendBuffer: c.sendBuffer,
    wantDrain: change.wantDrain ?? c.wantDrain,
    appDone: change.appDone ?? c.appDone,
    announced: change.announced ?? c.announced,
  };
}

function passiveOpen(world: World, host: string, l: Listener, syn: Segment): void {
  if (l.embryonic >= l.backlog) return; // backlog full: the SYN is dropped and the peer will retry (as Linux)
  const conn = newConn(world, host, syn.dst, syn.src, {
    app: l.app,
    autoRead: l.autoRead,
    listener: l.port,
    label: l.label,
    sendBuffer: DEFAULT_SEND_BUFFER,
  });
  const { tcb } = conn;
  world.set(`listen:${host}|${l.port}`, { ...l, embryonic: l.embryonic + 1 });
  const listening = tcp.listen(tcb, world.rng(`tcp:iss:${host}`).uint32());
  const c = revise(conn, { tcb: listening.tcb });
  world.put(c.slot, c);
  apply(world, c, tcp.handleSegment(listening.tcb, syn, world.now));
}

// ---- running a TCP step's outputs ----------------------------------------------------------------------------

/**
 * Stores the connection's new TCB, then carries out the outputs in order. The TCB is stored first, so an
 * application that calls back into the socket layer from an event sees the current state.
 */
function apply(world: World, before: Conn, step: tcp.Step): void {
  let c = revise(before, { tcb: step.tcb });
  const key = c.slot;
  world.put(key, c);
  // Whether an application ran (or this connection was stored again) since the set above: only then is the
  // stored value read back (before each output and at the end). Sending segments and tracing never touch
  // connections, and a pure ACK or a window update delivers nothing to an application (measured: from 5 to
  // about 2 connection lookups per event in the FTP benchmark).
  let stale = false;
  for (const o of step.out) {
    // An application may have aborted or closed the connection for good while handling an earlier output
    // of this step (an accepted connection reset at once): what is left of the step is stale then. Only an
    // application can do that, so the lookup waits until one has run (`stale`).
    if (stale && world.at<Conn>(key) === undefined) return;
    switch (o.kind) {
      case 'segment':
        sendOnRoute(world, c.route, o.seg);
        break;
      case 'state':
        if (world.tracing) world.record('tcp-state', c.host, { conn: c.name, from: o.from, to: o.to });
        if (o.from === 'SYN-RECEIVED' && c.listener !== null) leaveEmbryonic(world, c);
        if (o.to === 'TIME-WAIT') {
          c = finish(world, c, 'closed');
          stale = true;
        }
        break;
      case 'connected':
        c = revise(world.at<Conn>(key) ?? c, { announced: true });
        world.put(key, c);
        stale = true;
        emit(
          world,
          c,
          c.listener !== null
            ? { kind: 'accepted', conn: c.name, port: c.listener, remote: c.remote }
            : { kind: 'connected', conn: c.name },
        );
        break;
      case 'data':
        if (c.autoRead && !stale && step.tcb !== before.tcb) {
          // The TCB this step made has been seen by no one else yet (no application has run in this step),
          // so the read takes the octets from it in place: the same outputs and end of step as the separate
          // read below, without its TCB and record copies (about one event in two of the FTP benchmark reads
          // data this way: ~500 bytes of allocation saved each).
          const out: tcp.TcpOutput[] = [];
          const bytes = tcp.readOwned(c.tcb as tcp.MutTcb, out);
          stale = true;
          for (const ro of out) readOutput(world, c, ro);
          settle(world, c);
          if (bytes.length > 0) emit(world, c, { kind: 'data', conn: c.name, bytes });
        } else if (c.autoRead) {
          const cur = stale ? world.at<Conn>(key)! : c;
          stale = true;
          const r = tcp.read(cur.tcb, Number.POSITIVE_INFINITY, world.now);
          apply(world, cur, r);
          if (r.bytes.length > 0) emit(world, cur, { kind: 'data', conn: c.name, bytes: r.bytes });
        } else {
          stale = true;
          emit(world, c, { kind: 'readable', conn: c.name });
        }
        break;
      case 'peer-closed':
        stale = true;
        emit(world, c, { kind: o.kind, conn: c.name });
        break;
      case 'closed':
      case 'reset':
      case 'refused':
      case 'timed-out':
        c = finish(world, c, o.kind);
        stale = true;
        break;
      case 'timer':
        if (world.tracing)
          world.record('tcp-event', c.host, { conn: c.name, event: 'timer', detail: o.timer });
        break;
      case 'drop':
        if (world.tracing)
          world.record('tcp-event', c.host, { conn: c.name, event: 'drop', detail: o.reason });
        break;
      case 'error':
        if (world.tracing)
          world.record('tcp-event', c.host, { conn: c.name, event: 'error', detail: o.error });
        break;
      case 'congestion':
        if (world.tracing) {
          const detail = `${o.event} cwnd=${o.cwnd} ssthresh=${o.ssthresh}`;
          world.record('tcp-event', c.host, { conn: c.name, event: 'congestion', detail });
        }
        break;
      default:
        assertNever(o, 'TCP output');
    }
  }
  // The application may have changed the connection during the events; schedule from what is stored now.
  if (stale) {
    const cur = world.at<Conn>(key);
    if (cur === undefined) return;
    c = cur;
  }
  settle(world, c);
}

/** What a read can output: a window update, or the error of reading a connection that does not exist. */
function readOutput(world: World, c: Conn, o: tcp.TcpOutput): void {
  if (o.kind === 'segment') sendOnRoute(world, c.route, o.seg);
  else if (o.kind === 'error') {
    if (world.tracing) world.record('tcp-event', c.host, { conn: c.name, event: 'error', detail: o.error });
  } else throw new InvariantError(`a read output '${o.kind}'`);
}

/**
 * The end of a step, from the connection as stored now: forget it once closed, owe the application a
 * 'drained' when its send buffer has room again, and make sure a wake is scheduled for its next deadline.
 */
function settle(world: World, conn: Conn): void {
  let c = conn;
  const key = c.slot;
  // A per-SYN TCB reset in SYN-RECEIVED goes back to LISTEN (RFC 9293 §3.10.7.4); the listener is
  // separate here, so that TCB is simply discarded, like one that reached CLOSED.
  if (c.tcb.state === 'CLOSED' || (c.tcb.state === 'LISTEN' && c.listener !== null)) {
    forget(world, c);
    return;
  }
  if (c.wantDrain && tcp.unacknowledged(c.tcb) < c.sendBuffer && !c.appDone) {
    c = revise(c, { wantDrain: false });
    world.put(key, c);
    emit(world, c, { kind: 'drained', conn: c.name });
    const again = world.at<Conn>(key);
    if (again === undefined) return;
    c = again;
  }
  const deadline = tcp.nextDeadline(c.tcb);
  if (deadline !== null && (c.timerAt === null || deadline < c.timerAt)) {
    // One pending wake per connection: a later deadline is picked up when the earlier wake fires.
    world.put(key, revise(c, { timerAt: deadline }));
    world.schedule(Math.max(deadline, world.now), TIMER, key);
  }
}

/**
 * Delivers the last event an application gets for a connection, once. A passive connection that never
 * reached ESTABLISHED was never announced to the listener's application, so its end is not either.
 */
function finish(world: World, c: Conn, kind: 'closed' | 'reset' | 'refused' | 'timed-out'): Conn {
  const cur = world.at<Conn>(c.slot) ?? c;
  if (cur.appDone) return cur;
  if (cur.listener !== null && !cur.announced) {
    const done = revise(cur, { appDone: true });
    world.put(c.slot, done);
    return done;
  }
  const done = revise(cur, { appDone: true });
  world.put(c.slot, done);
  emit(world, done, { kind, conn: c.name });
  return world.at<Conn>(c.slot) ?? done;
}

/** `app:<type>`, built once per type rather than per event (a fresh string is hashed again on each lookup). */
const appKinds = new Map<string, string>();
function appKind(type: string): string {
  let k = appKinds.get(type);
  if (k === undefined) {
    k = `app:${type}`;
    appKinds.set(type, k);
  }
  return k;
}

function emit(world: World, c: Conn, ev: SocketEvent): void {
  if (world.tracing) {
    world.record(
      'sock-event',
      c.host,
      ev.kind === 'data'
        ? { conn: c.name, event: ev.kind, bytes: ev.bytes.length }
        : { conn: c.name, event: ev.kind },
    );
  }
  world.call(appKind(c.app.type), { app: c.app.id, slot: c.app.slot ?? -1, ev } satisfies AppCall);
}

function leaveEmbryonic(world: World, c: Conn): void {
  const key = `listen:${c.host}|${c.listener}`;
  const l = world.get<Listener>(key);
  if (l !== undefined && l.embryonic > 0) world.set(key, { ...l, embryonic: l.embryonic - 1 });
}

/** A connection reached CLOSED: its name, 4-tuple and port are free again. */
function forget(world: World, c: Conn): void {
  world.put(c.slot, undefined);
  world.delete(demuxKey(c.host, c.local.port, c.remote.addr, c.remote.port));
  bind(world, c.host, c.local.port, -1);
}
