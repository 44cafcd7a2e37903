/**
 * The data channel of one FTP session, as FTP 7.5 runs it in the background of the control channel
 * (KB 2505047): PORT/EPRT start the connect before the 200 reply; PASV/EPSV listen, and under FTP 7.5 hold new
 * connections until the previous data connection is fully closed; connections from a port below 1024 or from
 * another address are reset.
 *
 * Owns: the commands PORT, EPRT, PASV, EPSV; the data channel's state changes on driver events (listening,
 * accepted, connected, connect failed, closed); passive port allocation; retiring a channel. Leaves out: the
 * transfers that use the channel (session-transfer.ts, session-stream.ts), which this file reports to by return
 * values.
 */

import { assertNever } from '../../sim/errors.ts';
import type { Endpoint } from '../../sim/tcp/segment.ts';
import type { ConnectFailure } from './io.ts';
import { portOwner, withPort } from './ports.ts';
import {
  type Ctx,
  dataId,
  endpoint,
  finish,
  forgetClosing,
  log,
  note,
  type S,
  setData,
} from './session-context.ts';
import type { CommandRef } from './session-state.ts';
import { SUBSTATUS, WIN32 } from './win32.ts';

/** WSAECONNREFUSED and WSAEHOSTUNREACH (not in win32.ts's table: they only ever reach the log as numbers). */
const WSAECONNREFUSED = 10061;
const WSAEHOSTUNREACH = 10065;

// ---- passive ports ---------------------------------------------------------------------------------------

/** FNV-1a of the seed's text: a stable number to start the passive port sequence from. */
export function seedHash(seed: string | number): number {
  let h = 0x811c9dc5;
  for (const ch of String(seed)) {
    h ^= ch.codePointAt(0)!;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/** The first passive port a server tries: somewhere in the range, fixed by the seed. */
export function firstPassivePort(seed: string | number, low: number, high: number): number {
  return low + (seedHash(`${seed}/ftp:passive-port`) % (high - low + 1));
}

/**
 * The next free passive port: sequential from the last one given, wrapping inside the range, skipping every
 * port held by a session of this server (listening, connected, or still closing, so that a new listener never
 * shares a port with a connection in TIME-WAIT on the server's side). null when the range is exhausted.
 * INFERRED (facts §4.2): Windows hands out ephemeral ports its own way; a sequence from a seeded start is
 * deterministic, spreads sessions apart and is easy to read in a trace.
 */
function allocatePassivePort(ctx: Ctx, s: S): number | null {
  releasePorts(ctx, s); // a listener given up just now frees its port for this one
  const { passivePortLow: low, passivePortHigh: high } = ctx.config;
  const size = high - low + 1;
  const start = ctx.nextPassivePort;
  for (let k = 0; k < size; k++) {
    const port = low + ((start - low + k) % size);
    if (portOwner(ctx.ports, port) === undefined) {
      ctx.nextPassivePort = port === high ? low : port + 1;
      ctx.ports = withPort(ctx.ports, port, s.id);
      // Replaced, not pushed: a transition's session copy shares its arrays with the base (server.ts).
      s.ports = [...s.ports, port];
      return port;
    }
  }
  return null;
}

/**
 * Gives back the passive ports the session no longer holds (its listener was given up, or the connection on
 * it finished closing). Called once at the end of every transition of the session; `all` at its end.
 */
export function releasePorts(ctx: Ctx, s: S, all = false) {
  const ports = s.ports;
  if (ports.length === 0) return;
  const d = s.data;
  const dataPort = d !== null && 'port' in d ? d.port : -1;
  // Loops rather than closures: this runs at the end of most transitions, and under tsx each closure made
  // is also named at run time (esbuild's keepNames); measured, 7% of an input in the model benchmark.
  if (!all && holdsEvery(s, ports, dataPort)) return;
  const keep: number[] = [];
  for (const p of ports) {
    if (!all && holds(s, p, dataPort)) keep.push(p);
    else if (portOwner(ctx.ports, p) === s.id) ctx.ports = withPort(ctx.ports, p, undefined);
  }
  s.ports = keep;
}

function holdsEvery(s: S, ports: readonly number[], dataPort: number): boolean {
  for (const p of ports) if (!holds(s, p, dataPort)) return false;
  return true;
}

/** The session still needs `port`: its data channel is on it, or a connection on it is still closing. */
function holds(s: S, port: number, dataPort: number): boolean {
  if (port === dataPort) return true;
  for (const c of s.closing) if (c.port === port) return true;
  return false;
}

// ---- retiring a channel ----------------------------------------------------------------------------------

/**
 * Drops the current data channel because a new PORT/PASV replaces it (RFC 959 §3.2: the server closes the
 * data connection when the port specification changes), ABOR asks it, or the session ends.
 * An established connection is closed gracefully ('close': FIN, then it waits in `closing` for its close
 * handshake) or reset ('abort', logged with the given status).
 */
export function retireData(
  ctx: Ctx,
  s: S,
  how: 'close' | 'abort',
  status: { win32: number; substatus: number } = { win32: 0, substatus: 0 },
) {
  const d = s.data;
  if (d === null) return;
  switch (d.state) {
    case 'LISTEN-REQUESTED':
      ctx.out.push({ kind: 'data-stop-listening', session: s.id, data: d.id });
      break;
    case 'LISTENING':
      ctx.out.push({ kind: 'data-stop-listening', session: s.id, data: d.id });
      // A connection completed while held was never treated as open: abandon it with the listener.
      if (d.waiting !== null) ctx.out.push({ kind: 'data-abort', session: s.id, data: d.id });
      break;
    case 'CONNECTING':
      ctx.out.push({ kind: 'data-abort', session: s.id, data: d.id });
      break;
    case 'ESTABLISHED':
      if (how === 'close') {
        closeEstablished(ctx, s, status);
        return;
      }
      ctx.out.push({ kind: 'data-abort', session: s.id, data: d.id });
      log(ctx, s, { method: 'DataChannelClosed', serverPort: d.port, ...status });
      break;
    case 'PORT-SET':
    case 'FAILED':
      break;
    default:
      assertNever(d, 'data channel');
  }
  setData(ctx, s, null);
}

/**
 * Closes the established data connection gracefully: FIN, log DataChannelClosed, and remember it in `closing`
 * until its close handshake is done (data-closed). Returns the connection's id.
 */
export function closeEstablished(
  ctx: Ctx,
  s: S,
  status: { win32: number; substatus: number } = { win32: 0, substatus: 0 },
): number {
  const d = s.data;
  if (d?.state !== 'ESTABLISHED') throw new Error('closeEstablished: no established data connection');
  ctx.out.push({ kind: 'data-close', session: s.id, data: d.id });
  log(ctx, s, { method: 'DataChannelClosed', serverPort: d.port, ...status });
  s.closing = [...s.closing, { id: d.id, port: d.port, since: ctx.now }];
  setData(ctx, s, null, d.id);
  return d.id;
}

// ---- PORT / EPRT -----------------------------------------------------------------------------------------

/** `PORT h1,h2,h3,h4,p1,p2` (RFC 959 §4.1.2). */
export function parsePort(arg: string): Endpoint | null {
  const parts = arg.trim().split(',');
  if (parts.length !== 6 || !parts.every((p) => /^\d{1,3}$/.test(p.trim()))) return null;
  const n = parts.map((p) => Number(p.trim()));
  if (n.some((x) => x > 255)) return null;
  const port = n[4]! * 256 + n[5]!;
  if (port === 0) return null;
  return { addr: n.slice(0, 4).join('.'), port };
}

/** `EPRT |1|132.235.1.2|6275|` (RFC 2428 §2): the delimiter is the first character. 'protocol' for IPv6 etc. */
export function parseEprt(arg: string): Endpoint | 'protocol' | null {
  const text = arg.trim();
  if (text.length < 2) return null;
  const delim = text[0]!;
  if (delim.charCodeAt(0) < 33 || delim.charCodeAt(0) > 126 || /[0-9A-Za-z]/.test(delim)) return null;
  const fields = text.split(delim);
  if (fields.length !== 5 || fields[0] !== '' || fields[4] !== '') return null;
  const [, proto, addr, portText] = fields as [string, string, string, string, string];
  if (proto !== '1') return proto === '2' ? 'protocol' : /^\d+$/.test(proto) ? 'protocol' : null;
  if (!/^\d{1,3}(\.\d{1,3}){3}$/.test(addr) || addr.split('.').some((x) => Number(x) > 255)) return null;
  if (!/^\d{1,5}$/.test(portText)) return null;
  const port = Number(portText);
  if (port === 0 || port > 65535) return null;
  return { addr: addr.split('.').map(Number).join('.'), port };
}

/** PORT and EPRT. */
export function activeCommand(ctx: Ctx, s: S, cmd: CommandRef, extended: boolean) {
  const remote = extended ? parseEprt(cmd.arg) : parsePort(cmd.arg);
  if (remote === 'protocol') return finish(ctx, s, cmd, {}, 'networkProtocol');
  if (remote === null) return finish(ctx, s, cmd, {}, 'portRejected');
  // dataChannelSecurity matchClientAddressForPort (facts §4.2): no bounce, no FXP.
  if (ctx.config.matchClientAddressForPort && remote.addr !== s.client.addr) {
    return finish(ctx, s, cmd, {}, 'portRejected');
  }
  retireData(ctx, s, 'close');
  const what = extended ? 'EPRT' : 'PORT';
  if (ctx.config.profile === 'iis6') {
    // facts §6b: IIS 6 opens the connection when the transfer command comes, not at PORT.
    setData(ctx, s, { state: 'PORT-SET', remote });
    return finish(ctx, s, cmd, {}, 'commandOk', { what });
  }
  if (remote.port < 1024) {
    // KB 2505047: FTP 7.5 refuses client data ports below 1024; in active mode the Win32 status is 87.
    // INFERRED (facts §5.5): PORT itself answers 200 and no connection is attempted; the transfer command then
    // fails with 425 and Win32 87 (the KB logs that status on the transfer command, which a 501 to PORT would
    // never reach).
    setData(ctx, s, { state: 'FAILED', win32: WIN32.INVALID_PARAMETER });
    return finish(ctx, s, cmd, {}, 'commandOk', { what });
  }
  // KB 2505047: FTP 7.5 starts the three-way handshake before it returns 200 PORT command successful.
  const id = s.nextDataId++;
  const local = { addr: s.server.addr, port: ctx.config.activeDataPort };
  ctx.out.push({ kind: 'data-connect', session: s.id, data: id, local, remote: endpoint(remote) });
  setData(ctx, s, { state: 'CONNECTING', id, port: local.port, remote });
  finish(ctx, s, cmd, {}, 'commandOk', { what });
}

// ---- PASV / EPSV -----------------------------------------------------------------------------------------

/** PASV and EPSV. */
export function passiveCommand(ctx: Ctx, s: S, cmd: CommandRef, extended: boolean) {
  if (extended) {
    const arg = cmd.arg.trim().toUpperCase();
    // RFC 2428 §4: EPSV ALL. INFERRED: accepted and not enforced (the model does not refuse a later PORT).
    if (arg === 'ALL') return finish(ctx, s, cmd, {}, 'commandOk', { what: 'EPSV ALL' });
    if (arg !== '' && arg !== '1') return finish(ctx, s, cmd, {}, 'networkProtocol');
  }
  retireData(ctx, s, 'close');
  if (ctx.config.profile === 'ftp75' && ctx.config.pasvWait === 'reply' && s.closing.length > 0) {
    // pasvWait 'reply' (config.ts): the 227/229 waits until the previous data connection is fully closed.
    s.busy = { kind: 'passive', cmd, extended, phase: 'WAIT-PREVIOUS', since: ctx.now };
    return;
  }
  startListening(ctx, s, cmd, extended);
}

/** Allocates a port and asks the driver to listen on it; the reply waits for data-listening. */
export function startListening(ctx: Ctx, s: S, cmd: CommandRef, extended: boolean) {
  const port = allocatePassivePort(ctx, s);
  if (port === null) {
    // facts §1 (Azure pipelines #5929): PASV is answered 425 directly when no listening socket can be opened.
    s.busy = null;
    return finish(ctx, s, cmd, {}, 'cannotOpen');
  }
  const id = s.nextDataId++;
  // KB 2505047: FTP 7.5 does not start establishing the new data connection until the previous one is
  // disconnected: the listener holds connections while any earlier connection of the session is closing.
  const hold = ctx.config.profile === 'ftp75' && s.closing.length > 0;
  ctx.out.push({ kind: 'data-listen', session: s.id, data: id, local: { addr: s.server.addr, port }, hold });
  setData(ctx, s, { state: 'LISTEN-REQUESTED', id, port, hold });
  s.busy = { kind: 'passive', cmd, extended, phase: 'WAIT-LISTEN', since: ctx.now };
}

/** data-listening: the passive reply goes out. */
export function onListening(ctx: Ctx, s: S, id: number) {
  const d = s.data;
  const busy = s.busy;
  if (d?.state !== 'LISTEN-REQUESTED' || d.id !== id || busy?.kind !== 'passive') {
    return note(ctx, s, {
      what: 'ignored',
      input: 'data-listening',
      why: `no listen pending for data ${id}`,
    });
  }
  const held = d.hold && s.closing.length > 0;
  if (d.hold && !held) ctx.out.push({ kind: 'data-release', session: s.id, data: id });
  setData(ctx, s, { state: 'LISTENING', id, port: d.port, held, waiting: null });
  s.busy = null;
  if (busy.extended) return finish(ctx, s, busy.cmd, {}, 'extendedPassive', { port: d.port });
  const addr = ctx.config.externalIp4Address ?? s.server.addr;
  finish(ctx, s, busy.cmd, {}, 'passive', { addr, port: d.port });
}

/** data-listen-failed: the passive command fails with 425. */
export function onListenFailed(ctx: Ctx, s: S, id: number) {
  const d = s.data;
  const busy = s.busy;
  if (d?.state !== 'LISTEN-REQUESTED' || d.id !== id || busy?.kind !== 'passive') {
    return note(ctx, s, {
      what: 'ignored',
      input: 'data-listen-failed',
      why: `no listen pending for data ${id}`,
    });
  }
  setData(ctx, s, null);
  // INFERRED: a port of the range that another program holds is skipped, as a server that binds passive
  // ports one after another would; PASV is answered 425 once MAX_LISTEN_TRIES ports (or every port of a
  // smaller range) failed in a row.
  const failed = (busy.failedListens ?? 0) + 1;
  const size = ctx.config.passivePortHigh - ctx.config.passivePortLow + 1;
  if (failed < Math.min(MAX_LISTEN_TRIES, size)) {
    startListening(ctx, s, busy.cmd, busy.extended);
    if (s.busy?.kind === 'passive') s.busy = { ...s.busy, failedListens: failed };
    return;
  }
  s.busy = null;
  finish(ctx, s, busy.cmd, {}, 'cannotOpen');
}

/** Passive ports tried for one PASV/EPSV before it is answered 425. */
export const MAX_LISTEN_TRIES = 16;

/** What a data event did to the channel, for the transfer layer. */
export type DataEvent = 'established' | 'failed' | 'none';

/** data-accepted: a client connected to the listener. */
export function onAccepted(ctx: Ctx, s: S, id: number, remote: Endpoint): DataEvent {
  const d = s.data;
  if (d?.state !== 'LISTENING' || d.id !== id) {
    note(ctx, s, { what: 'ignored', input: 'data-accepted', why: `data ${id} is not listening` });
    // A listener the session has given up: the driver must not keep the connection. (When the id is the
    // connection already accepted on this listener, the driver broke the one-accept rule of io.ts: ignored.)
    if (dataId(d) !== id) ctx.out.push({ kind: 'data-abort', session: s.id, data: id });
    return 'none';
  }
  if (d.held) {
    // FTP 7.5: not established until the previous data connection is fully closed (see onPreviousClosed).
    s.data = { ...d, waiting: endpoint(remote) };
    note(ctx, s, { what: 'data-state', data: id, from: 'LISTENING', to: 'LISTENING (accept held)' });
    return 'none';
  }
  return accept(ctx, s, id, d.port, remote);
}

function accept(ctx: Ctx, s: S, id: number, port: number, remote: Endpoint): DataEvent {
  ctx.out.push({ kind: 'data-stop-listening', session: s.id, data: id });
  log(ctx, s, { method: 'DataChannelOpened', serverPort: port });
  const lowPort = ctx.config.profile === 'ftp75' && remote.port < 1024;
  const foreign = ctx.config.matchClientAddressForPasv && remote.addr !== s.client.addr;
  if (lowPort || foreign) {
    // KB 2505047: FTP 7.5 resets a data connection from a client port below 1024; the log shows
    // DataChannelOpened 0 0, DataChannelClosed 1236 38, then the command with 425 1236 0. A connection from
    // another address (dataChannelSecurity matchClientAddressForPasv) is refused the same way: substatus 38 is
    // "Client IP on the control channel didn't match the client IP on the data channel" (facts §0.1, §4.2).
    ctx.out.push({ kind: 'data-abort', session: s.id, data: id });
    log(ctx, s, {
      method: 'DataChannelClosed',
      serverPort: port,
      win32: WIN32.CONNECTION_ABORTED,
      substatus: SUBSTATUS.IP_MISMATCH,
    });
    setData(ctx, s, { state: 'FAILED', win32: WIN32.CONNECTION_ABORTED }, id);
    return 'failed';
  }
  setData(ctx, s, {
    state: 'ESTABLISHED',
    id,
    port,
    mode: 'passive',
    remote: endpoint(remote),
    since: ctx.now,
    early: null,
    earlyBytes: 0,
    peerClosed: false,
  });
  return 'established';
}

/** data-connected: an active connection is up. */
export function onConnected(ctx: Ctx, s: S, id: number): DataEvent {
  const d = s.data;
  if (d?.state !== 'CONNECTING' || d.id !== id) {
    note(ctx, s, { what: 'ignored', input: 'data-connected', why: `data ${id} is not connecting` });
    ctx.out.push({ kind: 'data-abort', session: s.id, data: id });
    return 'none';
  }
  log(ctx, s, { method: 'DataChannelOpened', serverPort: d.port });
  setData(ctx, s, {
    state: 'ESTABLISHED',
    id,
    port: d.port,
    mode: 'active',
    remote: endpoint(d.remote),
    since: ctx.now,
    early: null,
    earlyBytes: 0,
    peerClosed: false,
  });
  return 'established';
}

/** data-connect-failed: the active connect did not complete. */
export function onConnectFailed(ctx: Ctx, s: S, id: number, reason: ConnectFailure): DataEvent {
  const d = s.data;
  if (d?.state !== 'CONNECTING' || d.id !== id) {
    note(ctx, s, { what: 'ignored', input: 'data-connect-failed', why: `data ${id} is not connecting` });
    return 'none';
  }
  const win32 =
    reason === 'refused' ? WSAECONNREFUSED : reason === 'timeout' ? WIN32.WSAETIMEDOUT : WSAEHOSTUNREACH;
  setData(ctx, s, { state: 'FAILED', win32 }, id);
  return 'failed';
}

/**
 * A connection in `closing` finished its close handshake (or was reset). When none is left, FTP 7.5 lets the
 * new data connection be established: a held listener is released and a connection it kept aside is accepted.
 * Returns what happened to the current channel; the caller goes on with a waiting PASV or transfer.
 */
export function onPreviousClosed(ctx: Ctx, s: S, id: number): DataEvent {
  forgetClosing(ctx, s, id);
  if (s.closing.length > 0) return 'none';
  const d = s.data;
  if (d?.state === 'LISTEN-REQUESTED' && d.hold) {
    ctx.out.push({ kind: 'data-release', session: s.id, data: d.id });
    s.data = { ...d, hold: false };
    return 'none';
  }
  if (d?.state !== 'LISTENING' || !d.held) return 'none';
  ctx.out.push({ kind: 'data-release', session: s.id, data: d.id });
  note(ctx, s, { what: 'data-state', data: d.id, from: 'LISTENING (held)', to: 'LISTENING' });
  const waiting = d.waiting;
  s.data = { ...d, held: false, waiting: null };
  return waiting === null ? 'none' : accept(ctx, s, d.id, d.port, waiting);
}
