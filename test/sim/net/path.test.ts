import fc from 'fast-check';
import seedrandom from 'seedrandom';
import { describe, expect, it } from 'vitest';
import { InvariantError } from '../../../sim/errors.ts';
import {
  drawsPerSegment,
  IDLE_PATH,
  isIdeal,
  type PathOptions,
  pathConfig,
  queueDepth,
  serialisationDelay,
  transmit,
} from '../../../sim/net/path.ts';
import { startTimes } from '../../../sim/net/path-queue.ts';
import { MS, SECOND, US } from '../../../sim/time.ts';
import { draws, noDraws, outcome, sendAll } from './path-helpers.ts';

describe('an ideal path', () => {
  it('delivers at once, draws nothing, and keeps no queue', () => {
    const r = transmit(IDLE_PATH, pathConfig(), 40, 7 * MS, noDraws);
    expect(r.deliveries).toEqual([7 * MS]);
    expect(r.dropped).toBeUndefined();
    expect(r.queued).toBe(0);
    expect(queueDepth(r.state, 7 * MS)).toBe(0);
  });

  it('is what isIdeal says: any run of segments within the MTU arrives exactly one latency later', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 50 }),
        fc.array(fc.tuple(fc.integer({ min: 0, max: 5 * MS }), fc.integer({ min: 20, max: 1500 })), {
          maxLength: 40,
        }),
        (latencyMs, sends) => {
          const path = pathConfig({ latency: `${latencyMs}ms`, queueLimit: 1 });
          expect(isIdeal(path)).toBe(true);
          let state = IDLE_PATH;
          let now = 0;
          for (const [gap, bytes] of sends) {
            now += gap;
            const r = transmit(state, path, bytes, now, noDraws);
            expect(r.deliveries).toEqual([now + latencyMs * MS]);
            state = r.state;
          }
        },
      ),
    );
    expect(isIdeal(pathConfig({ bandwidth: '1Gbps' }))).toBe(false);
    expect(isIdeal(pathConfig({ jitter: '1ms' }))).toBe(false);
    expect(isIdeal(pathConfig({ loss: 0.01 }))).toBe(false);
  });

  it('with latency delivers exactly one latency later', () => {
    const path = pathConfig({ latency: '10ms' });
    const { results } = sendAll(path, [
      { at: 0, bytes: 60 },
      { at: 0, bytes: 1500 },
      { at: 3 * MS, bytes: 40 },
    ]);
    expect(results.map(outcome)).toEqual([`arrives ${10 * MS}`, `arrives ${10 * MS}`, `arrives ${13 * MS}`]);
  });

  it('never changes the state it was given', () => {
    const path = pathConfig({ bandwidth: '8Mbps', queueLimit: 1 });
    const one = transmit(IDLE_PATH, path, 1000, 0, noDraws).state;
    const two = transmit(one, path, 1000, 0, noDraws).state;
    const frozen = structuredClone(two);
    transmit(two, path, 1000, 0, noDraws);
    transmit(two, path, 1000, 500 * US, noDraws);
    transmit(two, path, 1000, 2 * MS, noDraws);
    expect(two).toEqual(frozen);
    expect(startTimes(two.waiting)).toEqual([1 * MS]);
    expect(IDLE_PATH).toEqual({
      busyUntil: 0,
      waiting: { front: null, rear: null, size: 0 },
      lastArrival: 0,
      lastSend: 0,
    });
  });
});

describe('serialisation', () => {
  it('takes bytes*8/bandwidth, exactly, rounded up to the nanosecond', () => {
    expect(serialisationDelay(12_000_000, 1500)).toBe(1 * MS);
    expect(serialisationDelay(8_000_000, 1000)).toBe(1 * MS);
    expect(serialisationDelay(7, 1)).toBe(1_142_857_143); // 8/7 s = 1.142857142857... s
    expect(serialisationDelay(3, 3)).toBe(8 * SECOND);
    expect(serialisationDelay(Number.POSITIVE_INFINITY, 65535)).toBe(0);
  });

  it('agrees with exact integer arithmetic for any size and rate', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 65535 }),
        fc.integer({ min: 1, max: 400_000_000_000 }),
        (bytes, bps) => {
          const bits = BigInt(bytes) * 8n * 1_000_000_000n;
          const exact = (bits + BigInt(bps) - 1n) / BigInt(bps);
          expect(serialisationDelay(bps, bytes)).toBe(Number(exact));
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('spaces back-to-back segments by their serialisation time, first in first out', () => {
    // 8 Mbit/s: 1000 bytes take 1 ms, 500 bytes 0.5 ms.
    const path = pathConfig({ bandwidth: '8Mbps', latency: '10ms' });
    const { results } = sendAll(path, [
      { at: 0, bytes: 1000 },
      { at: 0, bytes: 500 },
      { at: 0, bytes: 1000 },
      { at: 5 * MS, bytes: 1000 }, // the link is idle again by then
    ]);
    expect(results.map(outcome)).toEqual([
      `arrives ${11 * MS}`,
      `arrives ${11.5 * MS}`,
      `arrives ${12.5 * MS}`,
      `arrives ${16 * MS}`,
    ]);
    expect(results.map((r) => r.queued)).toEqual([0, 1 * MS, 1.5 * MS, 0]);
  });
});

describe('the queue', () => {
  // 8 Mbit/s, 1000-byte segments: one leaves the queue for the link every millisecond.
  const path = pathConfig({ bandwidth: '8Mbps', queueLimit: 2 });
  const burst = [0, 0, 0, 0].map((at) => ({ at, bytes: 1000 }));

  it('holds queueLimit segments waiting besides the one on the link, and tail-drops the rest', () => {
    const { results, state } = sendAll(path, burst);
    expect(results.map(outcome)).toEqual([
      `arrives ${1 * MS}`,
      `arrives ${2 * MS}`,
      `arrives ${3 * MS}`,
      'dropped queue-full',
    ]);
    expect(queueDepth(state, 0)).toBe(2);
  });

  it('makes room exactly when the next waiting segment starts on the link', () => {
    const { state } = sendAll(path, burst.slice(0, 3));
    // The second segment starts at 1 ms: at 1 ms - 1 ns two still wait, at 1 ms one does.
    expect(queueDepth(state, 1 * MS - 1)).toBe(2);
    expect(outcome(transmit(state, path, 1000, 1 * MS - 1, noDraws))).toBe('dropped queue-full');
    expect(queueDepth(state, 1 * MS)).toBe(1);
    const r = transmit(state, path, 1000, 1 * MS, noDraws);
    expect(outcome(r)).toBe(`arrives ${4 * MS}`);
    expect(r.queued).toBe(2 * MS);
  });

  it('with queueLimit 0 takes a segment only when the link is idle', () => {
    const bare = pathConfig({ bandwidth: '8Mbps', queueLimit: 0 });
    const first = transmit(IDLE_PATH, bare, 1000, 0, noDraws);
    expect(outcome(transmit(first.state, bare, 40, 1 * MS - 1, noDraws))).toBe('dropped queue-full');
    expect(outcome(transmit(first.state, bare, 40, 1 * MS, noDraws))).toBe(`arrives ${1 * MS + 40 * US}`);
  });

  it('never lets more than queueLimit wait, whatever the traffic', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 5 }),
        fc.array(
          fc.record({ gap: fc.integer({ min: 0, max: 2 * MS }), bytes: fc.integer({ min: 40, max: 1500 }) }),
          {
            maxLength: 60,
          },
        ),
        (limit, sends) => {
          const p = pathConfig({ bandwidth: '8Mbps', queueLimit: limit });
          let state = IDLE_PATH;
          let now = 0;
          let lastArrival = 0;
          for (const s of sends) {
            now += s.gap;
            const r = transmit(state, p, s.bytes, now, noDraws);
            expect(queueDepth(r.state, now)).toBeLessThanOrEqual(limit);
            if (!r.dropped) {
              expect(r.deliveries[0]).toBeGreaterThanOrEqual(lastArrival); // FIFO
              lastArrival = r.deliveries[0]!;
            }
            state = r.state;
          }
        },
      ),
    );
  });
});

describe('MTU', () => {
  it('drops a datagram larger than the MTU and carries one of exactly the MTU', () => {
    const path = pathConfig({ mtu: 576 });
    expect(outcome(transmit(IDLE_PATH, path, 577, 0, noDraws))).toBe('dropped mtu');
    expect(outcome(transmit(IDLE_PATH, path, 576, 0, noDraws))).toBe('arrives 0');
  });

  it('a dropped oversized datagram takes no link time', () => {
    const path = pathConfig({ bandwidth: '8Mbps', mtu: 1500 });
    const { results } = sendAll(path, [
      { at: 0, bytes: 9000 },
      { at: 0, bytes: 1000 },
    ]);
    expect(results.map(outcome)).toEqual(['dropped mtu', `arrives ${1 * MS}`]);
  });
});

describe('loss', () => {
  const path = pathConfig({ loss: 0.25, bandwidth: '8Mbps', latency: '5ms' });

  it('loses a segment whose draw is below the loss rate, after it used the link', () => {
    const { results } = sendAll(path, [
      { at: 0, bytes: 1000, u: [0.2499] },
      { at: 0, bytes: 1000, u: [0.25] },
    ]);
    expect(results.map(outcome)).toEqual(['dropped loss', `arrives ${7 * MS}`]); // queued behind the lost one
    expect(results[0]!.queued).toBe(0);
  });

  it('at rate 1 loses everything, at rate 0 nothing, and draws only when the rate is set', () => {
    const all = pathConfig({ loss: 1 });
    expect(outcome(transmit(IDLE_PATH, all, 40, 0, draws(0.999999)))).toBe('dropped loss');
    expect(outcome(transmit(IDLE_PATH, pathConfig({ loss: 0 }), 40, 0, noDraws))).toBe('arrives 0');
  });
});

describe('jitter', () => {
  const path = pathConfig({ latency: '10ms', jitter: '1ms' });

  it('adds a whole number of nanoseconds uniform in [0, jitter]', () => {
    expect(transmit(IDLE_PATH, path, 40, 0, draws(0)).deliveries).toEqual([10 * MS]);
    expect(transmit(IDLE_PATH, path, 40, 0, draws(0.5)).deliveries).toEqual([10.5 * MS]);
    expect(transmit(IDLE_PATH, path, 40, 0, draws(1 - 2 ** -53)).deliveries).toEqual([11 * MS]);
  });

  it('never lets a segment arrive before one sent earlier', () => {
    const { results } = sendAll(path, [
      { at: 0, bytes: 40, u: [0.9] }, // 10.9 ms
      { at: 100 * US, bytes: 40, u: [0] }, // would be 10.1 ms: waits for the first
      { at: 200 * US, bytes: 40, u: [0.8] }, // 11.0 ms, on its own
    ]);
    expect(results.map(outcome)).toEqual([
      `arrives ${10.9 * MS}`,
      `arrives ${10.9 * MS}`,
      `arrives ${11 * MS}`,
    ]);
  });
});

describe('duplication', () => {
  it('delivers a second copy, with its own jitter, never before the original', () => {
    const path = pathConfig({ latency: '10ms', jitter: '1ms', duplicate: 0.5 });
    // draws: duplicate, jitter, copy jitter
    expect(outcome(transmit(IDLE_PATH, path, 40, 0, draws(0.4, 0.2, 0.7)))).toBe(
      `arrives ${10.2 * MS},${10.7 * MS}`,
    );
    expect(outcome(transmit(IDLE_PATH, path, 40, 0, draws(0.4, 0.7, 0.2)))).toBe(
      `arrives ${10.7 * MS},${10.7 * MS}`,
    );
    expect(outcome(transmit(IDLE_PATH, path, 40, 0, draws(0.5, 0.2, 0.7)))).toBe(`arrives ${10.2 * MS}`);
  });

  it('holds later segments behind the copy, and takes no link time for it', () => {
    const path = pathConfig({ latency: '10ms', duplicate: 1, bandwidth: '8Mbps' });
    const { results } = sendAll(path, [
      { at: 0, bytes: 1000, u: [0] },
      { at: 0, bytes: 1000, u: [0] },
    ]);
    expect(results.map(outcome)).toEqual([`arrives ${11 * MS},${11 * MS}`, `arrives ${12 * MS},${12 * MS}`]);
  });
});

describe('reordering', () => {
  const path = pathConfig({ latency: '10ms', reorder: 0.1, reorderDelay: '2ms' });

  it('holds a segment back by reorderDelay so that later ones overtake it', () => {
    const { results } = sendAll(path, [
      { at: 0, bytes: 40, u: [0.05] }, // reordered: 12 ms
      { at: 1 * MS, bytes: 40, u: [0.5] }, // 11 ms, overtakes
      { at: 2 * MS - 1, bytes: 40, u: [0.5] }, // 12 ms - 1 ns, still ahead
      { at: 2 * MS, bytes: 40, u: [0.5] }, // 12 ms, behind it (same instant, sent later)
    ]);
    expect(results.map(outcome)).toEqual([
      `arrives ${12 * MS} (reordered)`,
      `arrives ${11 * MS}`,
      `arrives ${12 * MS - 1}`,
      `arrives ${12 * MS}`,
    ]);
  });

  it('delays a duplicated segment and its copy together', () => {
    const both = pathConfig({ latency: '10ms', reorder: 1, reorderDelay: '2ms', duplicate: 1 });
    // draws: duplicate, reorder
    expect(outcome(transmit(IDLE_PATH, both, 40, 0, draws(0, 0)))).toBe(
      `arrives ${12 * MS},${12 * MS} (reordered)`,
    );
  });
});

describe('draws', () => {
  const configs: PathOptions[] = [
    {},
    { loss: 0.3 },
    { jitter: '1ms' },
    { jitter: '1ms', duplicate: 0.3 },
    { loss: 0.3, duplicate: 0.3, reorder: 0.3, reorderDelay: '1ms', jitter: '1ms' },
    {
      loss: 0.3,
      duplicate: 0.3,
      reorder: 0.3,
      reorderDelay: '1ms',
      bandwidth: '1Mbps',
      queueLimit: 1,
      mtu: 1000,
    },
  ];

  it('are the same in number for every segment of a config, whatever happens to it', () => {
    expect(configs.map((c) => drawsPerSegment(pathConfig(c)))).toEqual([0, 1, 1, 3, 5, 3]);
    for (const options of configs) {
      const path = pathConfig(options);
      const rng = seedrandom('draws');
      let count = 0;
      const random = () => {
        count++;
        return rng();
      };
      let state = IDLE_PATH;
      const seen = new Set<string>();
      for (let i = 0; i < 400; i++) {
        const before = count;
        const r = transmit(state, path, 200 + ((i * 331) % 1300), i * 100 * US, random);
        expect(count - before).toBe(drawsPerSegment(path));
        seen.add(r.dropped ?? (r.reordered ? 'reordered' : 'delivered'));
        state = r.state;
      }
      if (options.mtu)
        expect([...seen].sort()).toEqual(['delivered', 'loss', 'mtu', 'queue-full', 'reordered']);
    }
  });

  it('make a run a pure function of the seed', () => {
    const path = pathConfig({
      latency: '1ms',
      jitter: '3ms',
      loss: 0.1,
      duplicate: 0.05,
      reorder: 0.05,
      reorderDelay: '2ms',
      bandwidth: '100Mbps',
      queueLimit: 20,
    });
    const run = (seed: string) => {
      const rng = seedrandom(seed);
      let state = IDLE_PATH;
      const out: string[] = [];
      for (let i = 0; i < 2000; i++) {
        const r = transmit(state, path, 1500, i * 50 * US, rng);
        out.push(outcome(r));
        state = r.state;
      }
      return out;
    };
    const a = run('seed-1');
    expect(run('seed-1')).toEqual(a);
    expect(run('seed-2')).not.toEqual(a);
    // The link is overloaded (120 us per segment, one every 50 us), so the queue drops some; of those that
    // reached the wire about 10% are lost, give or take a few sigma.
    const onWire = a.filter((o) => o !== 'dropped queue-full').length;
    const lost = a.filter((o) => o === 'dropped loss').length;
    expect(onWire).toBeGreaterThan(500);
    expect(onWire).toBeLessThan(1500);
    expect(Math.abs(lost / onWire - 0.1)).toBeLessThan(4 * Math.sqrt((0.1 * 0.9) / onWire));
  });
});

describe('time', () => {
  it('running backwards on a path is a bug in the caller', () => {
    const { state } = sendAll(pathConfig(), [{ at: 5 * MS, bytes: 40 }]);
    expect(() => transmit(state, pathConfig(), 40, 5 * MS - 1, noDraws)).toThrow(InvariantError);
    expect(() => transmit(state, pathConfig(), 40, 5 * MS, noDraws)).not.toThrow();
  });
});
