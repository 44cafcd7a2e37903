import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { InvariantError, StepLimitError, UsageError } from '../../sim/errors.ts';
import { World } from '../../sim/world.ts';
import { toyWorld, traceText } from './toy.ts';

describe('kernel', () => {
  it('runs events in (time, insertion) order and advances the clock', () => {
    const w = new World();
    const seen: string[] = [];
    w.on('e', (world, name: string) => seen.push(`${world.now}:${name}`));
    w.schedule(20, 'e', 'c');
    w.schedule(10, 'e', 'a');
    w.schedule(20, 'e', 'd');
    w.schedule(10, 'e', 'b');
    expect(w.run()).toEqual({ reason: 'idle', steps: 4 });
    expect(seen).toEqual(['10:a', '10:b', '20:c', '20:d']);
    expect(w.now).toBe(20);
  });

  it('an event scheduled for now by a handler runs after the events already due now', () => {
    const w = new World();
    const seen: string[] = [];
    w.on('e', (world, name: string) => {
      seen.push(name);
      if (name === 'a') world.after(0, 'e', 'a2');
    });
    w.schedule(5, 'e', 'a');
    w.schedule(5, 'e', 'b');
    w.run();
    expect(seen).toEqual(['a', 'b', 'a2']);
  });

  it('call() runs a handler inside the step, which it gets as the event; outside a step, a stand-in', () => {
    const w = new World();
    const got: string[] = [];
    w.on('callee', (world, data: string, ev) => got.push(`${data} in ${ev.kind}@${ev.at} t=${world.now}`));
    w.on('caller', (world) => world.call('callee', 'inner'));
    w.schedule(7, 'caller');
    w.run();
    w.call('callee', 'outer');
    expect(got).toEqual(['inner in caller@7 t=7', 'outer in callee@7 t=7']);
    expect(() => w.call('nobody', null)).toThrow(InvariantError);
  });

  it('step() runs exactly one event and fails clearly when the run is finished', () => {
    const w = toyWorld({ pingers: 1, limit: 2 });
    expect(w.step().kind).toBe('ping');
    expect(w.steps).toBe(1);
    w.step();
    expect(w.idle).toBe(true);
    expect(() => w.step()).toThrow(UsageError);
    expect(() => w.step()).toThrow(/the run is finished: no events are pending/);
  });

  it('run() stops at a time, before the first later event', () => {
    const w = toyWorld({ pingers: 2 });
    const r = w.run({ until: 5000 });
    expect(r.reason).toBe('time');
    expect(w.now).toBeLessThanOrEqual(5000);
    expect(w.nextTime).toBeGreaterThan(5000);
  });

  it('run() stops right after the step that records an entry meeting the goal', () => {
    const w = toyWorld({ pingers: 3 });
    const r = w.run({
      untilEntry: (e) => e.kind === 'note' && e.host === 'p2' && e.text.startsWith('wake 7 '),
    });
    expect(r.reason).toBe('goal');
    const last = w.trace[w.trace.length - 1]!;
    expect(r.entry).toBe(last);
    expect(last.host).toBe('p2');
  });

  it('run() fails with a clear message when it hits its step limit', () => {
    const w = new World();
    w.on('loop', (world) => world.after(1, 'loop'));
    w.schedule(0, 'loop');
    expect(() => w.run({ maxSteps: 1000 })).toThrow(StepLimitError);
    const w2 = new World({ maxSteps: 10 });
    w2.on('loop', (world) => world.after(1, 'loop'));
    w2.schedule(0, 'loop');
    expect(() => w2.run()).toThrow(
      /step limit of 10 steps at t=0\.000ms \(step 10\) before the run went idle/,
    );
  });

  it('rejects scheduling in the past and events without a handler', () => {
    const w = new World();
    w.on('e', () => {});
    w.schedule(100, 'e');
    w.step();
    expect(() => w.schedule(50, 'e')).toThrow(/cannot schedule 'e' at 50/);
    expect(() => w.schedule(150.5, 'e')).toThrow(UsageError);
    w.schedule(200, 'nobody');
    expect(() => w.step()).toThrow(InvariantError);
  });

  it('records no entries and builds nothing when tracing is off', () => {
    const w = toyWorld({ trace: false });
    w.run();
    expect(w.trace).toHaveLength(0);
    expect(() => w.run({ untilEntry: () => true })).toThrow(/needs tracing/);
  });
});

describe('random streams', () => {
  it('the same seed and name give the same draws; another seed gives others', () => {
    const a = new World({ seed: 7 }).rng('link:a->b');
    const b = new World({ seed: 7 }).rng('link:a->b');
    const c = new World({ seed: 8 }).rng('link:a->b');
    const xs = [a.next(), a.next(), a.next()];
    expect([b.next(), b.next(), b.next()]).toEqual(xs);
    expect([c.next(), c.next(), c.next()]).not.toEqual(xs);
  });

  it('adding a stream, or drawing from it, leaves the draws of every other stream unchanged', () => {
    const alone = new World({ seed: 3 });
    const crowded = new World({ seed: 3 });
    const expected = Array.from({ length: 20 }, () => alone.rng('tcp:iss:server').uint32());
    const got: number[] = [];
    for (let i = 0; i < 20; i++) {
      crowded.rng(`other:${i}`).next();
      crowded.rng('link:x').next();
      got.push(crowded.rng('tcp:iss:server').uint32());
    }
    expect(got).toEqual(expected);
  });

  it('int() covers its range and rejects a bad one', () => {
    const r = new World().rng('dice');
    const seen = new Set<number>();
    for (let i = 0; i < 600; i++) seen.add(r.int(1, 6));
    expect([...seen].sort()).toEqual([1, 2, 3, 4, 5, 6]);
    expect(() => r.int(5, 1)).toThrow(/bad integer range/);
  });
});

describe('determinism', () => {
  it('the same seed gives a byte-identical trace in two separate processes', () => {
    const run = () =>
      execFileSync(process.execPath, ['--import', 'tsx', 'test/sim/toy-run.ts', '42'], { encoding: 'utf8' });
    const first = run();
    const second = run();
    expect(first.length).toBeGreaterThan(1000);
    expect(second).toBe(first);
    expect(first).toBe(`${traceText(runToy('42'))}\n`);
  });
});

function runToy(seed: string): World {
  const w = toyWorld({ seed, pingers: 5, limit: 40 });
  w.run();
  return w;
}

describe('back()', () => {
  it('then forward gives the identical trace, from any point, across checkpoints', () => {
    const reference = traceText(runToy('9'));
    for (const [stopAt, n] of [
      [150, 1],
      [150, 150],
      [77, 40],
      [199, 63],
    ] as const) {
      const w = toyWorld({ seed: '9', pingers: 5, limit: 40, historyInterval: 16 });
      for (let i = 0; i < stopAt; i++) w.step();
      const before = traceText(w);
      w.back(n);
      expect(w.steps).toBe(stopAt - n);
      expect(w.trace).toHaveLength(stopAt - n);
      for (let i = 0; i < n; i++) w.step();
      expect(traceText(w)).toBe(before);
      w.run();
      expect(traceText(w)).toBe(reference);
    }
  });

  it('restores state and random streams exactly', () => {
    const w = toyWorld({ seed: 5, historyInterval: 8 });
    w.run({ maxSteps: 1000, until: 20_000 });
    const state = w.get('pinger:p1');
    const draw = w.fork().rng('pinger:p1').next();
    for (let i = 0; i < 30; i++) w.step();
    w.back(30);
    expect(w.get('pinger:p1')).toEqual(state);
    expect(w.rng('pinger:p1').next()).toBe(draw);
  });

  it('replays inputs made between steps; a new input rewrites the future', () => {
    const w = toyWorld({ seed: 11, pingers: 1, limit: 1000, historyInterval: 4 });
    w.on('mark', (world, text: string) => world.record('note', 'user', { text }));
    for (let i = 0; i < 10; i++) w.step();
    w.schedule(w.now, 'mark', 'first');
    for (let i = 0; i < 10; i++) w.step();
    const full = traceText(w);
    w.back(15);
    for (let i = 0; i < 15; i++) w.step();
    expect(traceText(w)).toBe(full);
    w.back(15);
    w.schedule(w.now, 'mark', 'second');
    for (let i = 0; i < 15; i++) w.step();
    const text = traceText(w);
    expect(text).toContain('"second"');
    expect(text).not.toContain('"first"');
  });

  it('refuses to go back further than the run has gone, or without history', () => {
    const w = toyWorld();
    w.step();
    expect(() => w.back(2)).toThrow(/only 1 steps have been run/);
    expect(() => w.back(-1)).toThrow(UsageError);
    const h = toyWorld({ history: false });
    h.step();
    expect(() => h.back()).toThrow(/needs history/);
  });
});

describe('fork()', () => {
  it('diverges without touching its parent', () => {
    const parent = toyWorld({ seed: 21, historyInterval: 10 });
    parent.on('extra', (world) => world.record('note', 'fork', { text: 'only in the fork' }));
    for (let i = 0; i < 60; i++) parent.step();
    const parentTrace = traceText(parent);
    const parentState = parent.get('pinger:p0');

    const child = parent.fork();
    child.schedule(child.now, 'extra');
    child.set('pinger:p0', { name: 'p0', wakes: 1000 });
    child.run();

    expect(traceText(parent)).toBe(parentTrace);
    expect(parent.get('pinger:p0')).toBe(parentState);
    expect(traceText(child)).toContain('only in the fork');

    // The parent still runs on exactly as it would have without the fork.
    parent.run();
    expect(traceText(parent)).toBe(traceText(runToyWith(21)));
  });

  it('a fork can step back past the point where it was made', () => {
    const parent = toyWorld({ seed: 4, historyInterval: 10 });
    for (let i = 0; i < 50; i++) parent.step();
    const child = parent.fork();
    for (let i = 0; i < 20; i++) child.step();
    child.back(45);
    expect(child.steps).toBe(25);
    expect(traceText(child)).toBe(traceText(parent).split('\n').slice(0, 25).join('\n'));
  });
});

function runToyWith(seed: number): World {
  const w = toyWorld({ seed });
  w.run();
  return w;
}
