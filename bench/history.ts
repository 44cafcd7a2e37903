/**
 * History benchmark: what keeping history costs, and how fast back() and fork() are on a long run.
 *
 * The workload is the TCP bulk world of bench/tcp.ts (flows of bulk data from client hosts to one server,
 * 10 Mbit/s, 1 ms, MSS 1448) with tracing on, sized to about 1,000,000 events. It is built here rather than
 * with tcp.ts's bulkWorld because that one fixes `history: false`.
 *
 * Figures (none is a test; nothing fails on a slow machine):
 * - the cost of step() with history kept against without, on the same run, both tracing;
 * - the heap that history holds at the end of the run (heap with history minus heap without, after GC);
 * - back() to several points of the run, from the end down to the start, each timed on its own;
 * - fork() at the same points, each timed (a fork copies the trace array and the state map).
 * The goal: back() and fork() anywhere in a 1,000,000-event run under 100 ms each, history under 1 GB.
 */
import { installNetwork } from '../sim/net/network.ts';
import { pathConfig } from '../sim/net/path-config.ts';
import type { AppCall } from '../sim/net/sockets.ts';
import * as net from '../sim/net/sockets.ts';
import { MS } from '../sim/time.ts';
import { World } from '../sim/world.ts';
import { mb, report } from './util.ts';

const FLOWS = 10;
/** Bytes per flow: the run reaches 1,000,000 events (measured: ~1.4 events per 1,000 bytes sent) and is cut there. */
const BYTES = 80_000_000;
const TARGET = 1_000_000;
/** Events of the step-cost runs (four of them: best of two with history, best of two without). */
const COST_STEPS = 200_000;

/** The bulk world of bench/tcp.ts, with history and tracing chosen by the caller. */
export function bulkHistoryWorld(flows: number, bytes: number, history: boolean): World {
  const w = new World({ seed: 1, trace: true, history });
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
  w.on('app:bulk', (world, { ev }: AppCall) => {
    if (ev.kind === 'connected') {
      net.send(world, ev.conn, payload);
      net.close(world, ev.conn);
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
  return w;
}

/**
 * Wall and CPU seconds of one call. On a machine shared with other work the wall time is inflated by waiting
 * for a core; on a quiet one the CPU time is inflated by V8's parallel GC threads. The goal is judged on the
 * smaller of the two.
 */
interface Timing {
  readonly wall: number;
  readonly cpu: number;
}

function timed(fn: () => void): Timing {
  globalThis.gc?.(); // a collection owed by earlier work is not this operation's cost
  const c0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  fn();
  const wall = Number(process.hrtime.bigint() - t0) / 1e9;
  const c = process.cpuUsage(c0);
  return { wall, cpu: (c.user + c.system) / 1e6 };
}

/** The best of `runs` timings: the machine's noise (other processes, a collection) only ever adds. */
function best(runs: number, fn: () => void): Timing {
  let wall = Number.POSITIVE_INFINITY;
  let cpu = Number.POSITIVE_INFINITY;
  for (let i = 0; i < runs; i++) {
    const t = timed(fn);
    wall = Math.min(wall, t.wall);
    cpu = Math.min(cpu, t.cpu);
  }
  return { wall, cpu };
}

function both(t: Timing): string {
  return `${ms(t.wall)} wall, ${ms(t.cpu)} cpu`;
}

function heapAfterGc(): number {
  globalThis.gc?.();
  globalThis.gc?.();
  return process.memoryUsage().heapUsed;
}

function ms(s: number): string {
  return `${(s * 1000).toFixed(1)} ms`;
}

function run(world: World, steps: number): void {
  world.run({ untilState: (w) => w.steps >= steps });
}

/** ns per event of the first `steps` events of the workload, best of two runs. */
function stepCost(history: boolean, steps: number): number {
  return (best(2, () => run(bulkHistoryWorld(FLOWS, BYTES, history), steps)).cpu / steps) * 1e9;
}

/** The heap a run to `steps` events holds, above what was held before it. */
function heapOf(history: boolean, steps: number): { world: World; heap: number } {
  const before = heapAfterGc();
  const world = bulkHistoryWorld(FLOWS, BYTES, history);
  run(world, steps);
  return { world, heap: heapAfterGc() - before };
}

export function historyBench(): void {
  if (globalThis.gc === undefined)
    console.log('(run with --expose-gc, as npm run bench does, for heap figures)');
  // Warm up the JIT on the same code, so the timed runs measure steady code.
  run(bulkHistoryWorld(FLOWS, BYTES, true), 50_000);
  run(bulkHistoryWorld(FLOWS, BYTES, false), 50_000);

  const costOff = stepCost(false, COST_STEPS);
  const costOn = stepCost(true, COST_STEPS);
  const off = heapOf(false, TARGET);
  const offEntries = off.world.trace.length;
  const heapOff = off.heap;
  off.world = undefined as unknown as World; // let it go before the next run
  const on = heapOf(true, TARGET);
  const w = on.world;

  const rows: Array<[string, string]> = [
    ['workload', `${FLOWS} flows x ${BYTES / 1e6} MB, 10 Mbit/s, 1 ms, MSS 1448, trace on`],
    ['events run', `${w.steps} (trace: ${w.trace.length} entries)`],
    [`step() without history (first ${COST_STEPS} events)`, `${costOff.toFixed(0)} ns/event of cpu`],
    [`step() with history (first ${COST_STEPS} events)`, `${costOn.toFixed(0)} ns/event of cpu`],
    ['history / no history', `${(costOn / costOff).toFixed(2)}x`],
    ['heap at the end, no history (trace and state)', mb(heapOff)],
    ['heap at the end, with history', mb(on.heap)],
    ['held by history', `${mb(on.heap - heapOff)} (goal: under 1 GB)`],
  ];
  if (offEntries !== w.trace.length)
    rows.push(['(!) the two runs differ', `${offEntries} vs ${w.trace.length} entries`]);

  // back() from the end to earlier and earlier points, each on a fresh fork of the finished run (so each
  // is a real back() over the whole distance), best of three; and fork() at each point reached.
  const end = w.steps;
  const points = [
    end - 1,
    end - 1_000,
    Math.round(end * 0.75),
    Math.round(end * 0.5),
    Math.round(end * 0.25),
    1_000,
  ];
  let worstBack = 0;
  const atEnd = best(3, () => w.fork());
  let worstFork = Math.min(atEnd.wall, atEnd.cpu);
  rows.push([`fork() at step ${end}`, both(atEnd)]);
  for (const target of points) {
    const b = { wall: Number.POSITIVE_INFINITY, cpu: Number.POSITIVE_INFINITY };
    const f = { ...b };
    for (let i = 0; i < 3; i++) {
      const copy = w.fork();
      const tb = timed(() => copy.back(end - target));
      if (copy.steps !== target) throw new Error(`back() reached step ${copy.steps}, not ${target}`);
      const tf = timed(() => copy.fork());
      b.wall = Math.min(b.wall, tb.wall);
      b.cpu = Math.min(b.cpu, tb.cpu);
      f.wall = Math.min(f.wall, tf.wall);
      f.cpu = Math.min(f.cpu, tf.cpu);
    }
    worstBack = Math.max(worstBack, Math.min(b.wall, b.cpu));
    worstFork = Math.max(worstFork, Math.min(f.wall, f.cpu));
    rows.push([`back(${end - target}) to step ${target}`, `${both(b)}; fork() there ${both(f)}`]);
  }
  rows.push([
    'goal: back() and fork() < 100 ms',
    `worst back ${ms(worstBack)}, worst fork ${ms(worstFork)}: ${worstBack < 0.1 && worstFork < 0.1 ? 'met' : 'MISSED'}`,
  ]);
  rows.push([
    'how back() works',
    `restore the checkpoint at or before the target (one every ${w.historyInterval} steps or more), replay the rest`,
  ]);
  report('History: step cost, memory, back() and fork() on a 1,000,000-event run', rows);
}

if (import.meta.url === `file://${process.argv[1]}`) historyBench();
