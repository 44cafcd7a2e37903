/**
 * The data connections of the emulator: the model's data-* outputs carried out on node:net sockets, and what
 * the sockets do reported back as data-* inputs.
 *
 * Owns: passive listeners (one connection each), active connects (from port 20 when the process may bind
 * it), sending under the model's flow control, graceful close (and telling when its FIN is in the kernel)
 * and reset, the bytes uploads hold in memory. Leaves out: every FTP decision (the model makes them; this
 * file never replies on the control channel) and the order of work (driver.ts feeds inputs one at a time,
 * order.ts carries out each session's outputs in order).
 *
 * How the real sockets map to the model's events (src/ftp/io.ts):
 * - data-listen → a listening socket; 'listening' → data-listening, an error → data-listen-failed.
 * - A held listener (FTP 7.5: the new data connection waits until the previous one is fully closed). The
 *   kernel completes a client's handshake on its own, so the emulator cannot leave the SYN unanswered as the
 *   simulator does. Our choice: accept the socket, report data-accepted at once (the model keeps it aside as
 *   io.ts describes, and treats it as established only when it releases the listener) and read nothing from
 *   it until data-release, so that the client's bytes wait in the kernel under TCP flow control.
 *   Why this reading rather than hiding the connection from the model until the release: the model then knows
 *   the client has connected (its trace shows it), and the low-port and foreign-address checks stay the
 *   model's, in one place.
 * - A listener takes one connection: a second one is reset (the model has no name for it).
 * - data-connect → connect from `local` (port 20 by default). Binding a port below 1024 needs root or
 *   CAP_NET_BIND_SERVICE; without it the connection leaves from an ephemeral port and a notice says so once.
 *   Node starts the connect on its next tick, so the emulator waits for that tick before it carries out the
 *   model's next output: the SYN leaves before the 200 reply, as FTP 7.5 sends them (KB 2505047).
 * - data-send → write; data-drained at once when node's buffer is empty or below its mark, else on 'drain'.
 * - data-close → end() (FIN), through close(), which tells the driver when the FIN has been handed to the
 *   kernel: node's 'finish', emitted once its shutdown(SHUT_WR) has completed, which is after the last bytes
 *   were written (the driver holds the 226 until then). Sockets allow half-open connections, so node reports
 *   'close' only when both directions are done: then data-closed. The client's FIN → data-peer-closed. An
 *   error → data-reset.
 * - data-abort → resetAndDestroy() (RST) for an open connection, destroy() for a connect in progress.
 */

import net from 'node:net';
import { assertNever } from '../../sim/errors.ts';
import type { Endpoint } from '../../sim/tcp/segment.ts';
import type { FtpInput, FtpOutput } from '../ftp/io.ts';

type Out<K extends FtpOutput['kind']> = Extract<FtpOutput, { kind: K }>;

/** What the data connections need from the emulator. */
export interface DataHost {
  /** Feeds an input to the model (queued behind the one in progress). `quota` marks an upload cut short. */
  feed(input: FtpInput, quota?: boolean): void;
  notice(text: string): void;
  /** True when `bytes` more uploaded bytes fit in memory beside `inFlight` bytes of uploads in progress. */
  admitUpload(bytes: number, inFlight: number): boolean;
}

type Phase = 'listening' | 'connecting' | 'open' | 'closing' | 'done';

interface DataConn {
  readonly session: string;
  readonly data: number;
  phase: Phase;
  listener: net.Server | null;
  /** The listener was asked to hold its connection (data-listen hold) and has not been released. */
  held: boolean;
  socket: net.Socket | null;
  /** Bytes received on this connection: uploads in progress, until the connection is gone. */
  received: number;
}

/**
 * Data connections of a session the server has closed (FIN sent) that the client has not closed yet, at
 * most: beyond it the oldest is reset. FTP 7.5 waits for the previous connection before a passive one, but
 * active (PORT) connections do not wait, and a client that never closes them must not hold sockets forever.
 */
const MAX_CLOSING_PER_SESSION = 4;

export class DataConnections {
  private readonly conns = new Map<string, Map<number, DataConn>>();
  /** Connections of ended sessions that wait for their client's FIN (see dropSession). */
  private readonly lingering = new Set<net.Socket>();
  /** Bytes of uploads in progress: received on connections the model has not seen the end of. */
  private inFlight = 0;
  /** null: not known yet (an unprivileged process learns it from its first connect). */
  private bindActivePort: boolean | null;

  constructor(
    private readonly host: DataHost,
    /** Whether the process may bind the active data port (found at start, see mayBind in emulator.ts). */
    bindActivePort: boolean | null,
    /** How long a connection closed by the server may wait for its client after the session is over. */
    private readonly lingerMs: number,
  ) {
    this.bindActivePort = bindActivePort;
  }

  perform(
    o: Out<
      'data-listen' | 'data-release' | 'data-stop-listening' | 'data-connect' | 'data-send' | 'data-abort'
    >,
  ): void {
    switch (o.kind) {
      case 'data-listen':
        this.listen(o);
        break;
      case 'data-release':
        this.release(o.session, o.data);
        break;
      case 'data-stop-listening':
        this.stopListening(o.session, o.data);
        break;
      case 'data-connect':
        this.connect(o);
        break;
      case 'data-send':
        this.send(o.session, o.data, o.bytes);
        break;
      case 'data-abort':
        this.abort(o.session, o.data);
        break;
      default:
        assertNever(o, 'data output');
    }
  }

  // ---- passive -----------------------------------------------------------------------------------------

  private listen(o: Out<'data-listen'>): void {
    const conn = this.add(o.session, o.data, 'listening');
    conn.held = o.hold;
    const server = net.createServer({ allowHalfOpen: true, pauseOnConnect: true, noDelay: true });
    conn.listener = server;
    let listening = false;
    server.on('connection', (socket) => this.accepted(conn, socket));
    server.on('error', (err) => {
      if (listening || conn.phase === 'done') return;
      server.close();
      conn.listener = null;
      this.forget(conn);
      this.host.notice(`passive listener on ${o.local.addr}:${o.local.port} failed: ${err.message}`);
      this.host.feed({ kind: 'data-listen-failed', session: o.session, data: o.data });
    });
    // A small backlog: the listener is for one connection.
    server.listen({ host: o.local.addr, port: o.local.port, backlog: 4 }, () => {
      listening = true;
      if (conn.phase === 'done') return; // stopped before the listen completed
      this.host.feed({ kind: 'data-listening', session: o.session, data: o.data });
    });
  }

  private accepted(conn: DataConn, socket: net.Socket): void {
    if (conn.phase !== 'listening' || conn.socket !== null) {
      socket.resetAndDestroy();
      return;
    }
    conn.socket = socket;
    conn.phase = 'open';
    this.wire(conn, socket);
    this.host.feed({
      kind: 'data-accepted',
      session: conn.session,
      data: conn.data,
      remote: remoteOf(socket),
    });
    if (!conn.held) socket.resume();
  }

  private release(session: string, data: number): void {
    const conn = this.get(session, data);
    if (conn === undefined) return;
    conn.held = false;
    if (conn.socket !== null && conn.phase === 'open') conn.socket.resume();
  }

  private stopListening(session: string, data: number): void {
    const conn = this.get(session, data);
    if (conn === undefined) return;
    conn.listener?.close();
    conn.listener = null;
    if (conn.socket === null) this.forget(conn);
  }

  // ---- active ------------------------------------------------------------------------------------------

  private connect(o: Out<'data-connect'>): void {
    const conn = this.add(o.session, o.data, 'connecting');
    this.dial(conn, o.local, o.remote, this.bindActivePort !== false);
  }

  private dial(conn: DataConn, local: Endpoint, remote: Endpoint, bind: boolean): void {
    const socket = new net.Socket({ allowHalfOpen: true });
    conn.socket = socket;
    socket.setNoDelay(true);
    socket.once('connect', () => {
      if (conn.phase !== 'connecting' || conn.socket !== socket) return;
      if (bind) this.bindActivePort = true;
      conn.phase = 'open';
      this.host.feed({ kind: 'data-connected', session: conn.session, data: conn.data });
    });
    socket.on('error', (err: NodeJS.ErrnoException) => {
      if (conn.phase !== 'connecting' || conn.socket !== socket) return;
      if (bind && isBindFailure(err)) {
        // The active data port could not be bound: leave from an ephemeral port instead.
        if (err.code === 'EACCES' && this.bindActivePort !== false) {
          this.bindActivePort = false;
          this.host.notice(
            `cannot bind port ${local.port} for active data connections (${err.code}: needs root or CAP_NET_BIND_SERVICE); they leave from ephemeral ports`,
          );
        }
        this.dial(conn, local, remote, false);
        return;
      }
      this.forget(conn);
      this.host.feed({
        kind: 'data-connect-failed',
        session: conn.session,
        data: conn.data,
        reason: failureOf(err),
      });
    });
    this.wire(conn, socket);
    socket.connect({
      host: remote.addr,
      port: remote.port,
      localAddress: local.addr,
      ...(bind ? { localPort: local.port } : {}),
    });
  }

  // ---- both --------------------------------------------------------------------------------------------

  /** Reports what an accepted or connecting socket does once it is open. */
  private wire(conn: DataConn, socket: net.Socket): void {
    socket.on('data', (chunk: Buffer) => {
      if (conn.phase === 'done' || conn.socket !== socket) return;
      if (!this.host.admitUpload(chunk.length, this.inFlight)) {
        // More than the memory allowed for uploads: the connection is cut and the model told (the emulator
        // turns the model's reply into a 552, see emulator.ts).
        this.host.notice(
          `upload from ${socket.remoteAddress}:${socket.remotePort} cut: uploads held in memory would pass the limit`,
        );
        socket.resetAndDestroy();
        this.forget(conn);
        this.host.feed({ kind: 'data-reset', session: conn.session, data: conn.data }, true);
        return;
      }
      conn.received += chunk.length;
      this.inFlight += chunk.length;
      this.host.feed({ kind: 'data-bytes', session: conn.session, data: conn.data, bytes: chunk });
    });
    socket.on('end', () => {
      if (conn.socket !== socket || (conn.phase !== 'open' && conn.phase !== 'closing')) return;
      this.host.feed({ kind: 'data-peer-closed', session: conn.session, data: conn.data });
    });
    socket.on('error', () => {
      // Reported by 'close' (hadError) once the socket is gone; a failed connect is handled in dial().
    });
    socket.on('close', (hadError) => {
      if (conn.socket !== socket || conn.phase === 'done' || conn.phase === 'connecting') return;
      this.forget(conn);
      this.host.feed({
        kind: hadError ? 'data-reset' : 'data-closed',
        session: conn.session,
        data: conn.data,
      });
    });
  }

  private send(session: string, data: number, bytes: Uint8Array): void {
    const conn = this.get(session, data);
    const socket = conn?.socket;
    if (conn?.phase !== 'open' || socket == null) return;
    // write() answers whether node's buffer is below its mark, counting the chunk before the kernel takes
    // it: false for any chunk above 16 KiB. When the kernel took all of it at once (node's buffer is
    // empty, as it mostly is for a 256 KiB chunk over loopback), the drain is now, not a 'drain' event later.
    const below = socket.write(bytes);
    if ((below || socket.writableLength === 0) && !socket.destroyed) {
      // Queued behind the rest of this step's outputs; `drainMatters` decides when its turn comes.
      this.host.feed({ kind: 'data-drained', session, data });
    } else {
      socket.once('drain', () => {
        if (conn.phase === 'open') this.host.feed({ kind: 'data-drained', session, data });
      });
    }
  }

  /**
   * Whether a data-drained queued for this connection still means something to the model: only while the
   * connection is open. The last chunk of a download goes out in the same step as data-close (FIN, then
   * 226), so its drain comes when the connection is closing, and the model, which hands out no more bytes,
   * would take a step that changes nothing: one of the ten steps of a 1 MB RETR, on the general path (the
   * other drains take the fast path). The 'drain' event above follows the same rule.
   */
  drainMatters(session: string, data: number): boolean {
    return this.get(session, data)?.phase === 'open';
  }

  /**
   * data-close: ends the connection (FIN after what was sent). True when `sent` will be called, later and
   * once, when the FIN has been handed to the kernel ('finish') or the connection is gone ('close'); false
   * when there was nothing to close.
   *
   * node calls shutdown() only once every byte written has been handed to the kernel, so a client that stops
   * reading keeps the FIN (and the driver's 226) waiting. Our choice: such a client gets the data channel
   * timeout to read the rest, as a closing connection of an ended session does, and is then reset (the model
   * is told data-reset), so that the session's replies go on. A socket with nothing left to write needs no
   * timer: its shutdown goes out in the next turn of the event loop.
   */
  close(session: string, data: number, sent: () => void): boolean {
    const conn = this.get(session, data);
    const socket = conn?.socket;
    if (conn === undefined || socket == null || conn.phase !== 'open') return false;
    conn.phase = 'closing';
    let timer: NodeJS.Timeout | null = null;
    let done = false;
    const over = () => {
      if (done) return;
      done = true;
      if (timer !== null) clearTimeout(timer);
      sent();
    };
    socket.once('finish', over);
    socket.once('close', over);
    socket.end();
    if (socket.writableLength > 0) {
      timer = setTimeout(() => {
        if (conn.phase !== 'closing' || conn.socket !== socket) return;
        this.host.notice(
          `data connection to ${socket.remoteAddress}:${socket.remotePort} reset: the client read nothing of its last ${socket.writableLength} bytes for the data channel timeout`,
        );
        socket.resetAndDestroy();
        this.forget(conn);
        this.host.feed({ kind: 'data-reset', session, data });
      }, this.lingerMs);
      timer.unref();
    }
    this.limitClosing(session);
    return true;
  }

  /** At most MAX_CLOSING_PER_SESSION closing connections per session: beyond it the oldest is reset. */
  private limitClosing(session: string): void {
    const closing = [...(this.conns.get(session)?.values() ?? [])].filter((c) => c.phase === 'closing');
    if (closing.length > MAX_CLOSING_PER_SESSION) {
      const oldest = closing[0]!;
      oldest.socket?.resetAndDestroy();
      this.forget(oldest);
      this.host.feed({ kind: 'data-reset', session, data: oldest.data });
    }
  }

  private abort(session: string, data: number): void {
    const conn = this.get(session, data);
    if (conn === undefined) return;
    conn.listener?.close();
    conn.listener = null;
    const socket = conn.socket;
    if (socket !== null && !socket.destroyed) {
      if (socket.connecting || socket.pending) socket.destroy();
      else socket.resetAndDestroy();
    }
    this.forget(conn);
  }

  /**
   * The session is over: the model has forgotten its data connections. Listeners and open connections go at
   * once (reset); a connection the server closed gracefully keeps its FIN and waits for the client's, for at
   * most `lingerMs`.
   */
  dropSession(session: string): void {
    const mine = this.conns.get(session);
    if (mine === undefined) return;
    for (const conn of [...mine.values()]) {
      const socket = conn.socket;
      if (conn.phase === 'closing' && socket !== null) {
        this.lingering.add(socket);
        socket.once('close', () => this.lingering.delete(socket));
        setTimeout(() => socket.destroy(), this.lingerMs).unref();
        this.forget(conn);
        continue;
      }
      this.abort(session, conn.data);
    }
  }

  /** Stops everything (the emulator is closing). */
  destroyAll(): void {
    for (const socket of this.lingering) socket.destroy();
    this.lingering.clear();
    for (const mine of [...this.conns.values()]) {
      for (const conn of [...mine.values()]) {
        conn.listener?.close();
        conn.socket?.destroy();
        this.forget(conn);
      }
    }
  }

  // ---- bookkeeping -------------------------------------------------------------------------------------

  private add(session: string, data: number, phase: Phase): DataConn {
    let mine = this.conns.get(session);
    if (mine === undefined) {
      mine = new Map();
      this.conns.set(session, mine);
    }
    const conn: DataConn = { session, data, phase, listener: null, held: false, socket: null, received: 0 };
    mine.set(data, conn);
    return conn;
  }

  private get(session: string, data: number): DataConn | undefined {
    return this.conns.get(session)?.get(data);
  }

  /** The connection is no longer the model's: its events are no longer reported, its bytes no longer count. */
  private forget(conn: DataConn): void {
    conn.phase = 'done';
    this.inFlight -= conn.received;
    conn.received = 0;
    const mine = this.conns.get(conn.session);
    if (mine?.get(conn.data) === conn) {
      mine.delete(conn.data);
      if (mine.size === 0) this.conns.delete(conn.session);
    }
  }
}

/** The client's end of a socket, with an IPv4-mapped IPv6 address written as IPv4 (the model is IPv4). */
export function remoteOf(socket: net.Socket): Endpoint {
  return { addr: ipv4Of(socket.remoteAddress ?? ''), port: socket.remotePort ?? 0 };
}

export function ipv4Of(addr: string): string {
  return addr.startsWith('::ffff:') ? addr.slice(7) : addr;
}

/** The local end could not be had: the port needs privileges, or the address pair is taken (TIME-WAIT). */
function isBindFailure(err: NodeJS.ErrnoException): boolean {
  return err.syscall === 'bind' || err.code === 'EADDRINUSE' || err.code === 'EADDRNOTAVAIL';
}

function failureOf(err: NodeJS.ErrnoException): 'refused' | 'timeout' | 'unreachable' {
  switch (err.code) {
    case 'ECONNREFUSED':
      return 'refused';
    case 'ETIMEDOUT':
      return 'timeout';
    default:
      return 'unreachable';
  }
}
