import { describe, expect, it } from 'vitest';
import { StepLimitError, UsageError } from '../../../sim/errors.ts';
import { MS } from '../../../sim/time.ts';
import type { TraceEntry } from '../../../sim/trace.ts';
import { World } from '../../../sim/world.ts';
import { dataSyn, enters, reply } from '../../../src/api/index.ts';
import { Simulation } from '../../../src/api/simulation.ts';
import { jsonLines } from '../../../src/views/json.ts';
import { ftpFixture } from './fixture.ts';

/** A trace as text, for byte-for-byte comparison of two runs. */
function text(trace: readonly TraceEntry[]): string {
  return jsonLines(trace).join('\n');
}

describe('Simulation: stepping', () => {
  it('step() runs one event and returns the entries it recorded', () => {
    const sim = ftpFixture();
    const s = sim.step();
    expect(s.step).toBe(1);
    expect(sim.steps).toBe(1);
    expect(s.at).toBe(0);
    expect(s.entries.map((e) => e.kind)).toEqual(['sock-call', 'tcp-state', 'seg-send']);
    expect(s.entries).toEqual(sim.trace.slice(0, 3));
  });

  it('stepUntil(query) stops right after the step that records the entry, and returns it', () => {
    const sim = ftpFixture();
    const syn = sim.stepUntil(dataSyn());
    expect(sim.trace.at(-1)!.seq).toBeGreaterThanOrEqual(syn.seq);
    // The step that sent the SYN is the one that parsed PORT: its 200 is in the same step, after the SYN.
    expect(sim.find(reply(200))?.seq).toBeGreaterThan(syn.seq);
    expect(sim.tcpState('server/data#2')).toBe('SYN-SENT');
    // A function goal works the same way, and the next goal starts from here.
    const tw = sim.stepUntil((e) => e.kind === 'tcp-state' && e.to === 'TIME-WAIT');
    expect(tw.kind === 'tcp-state' && tw.conn).toBe('server/data#2');
  });

  it('runUntil(time) runs every event at or before the time and no later one', () => {
    const sim = ftpFixture();
    const r = sim.runUntil('9ms');
    expect(r.reason).toBe('time');
    expect(sim.now).toBe(9 * MS);
    expect(sim.nextTime).toBeGreaterThan(9 * MS);
    expect(sim.trace.every((e) => e.at <= 9 * MS)).toBe(true);
    sim.runUntil(9 * MS); // nothing more at 9 ms
    expect(sim.nextTime).toBeGreaterThan(9 * MS);
  });

  it('runUntil(state test) stops after the first step that makes it true', () => {
    const sim = ftpFixture();
    const r = sim.runUntil(function loggedIn(s) {
      return s.inspect().sessions['server/ctrl#1']?.phase === 'LOGGED-IN';
    });
    expect(r.reason).toBe('goal');
    expect(sim.session('server/ctrl#1').phase).toBe('LOGGED-IN');
    sim.back(1);
    expect(sim.session('server/ctrl#1').phase).toBe('AWAIT-PASS');
  });

  it('runToIdle() runs to the end; stepping a finished run is a UsageError that says so', () => {
    const sim = ftpFixture();
    const r = sim.runToIdle();
    expect(r.reason).toBe('idle');
    expect(sim.done).toBe(true);
    expect(() => sim.step()).toThrow(UsageError);
    expect(() => sim.step()).toThrow(
      /nothing to step: the run is finished \(no events pending\) at t=.* after \d+ steps/,
    );
  });
});

describe('Simulation: goals that are not met', () => {
  it('a goal the run never reaches is a UsageError naming the goal; the simulation stays at the end', () => {
    const sim = ftpFixture();
    expect(() => sim.stepUntil(reply(550))).toThrow(
      /the run finished \(no events pending\) .* before FTP reply 550/,
    );
    expect(sim.done).toBe(true);
    expect(() => sim.runUntil(enters('SYN-RECEIVED', 'server/data#*'))).toThrow(UsageError);
  });

  it('the step limit is the engine StepLimitError, its message prefixed with what was awaited', () => {
    const sim = ftpFixture();
    let caught: unknown;
    try {
      sim.stepUntil(reply(226), { maxSteps: 10 });
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(StepLimitError);
    expect(caught).toBeInstanceOf(UsageError);
    expect((caught as Error).message).toMatch(
      /^waiting for FTP reply 226: run\(\) hit its step limit of 10 steps/,
    );
    expect(sim.steps).toBe(10);
  });

  it('goals over the trace need a trace', () => {
    const w = new World({ trace: false });
    w.on('tick', () => {});
    w.schedule(1, 'tick');
    const sim = new Simulation(w);
    expect(() => sim.stepUntil(reply(200))).toThrow(/needs a trace/);
    expect(sim.runUntil(5).reason).toBe('idle'); // a time goal does not
  });
});

describe('Simulation: back and fork', () => {
  it('back(n) then forward again gives the same trace, byte for byte', () => {
    const sim = ftpFixture();
    sim.runToIdle();
    const whole = text(sim.trace);
    const steps = sim.steps;
    for (const n of [1, 7, Math.floor(steps / 2), steps]) {
      sim.back(n);
      expect(sim.steps).toBe(steps - n);
      sim.runToIdle();
      expect(text(sim.trace)).toBe(whole);
    }
  });

  it('back(n) restores the state of that step exactly', () => {
    const sim = ftpFixture();
    sim.stepUntil(dataSyn());
    const at = sim.inspect();
    sim.runToIdle();
    sim.back(sim.steps - at.step);
    expect(sim.inspect()).toEqual(at);
    expect(() => sim.back(sim.steps + 1)).toThrow(/cannot go back \d+ steps: only \d+ steps have been run/);
  });

  it('fork() is independent: running one leaves the other where it was', () => {
    const sim = ftpFixture();
    sim.stepUntil(dataSyn());
    const fork = sim.fork();
    const mark = sim.steps;
    fork.runToIdle();
    expect(sim.steps).toBe(mark);
    expect(sim.tcpState('server/data#2')).toBe('SYN-SENT');
    expect(fork.tcpState('server/data#2')).toBe('CLOSED');
    sim.runToIdle();
    expect(text(sim.trace)).toBe(text(fork.trace));
    expect(fork.name).toBe(sim.name);
  });

  it('a fork may take another path: an input in the fork changes its future only', () => {
    const sim = ftpFixture();
    sim.stepUntil(dataSyn());
    const fork = sim.fork();
    fork.world.input('cut the client off', (w) => w.set('fixture:client', { ctrl: '', buf: '', next: 99 }));
    fork.runToIdle();
    sim.runToIdle();
    expect(sim.find(reply(221))).toBeDefined();
    expect(fork.find(reply(221))).toBeUndefined(); // the fork's client never sent QUIT
  });
});

describe('Simulation over any world', () => {
  it('an engine-only world has no hosts, and still steps, goes back and forks', () => {
    const w = new World({ seed: 3 });
    w.on('tick', (world, n: number) => {
      world.record('note', '', { text: `tick ${n}` });
      if (n < 5) world.after(MS, 'tick', n + 1);
    });
    w.schedule(0, 'tick', 1);
    const sim = new Simulation(w, { name: 'ticks' });
    expect(sim.hosts).toEqual([]);
    const e = sim.stepUntil((x) => x.kind === 'note' && x.text === 'tick 3');
    expect(e.at).toBe(2 * MS);
    expect(sim.inspect().connections).toEqual({});
    sim.runToIdle();
    expect(sim.trace).toHaveLength(5);
    sim.back(2);
    expect(sim.trace).toHaveLength(3);
    // Without lanes to draw, the excerpt is plain lines, the marked one first in its column.
    const lines = sim.excerpt([1]);
    expect(lines.filter((l) => l.startsWith('▶'))).toEqual(['▶ #1  1.000ms  -  note  tick 2']);
    expect(lines).toHaveLength(3);
  });
});
