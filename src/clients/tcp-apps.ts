/**
 * Plain TCP applications for the TCP scenarios and benchmarks, over the socket facade:
 * - bulk:   connects, writes N bytes of the test pattern (bytes.ts), closes; ns-3's BulkSend;
 * - sink:   listens, counts what each connection brings and checks it against the pattern, closes when the
 *           peer does; ns-3's PacketSink;
 * - script: timed socket calls (listen, connect from a chosen port, send, close, abort), for handshakes,
 *           simultaneous open and close, refused connections and TIME-WAIT.
 *
 * State: `tcp-app:<name>` per application, and `tcp-sink:<conn>` per connection a sink accepted (so that a
 * segment costs the same however many flows a sink serves). Milestones are traced as 'app-event'.
 */

import type { AppCall, SocketEvent } from '../../sim/net/sockets.ts';
import * as sock from '../../sim/net/sockets.ts';
import type { Endpoint } from '../../sim/tcp/segment.ts';
import type { Time } from '../../sim/time.ts';
import type { World } from '../../sim/world.ts';
import { pattern, patternMismatch } from './bytes.ts';
import './trace.ts';

export type TcpAction =
  | { readonly at: Time; readonly do: 'listen'; readonly port: number; readonly as: string }
  | {
      readonly at: Time;
      readonly do: 'connect';
      readonly to: Endpoint;
      readonly localPort: number | null;
      readonly as: string;
    }
  | { readonly at: Time; readonly do: 'send'; readonly conn: string; readonly bytes: Uint8Array }
  | { readonly at: Time; readonly do: 'close' | 'abort'; readonly conn: string }
  | { readonly at: Time; readonly do: 'unlisten'; readonly port: number };

export type TcpAppSpec =
  | {
      readonly kind: 'bulk';
      readonly name: string;
      readonly host: string;
      readonly to: Endpoint;
      readonly bytes: number;
      readonly start: Time;
      readonly localPort: number | null;
    }
  | { readonly kind: 'sink'; readonly name: string; readonly host: string; readonly port: number }
  | {
      readonly kind: 'script';
      readonly name: string;
      readonly host: string;
      /** What the application does when a peer closes: close its side too (default), or nothing. */
      readonly onPeerClose: 'close' | 'ignore';
      readonly steps: readonly TcpAction[];
    };

export interface TcpAppState {
  readonly spec: TcpAppSpec;
  /** Connections by the name the scenario gave them ('as'), and every connection in order. */
  readonly named: Readonly<Record<string, string>>;
  readonly conns: readonly string[];
  /** Bytes received over all connections (script, bulk). */
  readonly received: number;
  /** bulk: the close handshake completed (every byte was acknowledged). */
  readonly done: boolean;
  /** Socket events that ended a connection abnormally, as 'conn: reset'. */
  readonly failures: readonly string[];
}

/** One connection accepted by a sink. */
export interface SinkConn {
  readonly received: number;
  /** Stream offset of the first byte that broke the pattern, or -1. */
  readonly mismatch: number;
  readonly finished: boolean;
  readonly finishedAt: Time | null;
}

const APP = 'tcp-app';
const WAKE = 'tcp-app:wake';
const NAMES = 'tcp-apps';

export function installTcpApps(world: World, specs: readonly TcpAppSpec[]): void {
  if (!world.hasHandler(`app:${APP}`)) {
    world.on(`app:${APP}`, onSocket);
    world.on(WAKE, onWake);
  }
  const names = [...(world.get<readonly string[]>(NAMES) ?? [])];
  for (const spec of specs) {
    names.push(spec.name);
    world.set(key(spec.name), {
      spec,
      named: {},
      conns: [],
      received: 0,
      done: false,
      failures: [],
    } satisfies TcpAppState);
    switch (spec.kind) {
      case 'bulk':
        world.schedule(spec.start, WAKE, { app: spec.name, index: -1 });
        break;
      case 'sink':
        sock.listen(world, spec.host, spec.port, { app: ref(spec.name), label: spec.name, backlog: 1024 });
        break;
      case 'script':
        spec.steps.forEach((a, index) => {
          world.schedule(a.at, WAKE, { app: spec.name, index });
        });
        break;
      default:
        spec satisfies never;
    }
  }
  world.set(NAMES, names);
}

export function tcpAppNames(world: World): readonly string[] {
  return world.get<readonly string[]>(NAMES) ?? [];
}

export function tcpAppState(world: World, name: string): TcpAppState | undefined {
  return world.get<TcpAppState>(key(name));
}

export function sinkConn(world: World, conn: string): SinkConn | undefined {
  return world.get<SinkConn>(`tcp-sink:${conn}`);
}

/** When the last sink saw its sender's FIN; 0 when no sink has yet (or there is none). */
export function lastSinkFinish(world: World): Time {
  let last = 0;
  for (const name of tcpAppNames(world)) {
    const a = tcpAppState(world, name)!;
    if (a.spec.kind !== 'sink') continue;
    for (const c of a.conns) last = Math.max(last, sinkConn(world, c)?.finishedAt ?? 0);
  }
  return last;
}

function key(name: string): string {
  return `tcp-app:${name}`;
}

function ref(name: string) {
  return { type: APP, id: name };
}

function onWake(w: World, { app, index }: { app: string; index: number }): void {
  const s = w.get<TcpAppState>(key(app))!;
  const spec = s.spec;
  if (spec.kind === 'bulk') {
    const conn = sock.connect(w, spec.host, spec.to, {
      app: ref(spec.name),
      label: spec.name,
      ...(spec.localPort === null ? {} : { localPort: spec.localPort }),
    });
    w.set(key(app), { ...s, conns: [conn], named: { [spec.name]: conn } });
    return;
  }
  if (spec.kind !== 'script') return;
  const a = spec.steps[index]!;
  switch (a.do) {
    case 'listen':
      sock.listen(w, spec.host, a.port, { app: ref(spec.name), label: a.as });
      break;
    case 'unlisten':
      sock.unlisten(w, spec.host, a.port);
      break;
    case 'connect': {
      const conn = sock.connect(w, spec.host, a.to, {
        app: ref(spec.name),
        label: a.as,
        ...(a.localPort === null ? {} : { localPort: a.localPort }),
      });
      w.set(key(app), { ...s, conns: [...s.conns, conn], named: { ...s.named, [a.as]: conn } });
      break;
    }
    case 'send':
    case 'close':
    case 'abort': {
      const conn = s.named[a.conn];
      if (conn === undefined || sock.findConn(w, conn) === undefined) {
        note(w, spec.host, spec.name, conn ?? a.conn, `${a.do} skipped`, `no open connection '${a.conn}'`);
        break;
      }
      if (a.do === 'send') sock.send(w, conn, a.bytes);
      else if (a.do === 'close') sock.close(w, conn);
      else sock.abort(w, conn);
      break;
    }
    default:
      a satisfies never;
  }
}

function onSocket(w: World, { app, ev }: AppCall): void {
  const s = w.get<TcpAppState>(key(app))!;
  const spec = s.spec;
  if (ev.kind === 'drained') return;
  if (ev.kind === 'accepted') {
    let as = '';
    if (spec.kind === 'script') {
      for (const a of spec.steps) if (a.do === 'listen' && a.port === ev.port) as = a.as;
    }
    w.set(key(app), {
      ...s,
      conns: [...s.conns, ev.conn],
      named: as === '' ? s.named : { ...s.named, [as]: ev.conn },
    });
    if (spec.kind === 'sink') {
      w.set(`tcp-sink:${ev.conn}`, {
        received: 0,
        mismatch: -1,
        finished: false,
        finishedAt: null,
      } satisfies SinkConn);
    }
    return;
  }
  switch (spec.kind) {
    case 'bulk':
      if (ev.kind === 'connected') {
        sock.send(w, ev.conn, pattern(spec.bytes));
        sock.close(w, ev.conn);
        note(w, spec.host, app, ev.conn, 'sent', `${spec.bytes} bytes written, then close`);
      } else if (ev.kind === 'closed') {
        w.set(key(app), { ...s, done: true });
        note(w, spec.host, app, ev.conn, 'done', 'every byte acknowledged and the close handshake done');
      } else common(w, s, ev);
      return;
    case 'sink':
      sinkEvent(w, s, ev);
      return;
    case 'script':
      common(w, s, ev);
      return;
    default:
      spec satisfies never;
  }
}

function sinkEvent(w: World, s: TcpAppState, ev: SocketEvent): void {
  const k = `tcp-sink:${ev.conn}`;
  const c = w.get<SinkConn>(k);
  if (c === undefined) return;
  switch (ev.kind) {
    case 'data': {
      const mismatch = c.mismatch >= 0 ? c.mismatch : patternMismatch(ev.bytes, c.received);
      w.set(k, { ...c, received: c.received + ev.bytes.length, mismatch });
      return;
    }
    case 'peer-closed': {
      sock.close(w, ev.conn);
      w.set(k, { ...c, finished: true, finishedAt: w.now });
      const intact = c.mismatch < 0 ? 'intact' : `first wrong byte at ${c.mismatch}`;
      note(w, s.spec.host, s.spec.name, ev.conn, 'received', `${c.received} bytes, ${intact}`);
      return;
    }
    default:
      common(w, s, ev);
  }
}

function common(w: World, s: TcpAppState, ev: SocketEvent): void {
  const spec = s.spec;
  switch (ev.kind) {
    case 'data':
      w.set(key(spec.name), { ...s, received: s.received + ev.bytes.length });
      return;
    case 'peer-closed':
      if (spec.kind !== 'script' || spec.onPeerClose === 'close') sock.close(w, ev.conn);
      return;
    case 'reset':
    case 'refused':
    case 'timed-out':
      w.set(key(spec.name), { ...s, failures: [...s.failures, `${ev.conn}: ${ev.kind}`] });
      note(w, spec.host, spec.name, ev.conn, ev.kind);
      return;
    default:
      return;
  }
}

function note(w: World, host: string, app: string, conn: string, event: string, detail?: string): void {
  if (w.tracing)
    w.record('app-event', host, { app, conn, event, ...(detail === undefined ? {} : { detail }) });
}
