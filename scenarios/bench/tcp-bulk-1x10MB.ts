/**
 * Benchmark: one TCP bulk transfer of 10 MB over a 10 Mbit/s, 1 ms path, MSS 1448, NewReno; the netstep side
 * of ns-3's `tcp-bench --flows=1 --bytes=10000000` (/work/shared/peers/ns3/tcp-bench.cc). ns-3 uses 1 MiB
 * socket buffers; without window scaling the largest window is 65,535 bytes, so that is what both ends offer.
 * The trace is off unless asked for: the expectations read the applications' final state.
 */

import { defineScenario, type ScenarioInput } from '../../src/scenario/index.ts';

export function bulk1(bytes: number): ScenarioInput {
  return {
    name: 'tcp-bulk-1x10MB',
    about: `benchmark: one ${grouped(bytes)}-byte TCP flow over 10 Mbit/s and 1 ms, MSS 1448 (ns-3 tcp-bench)`,
    trace: false,
    hosts: [
      { name: 'client', addr: '10.0.0.1' },
      { name: 'server', addr: '10.0.0.2' },
    ],
    paths: [{ between: ['client', 'server'], latency: '1ms', bandwidth: '10Mbps' }],
    tcp: { mss: 1448, rcvBuf: 65535 },
    apps: [
      { kind: 'bulk', name: 'bulk', host: 'client', to: 'server:5000', bytes },
      { kind: 'sink', name: 'sink', host: 'server', port: 5000 },
    ],
    expect: [
      { app: 'sink', received: bytes, intact: true, completed: true },
      { app: 'bulk', completed: true },
    ],
  };
}

export default defineScenario(bulk1(10_000_000));

/** 10000000 → '10,000,000' (toLocaleString would load ICU's data for one comma). */
function grouped(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+$)/g, ',');
}
