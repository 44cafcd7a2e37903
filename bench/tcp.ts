/**
 * TCP bulk-transfer benchmark beside ns-3: 1 flow of 10 MB, and 100 flows of 1 MB from 100 client hosts to
 * one server host, each over its own path of 10 Mbit/s and 1 ms one way, MSS 1448, NewReno (the workloads of
 * ../shared/peers/ns3/tcp-bench.cc). Prints wall time, events, simulated completion and peak memory.
 */
import { installNetwork } from '../sim/net/network.ts';
import { pathConfig } from '../sim/net/path-config.ts';
import type { AppCall } from '../sim/net/sockets.ts';
import * as net from '../sim/net/sockets.ts';
import { MS } from '../sim/time.ts';
import { World } from '../sim/world.ts';
import { ns3Binary, runNs3 } from './ns3.ts';
import { mb, report } from './util.ts';

export function bulkWorld(flows: number, bytes: number, trace = false): { world: World; done: () => number } {
  const w = new World({ seed: 1, trace, history: false });
  const hosts = [{ name: 'server', addr: '10.0.0.1' }];
  for (let i = 0; i < flows; i++) hosts.push({ name: `c${i}`, addr: `10.${1 + (i >> 8)}.${i & 255}.1` });
  const link = pathConfig({ latency: '1ms', bandwidth: '10Mbps', queueLimit: 100 });
  const paths = hosts.slice(1).flatMap((h) => [
    { from: h.name, to: 'server', config: link },
    { from: 'server', to: h.name, config: link },
  ]);
  installNetwork(w, { hosts, paths }, net.deliver);
  net.installSockets(w, { mss: 1448, rcvBuf: 65535 });
  const payload = new Uint8Array(bytes);
  let received = 0;
  let lastDone = 0;
  w.on('app:bulk', (world, { ev }: AppCall) => {
    if (ev.kind === 'connected') {
      net.send(world, ev.conn, payload);
      net.close(world, ev.conn);
    } else if (ev.kind === 'data') {
      received += ev.bytes.length;
      if (received % bytes === 0) lastDone = world.now;
    } else if (ev.kind === 'peer-closed') {
      net.close(world, ev.conn);
    }
  });
  w.on('bulk:start', (world, i: number) => {
    net.connect(world, `c${i}`, { addr: '10.0.0.1', port: 5000 + i }, { app: { type: 'bulk', id: `c${i}` } });
  });
  for (let i = 0; i < flows; i++) {
    net.listen(w, 'server', 5000 + i, { app: { type: 'bulk', id: 'server' } });
    w.schedule((i % 10) * MS, 'bulk:start', i);
  }
  return { world: w, done: () => lastDone };
}

function runOne(
  flows: number,
  bytes: number,
): { wall: number; events: number; simEnd: number; heap: number } {
  const { world, done } = bulkWorld(flows, bytes);
  globalThis.gc?.();
  const t0 = process.hrtime.bigint();
  world.run();
  const wall = Number(process.hrtime.bigint() - t0) / 1e9;
  return { wall, events: world.steps, simEnd: done() / 1e9, heap: process.memoryUsage().rss };
}

export function tcpBench(): void {
  const bin = ns3Binary();
  for (const [flows, bytes, args] of [
    [1, 10_000_000, ['--flows=1', '--bytes=10000000']],
    [100, 1_000_000, ['--flows=100', '--bytes=1000000', '--topo=star']],
  ] as const) {
    runOne(flows, flows === 1 ? bytes : bytes / 4); // warm up the JIT, so the timed run measures steady code
    const r = runOne(flows, bytes);
    const rows: Array<[string, string]> = [
      ['netstep wall (run)', `${r.wall.toFixed(3)} s`],
      ['netstep events', `${r.events}`],
      ['netstep simulated completion', `${r.simEnd.toFixed(6)} s`],
      ['netstep peak RSS', mb(r.heap)],
    ];
    if (typeof bin === 'string') {
      const n = runNs3(bin, [...args]);
      rows.push(
        ['ns-3 wall (Simulator::Run)', `${n.runWall.toFixed(3)} s`],
        ['ns-3 events', `${n.events}`],
        ['ns-3 simulated completion', `${n.simEnd.toFixed(6)} s (${n.completed} flows)`],
        ['ratio ns-3 wall / netstep wall (>= 1: netstep faster)', (n.runWall / r.wall).toFixed(2)],
      );
    } else rows.push(['ns-3', `not run: ${bin.missing}`]);
    report(`TCP bulk: ${flows} flow(s) x ${bytes / 1e6} MB, 10 Mbit/s, 1 ms, MSS 1448`, rows);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) tcpBench();
