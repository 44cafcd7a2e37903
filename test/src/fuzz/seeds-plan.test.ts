/** The seed space and its shards, the progress line, and what a seed generates. */
import { describe, expect, it } from 'vitest';
import { FAULT_PORT_BASE, generate } from '../../../src/fuzz/generate.ts';
import { isTransfer, planSize } from '../../../src/fuzz/plan.ts';
import { formatSeconds, ProgressBar, progressLine } from '../../../src/fuzz/progress.ts';
import { parseShard, shardSeeds } from '../../../src/fuzz/seeds.ts';

describe('shards', () => {
  it('gives shard i/n the seeds s with s mod n = i', () => {
    expect(shardSeeds(0, 10, parseShard('1/3'))).toEqual([1, 4, 7]);
    expect(shardSeeds(5, 6, parseShard('0/4'))).toEqual([8]);
    expect(shardSeeds(5, 6, parseShard('1/4'))).toEqual([5, 9]);
  });

  it.each([
    [0, 100, 1],
    [0, 100, 2],
    [17, 1000, 7],
    [3, 5, 8],
  ])('splits [%i, +%i) into %i disjoint shards that cover it', (start, count, n) => {
    const all = Array.from({ length: n }, (_, i) => shardSeeds(start, count, { index: i, of: n })).flat();
    expect(all.sort((a, b) => a - b)).toEqual(Array.from({ length: count }, (_, i) => start + i));
  });

  it.each([
    ['2/2', 'i counts from 0 and must be below n (2)'],
    ['1/0', 'n must be at least 1'],
    ['1-2', 'expected i/n such as 0/4, got "1-2"'],
    ['', 'expected i/n such as 0/4, got ""'],
  ])('rejects --shard %j', (text, message) => {
    expect(() => parseShard(text)).toThrow(message);
  });
});

describe('progress', () => {
  it('shows seeds done, failures, rate and time left', () => {
    expect(progressLine({ done: 250, total: 1000, failures: 2, elapsed: 10 }, 100)).toBe(
      '[#######-----------------------]  250/1000 seeds  2 failures  25.0 seeds/s  ~30s left',
    );
    expect(progressLine({ done: 1000, total: 1000, failures: 1, elapsed: 125 }, 100)).toBe(
      '[##############################]  1000/1000 seeds  1 failure  8.0 seeds/s  2m05s',
    );
  });

  it('drops the bar, then the last counts, on a narrow terminal', () => {
    expect(progressLine({ done: 0, total: 10, failures: 0, elapsed: 0 }, 40)).toBe(
      '0/10 seeds  0 failures  0.0 seeds/s',
    );
    expect(progressLine({ done: 0, total: 10, failures: 0, elapsed: 0 }, 30)).toBe('0/10 seeds  0 failures');
  });

  it('formats durations', () => {
    expect([formatSeconds(0), formatSeconds(59.4), formatSeconds(61), formatSeconds(3725)]).toEqual([
      '0s',
      '59s',
      '1m01s',
      '1h02m',
    ]);
  });

  it('draws nothing when the output is not a terminal', () => {
    const written: string[] = [];
    const bar = new ProgressBar({ isTTY: false, write: (t: string) => written.push(t) }, () => 0);
    bar.update({ done: 1, total: 2, failures: 0, elapsed: 1 }, true);
    bar.done({ done: 2, total: 2, failures: 0, elapsed: 2 });
    expect(written).toEqual([]);
  });

  it('redraws in place on a terminal, at most every 100 ms, and ends its line', () => {
    const written: string[] = [];
    let now = 0;
    const bar = new ProgressBar(
      { isTTY: true, columns: 60, write: (t: string) => written.push(t) },
      () => now,
    );
    const p = { done: 1, total: 4, failures: 0, elapsed: 1 };
    now = 100;
    bar.update(p);
    now = 199;
    bar.update({ ...p, done: 2 });
    now = 200;
    bar.update({ ...p, done: 3 });
    bar.done({ ...p, done: 4 });
    expect(written.length).toBe(4);
    expect(written[0]).toMatch(/^\r\[#+-*\] {2}1\/4 seeds/);
    expect(written[1]).toContain('3/4 seeds');
    expect(written[2]).toContain('4/4 seeds');
    expect(written[3]).toBe('\n');
  });
});

describe('generate', () => {
  const plans = Array.from({ length: 600 }, (_, seed) =>
    generate(seed, { profile: 'ftp75', model: 'correct' }),
  );

  it('is a pure function of the seed', () => {
    expect(generate(42, { profile: 'ftp75', model: 'correct' })).toEqual(plans[42]);
    expect(JSON.stringify(plans[1])).not.toBe(JSON.stringify(plans[2]));
  });

  it('keeps typical seeds small and still reaches the limits', () => {
    const clients = plans.map((p) => p.clients.length);
    expect(clients.filter((n) => n <= 2).length / plans.length).toBeGreaterThan(0.6);
    expect(Math.max(...clients)).toBeGreaterThan(10);
    expect(Math.max(...clients)).toBeLessThanOrEqual(20);
    const sizes = plans.flatMap((p) => p.files.map((f) => f.size));
    expect(Math.max(...sizes)).toBeGreaterThan(1024 * 1024);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(4 * 1024 * 1024);
    expect(sizes.filter((s) => s <= 64 * 1024).length / sizes.length).toBeGreaterThan(0.8);
    expect(sizes).toContain(0);
  });

  it('switches each network feature on in some seeds and off in others (swarm)', () => {
    for (const key of ['latency', 'jitter', 'bandwidth', 'loss', 'duplicate', 'reorder'] as const) {
      const on = plans.filter((p) => p.net[key] > 0).length;
      expect(on, key).toBeGreaterThan(30);
      expect(on, key).toBeLessThan(plans.length - 30);
    }
    expect(plans.some((p) => p.net.reorder > 0 && p.net.loss === 0 && p.net.duplicate === 0)).toBe(true);
  });

  it('draws every step kind, every mode, locks and both kinds of fault', () => {
    const steps = plans.flatMap((p) => p.clients.flatMap((c) => c.steps));
    for (const kind of [
      'login',
      'cwd',
      'type',
      'abor',
      'raw',
      'wait',
      'quit',
      'retr',
      'stor',
      'appe',
      'list',
      'nlst',
    ]) {
      expect(
        steps.some((s) => s.do === kind),
        kind,
      ).toBe(true);
    }
    const modes = new Set(steps.filter(isTransfer).map((s) => s.mode));
    expect([...modes].sort()).toEqual(['active', 'eprt', 'epsv', 'passive']);
    expect(steps.some((s) => isTransfer(s) && s.port !== null && s.port < 1024)).toBe(true);
    expect(plans.some((p) => p.locks.length > 0)).toBe(true);
    const faults = plans.flatMap((p) => p.faults);
    expect(faults.some((f) => f.kind === 'partition')).toBe(true);
    expect(faults.some((f) => f.kind === 'hold' && f.fin)).toBe(true);
  });

  it('gives every fault a port that exactly one transfer of its plan uses', () => {
    for (const p of plans) {
      for (const f of p.faults) {
        const users = p.clients.flatMap((c) => c.steps).filter((s) => isTransfer(s) && s.port === f.port);
        expect(users.length).toBe(1);
        expect(f.port).toBeGreaterThanOrEqual(FAULT_PORT_BASE);
      }
    }
  });

  it('never has two clients write one path, and appends only to a client’s own uploads', () => {
    for (const p of plans) {
      const owner = new Map<string, string>();
      for (const c of p.clients) {
        for (const s of c.steps) {
          if (s.do !== 'stor' && s.do !== 'appe') continue;
          expect(owner.get(s.path) ?? c.name).toBe(c.name);
          owner.set(s.path, c.name);
          expect(p.files.some((f) => f.path === s.path)).toBe(false);
        }
      }
    }
  });

  it('measures a plan', () => {
    const p = plans[0]!;
    const size = planSize(p);
    expect(size.clients).toBe(p.clients.length);
    expect(size.bytes).toBe(p.files.reduce((n, f) => n + f.size, 0));
  });
});
