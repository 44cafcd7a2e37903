/**
 * Benchmark: 100 TCP bulk transfers of 1 MB from 100 client hosts to one server host, each over its own
 * 10 Mbit/s, 1 ms path, MSS 1448, NewReno, flow i starting at 0.001 * (i % 10) s and sending to its own sink
 * port 5000 + i: the netstep side of ns-3's `tcp-bench --flows=100 --bytes=1000000 --topo=star`. ns-3's 1 MiB
 * socket buffers need window scaling, which the model does not have: both ends offer the largest window,
 * 65,535 bytes. The trace is off unless asked for.
 */

import { MS } from '../../sim/time.ts';
import { sinkConn, tcpAppState } from '../../src/clients/tcp-apps.ts';
import { defineScenario, type RunOutcome, type ScenarioInput } from '../../src/scenario/index.ts';

/** Every flow's sink got all its bytes, intact, and saw the sender close; null when so. */
export function allFlowsDone(o: RunOutcome, flows: number, bytes: number): string | null {
  for (let i = 0; i < flows; i++) {
    const conns = tcpAppState(o.world, `sink${i}`)?.conns ?? [];
    const c = conns.length === 1 ? sinkConn(o.world, conns[0]!) : undefined;
    if (c === undefined) return `flow ${i}: its sink accepted ${conns.length} connections, not 1`;
    if (c.received !== bytes || c.mismatch >= 0 || !c.finished) {
      return `flow ${i}: ${c.received} bytes${c.mismatch >= 0 ? `, wrong from ${c.mismatch}` : ''}${c.finished ? '' : ', not finished'}`;
    }
  }
  return null;
}

export function bulkStar(flows: number, bytes: number): ScenarioInput {
  const clients = Array.from({ length: flows }, (_, i) => ({
    name: `c${i}`,
    addr: `10.1.${i >> 8}.${(i & 255) + 1}`,
  }));
  return {
    name: 'tcp-bulk-100x1MB',
    about: `benchmark: ${flows} TCP flows of ${grouped(bytes)} bytes into one server, each over its own 10 Mbit/s, 1 ms path (ns-3 tcp-bench, star)`,
    trace: false,
    hosts: [{ name: 'server', addr: '10.0.0.1' }, ...clients],
    paths: clients.map((c) => ({
      between: [c.name, 'server'] as const,
      latency: '1ms',
      bandwidth: '10Mbps',
    })),
    tcp: { mss: 1448, rcvBuf: 65535 },
    apps: clients.flatMap((c, i) => [
      { kind: 'sink' as const, name: `sink${i}`, host: 'server', port: 5000 + i },
      {
        kind: 'bulk' as const,
        name: `bulk${i}`,
        host: c.name,
        to: `server:${5000 + i}`,
        bytes,
        start: (i % 10) * MS,
      },
    ]),
    expect: [
      {
        check: (o: RunOutcome) => allFlowsDone(o, flows, bytes),
        text: `every one of the ${flows} sinks receives its ${grouped(bytes)} bytes intact, and the sender closes`,
      },
    ],
  };
}

export default defineScenario(bulkStar(100, 1_000_000));

/** 10000000 → '10,000,000' (toLocaleString would load ICU's data for one comma). */
function grouped(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+$)/g, ',');
}
