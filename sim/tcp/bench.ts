/**
 * Micro-benchmark of the TCP machine alone: two TCBs back to back over a fixed-delay link, no engine, no
 * loss, the receiver reading everything at once. Prints segments processed per second of wall time for
 * one 10 MB flow and for 100 flows of 1 MB (the workloads compared with ns-3 in bench/), and the cost of
 * one handleSegment call.
 *
 *   npx tsx sim/tcp/bench.ts [--mb 10] [--flows 100] [--delayed-ack] [--runs 3]
 *
 * A development script, never imported by the model: it is the one file under sim/ that reads the wall
 * clock (process.hrtime), because measuring wall time is its purpose.
 */

import { hrtime } from 'node:process';
import { MS } from '../time.ts';
import {
  close,
  createTcb,
  type Endpoint,
  handleSegment,
  handleTimeout,
  listen,
  nextDeadline,
  open,
  read,
  type Segment,
  type Step,
  send,
  type Tcb,
  type TcpOptions,
} from './index.ts';

const A: Endpoint = { addr: '10.0.0.1', port: 50000 };
const B: Endpoint = { addr: '10.0.0.2', port: 5000 };

interface Result {
  segments: number;
  simulated: number;
  received: number;
}

/** One flow of `payload` from A to B over a link of one-way `delay`; both sides closed at the end. */
function flow(payload: Uint8Array, delay: number, options: Partial<TcpOptions>): Result {
  const bytes = payload.length;
  // FIFO queues per direction: with a constant delay, arrival order is sending order.
  const toB: { at: number; seg: Segment }[] = [];
  const toA: { at: number; seg: Segment }[] = [];
  let qa = 0;
  let qb = 0;
  let now = 0;
  let segments = 0;
  let received = 0;
  let a: Tcb = createTcb(A, B, options);
  let b: Tcb = listen(createTcb(B, null, options), 0x7000_0000).tcb;

  const run = (side: 'a' | 'b', step: Step): void => {
    if (side === 'a') a = step.tcb;
    else b = step.tcb;
    for (const o of step.out) {
      if (o.kind === 'segment') (side === 'a' ? toB : toA).push({ at: now + delay, seg: o.seg });
      else if (o.kind === 'data' && side === 'b') {
        const r = read(b, Number.POSITIVE_INFINITY, now);
        received += r.bytes.length;
        run('b', r);
      } else if (o.kind === 'peer-closed' && side === 'b') {
        run('b', close(b, now));
      }
    }
  };

  run('a', open(a, 0xffff_0000, now));
  let sentPayload = false;
  for (;;) {
    if (!sentPayload && a.state === 'ESTABLISHED') {
      sentPayload = true;
      run('a', send(a, payload, now));
      run('a', close(a, now));
    }
    const da = nextDeadline(a);
    const db = nextDeadline(b);
    let next = Number.POSITIVE_INFINITY;
    if (qb < toB.length) next = Math.min(next, toB[qb]!.at);
    if (qa < toA.length) next = Math.min(next, toA[qa]!.at);
    if (da !== null) next = Math.min(next, da);
    if (db !== null) next = Math.min(next, db);
    if (next === Number.POSITIVE_INFINITY) break;
    now = next;
    if (qb < toB.length && toB[qb]!.at === now) {
      segments++;
      run('b', handleSegment(b, toB[qb++]!.seg, now));
    } else if (qa < toA.length && toA[qa]!.at === now) {
      segments++;
      run('a', handleSegment(a, toA[qa++]!.seg, now));
    } else if (da === now) run('a', handleTimeout(a, now));
    else run('b', handleTimeout(b, now));
  }
  if (received !== bytes) throw new Error(`received ${received} of ${bytes} octets`);
  return { segments, simulated: now, received };
}

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

/** Runs `flows` flows of `bytes` each `runs` times; prints the best and the median run. */
function measure(
  label: string,
  flows: number,
  bytes: number,
  runs: number,
  options: Partial<TcpOptions>,
): void {
  const payload = new Uint8Array(bytes);
  const walls: number[] = [];
  let segments = 0;
  for (let r = 0; r < runs; r++) {
    segments = 0;
    const start = hrtime.bigint();
    for (let i = 0; i < flows; i++) segments += flow(payload, 1 * MS, options).segments;
    walls.push(Number(hrtime.bigint() - start) / 1e9);
  }
  walls.sort((x, y) => x - y);
  const best = walls[0]!;
  const median = walls[Math.floor(walls.length / 2)]!;
  const rate = (w: number) =>
    `${(segments / w / 1e6).toFixed(2)} M segments/s (${((w * 1e6) / segments).toFixed(2)} us)`;
  console.log(
    `${label.padEnd(20)} ${String(segments).padStart(7)} segments  best ${rate(best)}  median ${rate(median)}`,
  );
}

const mb = arg('mb', 10);
const flows = arg('flows', 100);
const runs = arg('runs', 7);
const options: Partial<TcpOptions> = process.argv.includes('--delayed-ack') ? { delayedAck: true } : {};

// Warm up the JIT, then measure. Wall time depends on the machine's load: compare best runs.
for (let i = 0; i < 5; i++) flow(new Uint8Array(1_000_000), 1 * MS, options);
measure(`1 flow x ${mb} MB`, 1, mb * 1_000_000, runs, options);
measure(`${flows} flows x 1 MB`, flows, 1_000_000, runs, options);
