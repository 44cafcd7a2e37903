/**
 * The FTP client model as a simulated application over the socket facade: it opens its control connection at
 * its start time, reads the greeting, then runs its script step by step, reading replies off the control
 * connection into a queue that the current step consumes in order (a reply nobody asked for stays queued and
 * is read as the answer to the next command, as in any sequential client). This file turns socket events and
 * the client's own wake-ups into state; running the script: ftp-steps.ts; transfers: ftp-transfer.ts; the
 * broken behaviours: behaviours.ts.
 *
 * Calling order: `installFtpClients(world, specs)` while building the world; after the run,
 * `finishClients(world)` gives every client still waiting its 'hung' verdict. `clientState(world, name)`
 * reads a client's state at any step.
 *
 * Not modelled: TLS, REST/ABOR, client-side keep-alives, multiple control connections per client.
 */

import type { AppCall, SocketEvent } from '../../sim/net/sockets.ts';
import * as sock from '../../sim/net/sockets.ts';
import type { World } from '../../sim/world.ts';
import {
  APP_TYPE,
  appRef,
  type ClientState,
  clientKey,
  complete,
  describeTimeout,
  fail,
  initialState,
  load,
  patch,
  patchTransfer,
  save,
  verdict,
  WAKE,
  type Wake,
  waitingFor,
} from './ftp-state.ts';
import { armTimeout, pump, run, waitsOnServer } from './ftp-steps.ts';
import { afterData, connectData, dataFin, gotBytes, readTick, sendCommand } from './ftp-transfer.ts';
import { latin1, parseEpsv, parsePasv, parseReplies, type Reply } from './replies.ts';
import type { ClientSpec } from './script.ts';
import './trace.ts';

const NAMES = 'ftp-clients';

export function installFtpClients(world: World, specs: readonly ClientSpec[]): void {
  if (!world.hasHandler(`app:${APP_TYPE}`)) {
    world.on(`app:${APP_TYPE}`, onSocket);
    world.on(WAKE, onWake);
  }
  const names = [...(world.get<readonly string[]>(NAMES) ?? [])];
  for (const spec of specs) {
    world.set(clientKey(spec.name), initialState(spec));
    world.schedule(spec.start, WAKE, { client: spec.name, what: 'start', index: 0 } satisfies Wake);
    names.push(spec.name);
  }
  world.set(NAMES, names);
}

export function clientNames(world: World): readonly string[] {
  return world.get<readonly string[]>(NAMES) ?? [];
}

export function clientState(world: World, name: string): ClientState | undefined {
  return world.get<ClientState>(clientKey(name));
}

/** After a run: every client still without a verdict is hung, and says what it was waiting for. */
export function finishClients(world: World): void {
  for (const name of clientNames(world)) {
    const s = load(world, name);
    if (s.verdict === null) save(world, verdict(s, world, 'hung', waitingFor(s)));
  }
}

// ---- events ----------------------------------------------------------------------------------------------

function onSocket(w: World, { slot, ev }: AppCall): void {
  // 'closed' and 'drained' need nothing from a client (an upload is written whole and the socket keeps it),
  // and they are the events the socket layer may deliver inside one of our own calls (an abort; a read):
  // ignoring them keeps every handler run whole, never nested in another.
  if (ev.kind === 'closed' || ev.kind === 'drained') return;
  const s0 = w.at<ClientState>(slot)!; // the slot of the client's state (appRef)
  if (s0.verdict !== null) {
    // The client has given up or finished; it only closes what the server closes.
    if (ev.kind === 'peer-closed') sock.close(w, ev.conn);
    return;
  }
  const s = run(w, ev.conn === s0.ctrl ? controlEvent(w, s0, ev) : dataEvent(w, s0, ev));
  if (s !== s0) w.put(slot, s);
}

function onWake(w: World, wake: Wake): void {
  const key = clientKey(wake.client);
  const s0 = w.get<ClientState>(key)!;
  let s = s0;
  if (s.verdict !== null) return;
  const x = s.xfer;
  const here = s.index === wake.index;
  switch (wake.what) {
    case 'start':
      s = patch(s, {
        ctrl: sock.connect(w, s.spec.host, s.spec.server, { app: appRef(w, s), label: 'ctrl' }),
      });
      s = armTimeout(w, s);
      break;
    case 'next':
      if (here && s.wait.on === 'time') s = patch(s, { wait: { on: 'idle' } });
      break;
    case 'wait-done':
      if (here && s.wait.on === 'time') s = complete(w, s);
      break;
    case 'timeout':
      if (wake.gen === s.gen && waitsOnServer(s)) {
        s = fail(w, s, `${describeTimeout(s.spec.timeout!)} ${waitingFor(s)}`);
      }
      break;
    case 'connect':
      if (here && x !== null && x.conn === null && x.target !== null) s = connectData(w, s);
      break;
    case 'command':
      if (here && x !== null && x.phase === 'ready') s = sendCommand(w, s);
      break;
    case 'read':
      if (here && x !== null) s = readTick(w, s);
      break;
    default:
      wake.what satisfies never;
  }
  s = run(w, s);
  if (s !== s0) w.set(key, s);
}

function controlEvent(w: World, s: ClientState, ev: SocketEvent): ClientState {
  switch (ev.kind) {
    case 'connected':
      return patch(s, { ctrlOpen: true, wait: { on: 'banner' } });
    case 'data': {
      const parsed = parseReplies(s.inbuf + latin1(ev.bytes));
      for (const r of parsed.replies) {
        if (w.tracing)
          w.record('client-reply', s.spec.host, {
            client: s.spec.name,
            step: s.index,
            code: r.code,
            text: r.text,
          });
      }
      return patch(s, {
        inbuf: parsed.rest,
        queue: s.queue.length === 0 ? parsed.replies : s.queue.concat(parsed.replies),
        pasv: passiveEndpoint(s, parsed.replies),
      });
    }
    case 'peer-closed': {
      // Replies that came before the FIN are read first; then a step still waiting on the server has lost it.
      const t = pump(w, s);
      sock.close(w, ev.conn);
      const u = patch(t, { ctrlOpen: false });
      if (u.verdict !== null) return u;
      if (u.wait.on === 'reply' && u.wait.to === 'quit')
        return complete(w, u, 'the server closed the connection');
      return waitsOnServer(u) ? fail(w, u, 'the server closed the control connection') : u;
    }
    case 'reset':
      return fail(w, patch(s, { ctrlOpen: false }), 'the control connection was reset');
    case 'refused':
      return fail(w, patch(s, { ctrlOpen: false }), 'the server refused the control connection');
    case 'timed-out':
      return fail(w, patch(s, { ctrlOpen: false }), 'the control connection timed out');
    case 'accepted':
    case 'readable':
    case 'closed':
    case 'drained':
      return s;
    default:
      return ev satisfies never;
  }
}

/**
 * The endpoint of the last 227 or 229 among these replies, else the one known before: what a low-level
 * open-data step connects to, whichever step (a transfer, or a raw PASV command) asked for it.
 */
function passiveEndpoint(s: ClientState, replies: readonly Reply[]): ClientState['pasv'] {
  let ep = s.pasv;
  for (const r of replies) {
    if (r.code === 227) ep = parsePasv(r.text) ?? ep;
    if (r.code === 229) {
      const port = parseEpsv(r.text);
      // RFC 2428 §3: the data connection goes to the address of the control connection.
      if (port !== null) ep = { addr: s.spec.server.addr, port };
    }
  }
  return ep;
}

function dataEvent(w: World, s: ClientState, ev: SocketEvent): ClientState {
  const x = s.xfer;
  if (ev.kind === 'accepted') {
    if (x === null || ev.port !== x.listenPort || x.conn !== null) {
      sock.abort(w, ev.conn); // nobody expects this connection
      return s;
    }
    sock.unlisten(w, s.spec.host, ev.port);
    const t = patch(s, {
      data: [...s.data, ev.conn],
      xfer: patchTransfer(x, { conn: ev.conn, connected: true }),
    });
    return afterData(w, t);
  }
  if (x === null || ev.conn !== x.conn) {
    // A connection of an earlier step (kept open by keeps-old-data-open, or opened by open-data).
    if (ev.kind === 'peer-closed' && !s.lingering.includes(ev.conn)) sock.close(w, ev.conn);
    return s;
  }
  switch (ev.kind) {
    case 'connected':
      return afterData(w, patch(s, { xfer: patchTransfer(x, { connected: true }) }));
    case 'data':
      return gotBytes(s, ev.bytes);
    case 'readable':
      return afterData(w, s);
    case 'peer-closed':
      return dataFin(w, s);
    case 'reset':
    case 'refused':
    case 'timed-out': {
      // The final reply on the control connection says what became of the transfer; wait for it.
      const t = patch(s, { xfer: patchTransfer(x, { broken: true, closed: true }) });
      if (x.final !== null && x.final.code < 400 && !x.eof) {
        return fail(
          w,
          t,
          `the data connection was ${ev.kind === 'reset' ? 'reset' : ev.kind} before its end`,
        );
      }
      return t;
    }
    case 'closed':
    case 'drained':
      return s;
    default:
      return ev satisfies never;
  }
}
