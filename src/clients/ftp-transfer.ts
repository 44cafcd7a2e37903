/**
 * One transfer step of an FTP client (LIST, NLST, RETR, STOR, APPE) in any of the four modes: agreeing the
 * data endpoint (PASV/EPSV or PORT/EPRT), opening or accepting the data connection, the command, the
 * preliminary and final replies, reading or writing the data, and deciding when the step is over.
 *
 * The correct client (basic-ftp's pattern, facts §5.2): the data connection is opened and read from before
 * the command's replies are looked at; 125 and 150 are both preliminary; an upload is written once the data
 * connection is up and a preliminary reply has come; a download is over when both the data end (EOF) and the
 * final reply have arrived, in either order. The broken behaviours depart from it only where their traits
 * (behaviours.ts) say so; each such branch names the trait.
 *
 * Not modelled: REST, ABOR, STOU, MODE/STRU other than stream/file, TLS.
 */

import * as sock from '../../sim/net/sockets.ts';
import type { Endpoint } from '../../sim/tcp/segment.ts';
import { readable } from '../../sim/tcp/tcb.ts';
import type { World } from '../../sim/world.ts';
import { append, concat } from './bytes.ts';
import {
  appRef,
  type ClientState,
  command,
  complete,
  fail,
  isUpload,
  joinPath,
  patch,
  patchTransfer,
  type TransferState,
  WAKE,
} from './ftp-state.ts';
import { eprtArgument, parseEpsv, parsePasv, portArgument, type Reply } from './replies.ts';
import { codeMatches, type TransferStep } from './script.ts';

/** Active-mode listeners and data connections of a client that does not choose: from here upwards. */
const ACTIVE_PORT_BASE = 40000;
const ACTIVE_PORT_SPAN = 9152; // 40000-49151, below the ephemeral range the socket layer uses for connects
/** low-data-port: 1000-1023 (KB 2505047: "a port lower than 1024"). */
const LOW_PORT_BASE = 1000;
const LOW_PORT_SPAN = 24;

export function beginTransfer(w: World, s: ClientState, step: TransferStep): ClientState {
  const x: TransferState = {
    step,
    phase: 'pasv',
    target: null,
    listenPort: null,
    conn: null,
    connected: false,
    finSeen: false,
    eof: false,
    broken: false,
    prelim: null,
    final: null,
    received: null,
    count: 0,
    uploaded: false,
    closed: false,
    reading: false,
    lastReadAt: null,
  };
  switch (step.mode) {
    case 'passive':
    case 'epsv':
      command(w, s, step.mode === 'passive' ? 'PASV' : 'EPSV');
      return patch(s, { xfer: x, wait: { on: 'transfer' } });
    case 'active':
    case 'eprt': {
      const port = step.localPort ?? pickPort(w, s, true)!;
      try {
        sock.listen(w, s.spec.host, port, {
          app: appRef(w, s),
          label: 'data',
          autoRead: autoRead(s, step),
          backlog: 1,
        });
      } catch (e) {
        // A port another listener holds (two clients on one host given the same localPort): the step fails.
        return fail(
          w,
          patch(s, { xfer: x }),
          `cannot listen for the data connection: ${(e as Error).message}`,
        );
      }
      const addr = ctrlLocalAddr(w, s);
      command(
        w,
        s,
        step.mode === 'active' ? `PORT ${portArgument(addr, port)}` : `EPRT ${eprtArgument(addr, port)}`,
      );
      return patch(s, {
        xfer: patchTransfer(x, { phase: 'port', listenPort: port }),
        wait: { on: 'transfer' },
      });
    }
    default:
      return step.mode satisfies never;
  }
}

/** A reply offered to the transfer in progress; null leaves it unread at the head of the queue. */
export function transferReply(w: World, s: ClientState, r: Reply): ClientState | null {
  const x = s.xfer!;
  switch (x.phase) {
    case 'pasv':
      if (r.code < 200) return s;
      return endpointReply(w, s, x, r);
    case 'port':
      if (r.code < 200) return s;
      if (r.code !== 200) return fail(w, s, `${modeVerb(x.step)} got ${r.code} ${r.text}`, r.code);
      return ready(w, s, x, null);
    case 'ready':
      // Nothing was asked yet: a reply now belongs to nobody, and a sequential client would read it as the
      // answer to its next command. Leave it for that.
      return null;
    case 'command':
      return commandReply(w, s, x, r);
    default:
      return x.phase satisfies never;
  }
}

function endpointReply(w: World, s: ClientState, x: TransferState, r: Reply): ClientState {
  const verb = modeVerb(x.step);
  if (x.step.mode === 'passive' && r.code === 227) {
    const ep = parsePasv(r.text);
    if (ep === null) return fail(w, s, `cannot read the address in '227 ${r.text}'`, r.code);
    return ready(w, s, x, ep);
  }
  if (x.step.mode === 'epsv' && r.code === 229) {
    const port = parseEpsv(r.text);
    if (port === null) return fail(w, s, `cannot read the port in '229 ${r.text}'`, r.code);
    // RFC 2428 §3: the data connection goes to the address of the control connection.
    return ready(w, s, x, { addr: s.spec.server.addr, port });
  }
  return fail(w, s, `${verb} got ${r.code} ${r.text}`, r.code);
}

/** The data endpoint is agreed: connect (passive) and send the command, each after its delay. */
function ready(w: World, s: ClientState, x: TransferState, target: Endpoint | null): ClientState {
  let next = patch(s, { xfer: patchTransfer(x, { phase: 'ready', target }) });
  if (target !== null) {
    if (x.step.connectDelay === 0) next = connectData(w, next);
    else w.after(x.step.connectDelay, WAKE, { client: s.spec.name, what: 'connect', index: s.index });
  }
  if (x.step.commandDelay === 0) return sendCommand(w, next);
  w.after(x.step.commandDelay, WAKE, { client: s.spec.name, what: 'command', index: s.index });
  return next;
}

export function connectData(w: World, s: ClientState): ClientState {
  const x = s.xfer!;
  const localPort = x.step.localPort ?? pickPort(w, s, false);
  let conn: string;
  try {
    conn = sock.connect(w, s.spec.host, x.target!, {
      app: appRef(w, s),
      label: 'data',
      autoRead: autoRead(s, x.step),
      ...(localPort === null ? {} : { localPort }),
    });
  } catch (e) {
    return fail(w, s, `cannot open the data connection: ${(e as Error).message}`);
  }
  return patch(s, { data: [...s.data, conn], xfer: patchTransfer(x, { conn }) });
}

export function sendCommand(w: World, s: ClientState): ClientState {
  const x = s.xfer!;
  const { options, path } = x.step;
  // The options, then the path, each when given, joined by a space.
  const args = options === null ? path : path === null ? options : `${options} ${path}`;
  const verb = x.step.do.toUpperCase();
  command(w, s, args === null || args === '' ? verb : `${verb} ${args}`);
  return patch(s, { xfer: patchTransfer(x, { phase: 'command' }) });
}

function commandReply(w: World, s: ClientState, x: TransferState, r: Reply): ClientState | null {
  if (r.code === 125 || r.code === 150) {
    // expects-150 (needs150): a 125 is not the reply it waits for; it stays unread, and so does all after it.
    if (r.code === 125 && s.traits.needs150) return null;
    return afterData(w, patch(s, { xfer: patchTransfer(x, { prelim: r.code }) }));
  }
  if (r.code < 200) return s;
  return finalReply(w, s, patchTransfer(x, { final: r }), r);
}

function finalReply(w: World, s0: ClientState, x: TransferState, r: Reply): ClientState {
  let s = patch(s0, { xfer: x });
  const step = x.step;
  if (!codeMatches(step.expect, r.code)) {
    return fail(w, s, `${step.do.toUpperCase()} got ${r.code} ${r.text}`, r.code);
  }
  if (r.code >= 400) {
    // An expected refusal (e.g. 550 for a file in use): the step succeeds; nothing will come on the data side.
    closeData(w, s);
    return done(w, s, false, `refused as expected: ${r.code}`);
  }
  if (isUpload(step)) return done(w, s, false, `stored ${step.data!.length} bytes (${x.prelim ?? 'no 1xx'})`);
  if (x.broken && !x.eof)
    return fail(w, s, `the data connection broke before its end, yet ${r.code} came`, r.code);
  if (s.traits.closesDataOnFinal && !x.eof) {
    // closes-data-on-226: the final reply ends the transfer for this client; unread data is thrown away.
    const lost = unread(w, x);
    if (x.conn !== null) sock.abort(w, x.conn);
    return done(w, s, true, `aborted the data connection on ${r.code} with ${describeLost(lost, x)}`);
  }
  if (s.traits.readsControlFirst) {
    // reads-control-first: only now is the data socket looked at, once.
    s = drain(w, s, Number.POSITIVE_INFINITY);
    const y = s.xfer!;
    if (!y.eof) {
      const lost = unread(w, y);
      if (y.conn !== null) sock.abort(w, y.conn);
      return done(w, s, true, `read the data socket after ${r.code}: ${describeLost(lost, y)}`);
    }
  }
  return s.xfer!.eof ? endDownload(w, s) : s;
}

/** Starts what the data side may do now: write an upload, read a download. */
export function afterData(w: World, s: ClientState): ClientState {
  const x = s.xfer!;
  if (!x.connected || x.conn === null) return s;
  if (isUpload(x.step)) {
    if (x.uploaded || x.prelim === null) return s;
    // waits-for-150-before-upload (uploadNeeds150): a 125 does not start the upload.
    if (s.traits.uploadNeeds150 && x.prelim !== 150) return s;
    sock.send(w, x.conn, x.step.data!);
    sock.close(w, x.conn);
    return patch(s, { xfer: patchTransfer(x, { uploaded: true }) });
  }
  if (!mayRead(s, x)) return s;
  return readSome(w, s);
}

function mayRead(s: ClientState, x: TransferState): boolean {
  // expects-150: nothing is read before the 150. reads-control-first: nothing before the final reply.
  if (s.traits.needs150 && x.prelim !== 150) return false;
  if (s.traits.readsControlFirst && x.final === null) return false;
  return true;
}

/** The data connection's bytes arrived (autoRead) or were read. */
export function gotBytes(s: ClientState, bytes: Uint8Array): ClientState {
  const x = s.xfer!;
  const keep = s.spec.record === 'bytes';
  return patch(s, {
    xfer: patchTransfer(x, {
      count: x.count + bytes.length,
      received: keep ? append(x.received, bytes) : x.received,
    }),
  });
}

/** Paced or gated reading of a data connection opened without autoRead. */
export function readSome(w: World, s0: ClientState): ClientState {
  let s = s0;
  const x = s.xfer!;
  if (x.conn === null || x.eof || autoRead(s, x.step)) return s;
  const reader = x.step.reader;
  if (reader === null) s = drain(w, s, Number.POSITIVE_INFINITY);
  else {
    if (x.reading) return s;
    if (x.lastReadAt !== null && w.now < x.lastReadAt + reader.every) {
      w.schedule(x.lastReadAt + reader.every, WAKE, { client: s.spec.name, what: 'read', index: s.index });
      return patch(s, { xfer: patchTransfer(x, { reading: true }) });
    }
    s = drain(w, s, reader.bytes);
    s = patch(s, { xfer: patchTransfer(s.xfer!, { lastReadAt: w.now }) });
    if (unread(w, s.xfer!) > 0) {
      w.after(reader.every, WAKE, { client: s.spec.name, what: 'read', index: s.index });
      return patch(s, { xfer: patchTransfer(s.xfer!, { reading: true }) });
    }
  }
  return s.xfer!.eof ? onEof(w, s) : s;
}

/** Reads up to `max` bytes the socket holds now; marks the end of data when it has been reached. */
function drain(w: World, s0: ClientState, max: number): ClientState {
  const x = s0.xfer!;
  const live = x.conn !== null && sock.findConn(w, x.conn) !== undefined;
  const s = live ? gotBytes(s0, sock.read(w, x.conn!, max)) : s0;
  const y = s.xfer!;
  return y.finSeen && unread(w, y) === 0 ? patch(s, { xfer: patchTransfer(y, { eof: true }) }) : s;
}

/** A read tick of the paced reader. */
export function readTick(w: World, s: ClientState): ClientState {
  const x = s.xfer!;
  return readSome(w, patch(s, { xfer: patchTransfer(x, { reading: false }) }));
}

/** The server's FIN arrived on the data connection. */
export function dataFin(w: World, s: ClientState): ClientState {
  const x = s.xfer!;
  if (autoRead(s, x.step))
    return onEof(w, patch(s, { xfer: patchTransfer(x, { finSeen: true, eof: true }) }));
  const t = patch(s, { xfer: patchTransfer(x, { finSeen: true }) });
  return mayRead(t, t.xfer!) ? readSome(w, t) : t;
}

/** Every byte up to the server's FIN has been read. */
function onEof(w: World, s: ClientState): ClientState {
  return s.xfer!.final !== null ? endDownload(w, s) : closeOrKeep(w, s);
}

/** The data end and the final reply are both in: the download is over. */
function endDownload(w: World, s: ClientState): ClientState {
  const x = s.xfer!;
  const t = closeOrKeep(w, s);
  return done(w, t, false, `received ${x.count} bytes (${x.prelim ?? 'no 1xx'}, ${x.final!.code})`);
}

/** Closes a finished data connection, or (keeps-old-data-open) keeps it for later. */
function closeOrKeep(w: World, s: ClientState): ClientState {
  const x = s.xfer!;
  if (x.conn === null || x.closed) return s;
  const y = patchTransfer(x, { closed: true });
  if (s.traits.keepsOldDataOpen) return patch(s, { xfer: y, lingering: [...s.lingering, x.conn] });
  sock.close(w, x.conn);
  return patch(s, { xfer: y });
}

function closeData(w: World, s: ClientState): void {
  const x = s.xfer!;
  if (x.conn !== null) sock.close(w, x.conn);
  if (x.listenPort !== null && !x.connected) sock.unlisten(w, s.spec.host, x.listenPort);
}

/** The step is over (successfully, as the client sees it): keep its result and move on. */
function done(w: World, s: ClientState, truncated: boolean, detail: string): ClientState {
  const x = s.xfer!;
  const step = x.step;
  let lingering = s.lingering;
  if (s.traits.keepsOldDataOpen) {
    // keeps-old-data-open: the previous data connections are closed now that this transfer is complete.
    for (const c of lingering) if (c !== x.conn) sock.close(w, c);
    lingering = lingering.filter((c) => c === x.conn);
  }
  const result = {
    index: s.index,
    kind: step.do,
    sitePath: step.path === null ? null : joinPath(s.cwd, step.path),
    bytes: s.spec.record === 'bytes' && !isUpload(step) ? concat(x.received) : null,
    count: x.count,
    sent: step.data,
    prelim: x.prelim,
    final: x.final?.code ?? null,
    truncated,
  };
  const next = patch(s, { lingering, results: [...s.results, result], truncated: s.truncated || truncated });
  return complete(w, next, truncated ? `truncated: ${detail}` : detail);
}

/** Bytes the client has not read: in its receive buffer now. */
function unread(w: World, x: TransferState): number {
  if (x.conn === null) return 0;
  const c = sock.findConn(w, x.conn);
  return c === undefined ? 0 : readable(c.tcb);
}

function describeLost(lost: number, x: TransferState): string {
  const fin = x.finSeen ? 'the server had finished' : "the server's FIN had not arrived";
  return `${x.count} bytes read, ${lost} unread in the socket, ${fin}`;
}

function autoRead(s: ClientState, step: TransferStep): boolean {
  // Gated or paced readers read by hand; the correct client with no pace lets the socket deliver at once.
  return step.reader === null && !s.traits.needs150 && !s.traits.readsControlFirst;
}

function modeVerb(step: TransferStep): string {
  switch (step.mode) {
    case 'passive':
      return 'PASV';
    case 'epsv':
      return 'EPSV';
    case 'active':
      return 'PORT';
    case 'eprt':
      return 'EPRT';
    default:
      return step.mode satisfies never;
  }
}

function ctrlLocalAddr(w: World, s: ClientState): string {
  const c = s.ctrl === null ? undefined : sock.findConn(w, s.ctrl);
  return c?.local.addr ?? '0.0.0.0';
}

/**
 * A local port for a data connection: the client's `dataPort` onwards, or for low-data-port 1000-1023, or
 * for an active listener 40000-49151; null lets the socket layer pick an ephemeral port (passive, correct).
 * Counters are kept per host, so two clients on one host never pick the same port.
 */
function pickPort(w: World, s: ClientState, listener: boolean): number | null {
  let base: number;
  let span: number;
  if (s.traits.lowDataPort) {
    base = s.spec.dataPort ?? LOW_PORT_BASE;
    span = LOW_PORT_SPAN;
  } else if (s.spec.dataPort !== null) {
    base = s.spec.dataPort;
    span = Math.min(1000, 65536 - base);
  } else if (listener) {
    base = ACTIVE_PORT_BASE;
    span = ACTIVE_PORT_SPAN;
  } else return null;
  const key = `ftp-client-port:${s.spec.host}:${base}`;
  const n = w.get<number>(key) ?? 0;
  w.set(key, n + 1);
  return base + (n % span);
}
