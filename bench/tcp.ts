/**
 * TCP bulk-transfer benchmark beside ns-3. Runs the bundled workloads scenarios/bench/tcp-bulk-1x10MB (one
 * flow of 10 MB) and scenarios/bench/tcp-bulk-100x1MB (100 flows of 1 MB from 100 client hosts to one server
 * host, each over its own path of 10 Mbit/s and 1 ms one way, MSS 1448, NewReno), exactly as
 * `netstep run --view none` runs them, and ns-3's tcp-bench on the same workloads in the same run. Prints wall
 * time, events, simulated completion and peak memory of each.
 */
import { bulk1 } from '../scenarios/bench/tcp-bulk-1x10MB.ts';
import { bulkStar } from '../scenarios/bench/tcp-bulk-100x1MB.ts';
import { lastSinkFinish } from '../src/clients/tcp-apps.ts';
import { type RunOutcome, runScenario, type ScenarioInput, validateScenario } from '../src/scenario/index.ts';
import { ns3Binary, runNs3 } from './ns3.ts';
import { mb, peakRss, report, resetPeakRss } from './util.ts';

/** When the last sink saw its sender's FIN: the simulated completion time, in seconds. */
function completion(o: RunOutcome): number {
  return lastSinkFinish(o.world) / 1e9;
}

interface Measured {
  readonly wall: number;
  readonly events: number;
  readonly simEnd: number;
  readonly rss: number;
  readonly passed: boolean;
}

export function runWorkload(input: ScenarioInput): Measured {
  const s = validateScenario(input, input.name);
  globalThis.gc?.();
  resetPeakRss();
  const t0 = process.hrtime.bigint();
  const o = runScenario(s);
  const wall = Number(process.hrtime.bigint() - t0) / 1e9;
  return {
    wall,
    events: o.world.steps,
    simEnd: completion(o),
    rss: peakRss(),
    passed: o.passed,
  };
}

export function tcpBench(): void {
  const bin = ns3Binary();
  const workloads = [
    { input: bulk1(10_000_000), warm: bulk1(10_000_000), ns3: ['--flows=1', '--bytes=10000000'] },
    {
      input: bulkStar(100, 1_000_000),
      warm: bulkStar(100, 250_000),
      ns3: ['--flows=100', '--bytes=1000000', '--topo=star'],
    },
  ];
  for (const w of workloads) {
    runWorkload(w.warm); // let the JIT compile the hot paths first, as ns-3's are compiled ahead of time
    const r = runWorkload(w.input);
    const rows: Array<[string, string]> = [
      ['netstep wall (build + run)', `${r.wall.toFixed(3)} s${r.passed ? '' : '  (expectations FAILED)'}`],
      ['netstep events', `${r.events}`],
      ['netstep simulated completion', `${r.simEnd.toFixed(6)} s`],
      ['netstep peak RSS', mb(r.rss)],
    ];
    if (typeof bin === 'string') {
      const n = runNs3(bin, w.ns3);
      rows.push(
        ['ns-3 wall (Simulator::Run)', `${n.runWall.toFixed(3)} s`],
        ['ns-3 events', `${n.events}`],
        ['ns-3 simulated completion', `${n.simEnd.toFixed(6)} s (${n.completed} flows)`],
        ['ratio ns-3 wall / netstep wall (>= 1: netstep faster)', (n.runWall / r.wall).toFixed(2)],
      );
    } else rows.push(['ns-3', `not run: ${bin.missing}`]);
    report(w.input.name, rows);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) tcpBench();
