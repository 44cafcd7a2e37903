import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import '../../../src/vitest.ts';
import { UsageError } from '../../../sim/errors.ts';
import { command, dataSyn, reply } from '../../../src/api/index.ts';
import { load, simulate } from '../../../src/api/load.ts';
import { defineScenario, ScenarioError } from '../../../src/scenario/index.ts';
import { ftpFixtureWorld } from './fixture.ts';

const BUNDLED = 'kb/port-handshake-before-200';

describe('load', () => {
  it('a bundled scenario by its short name: FTP 7.5 starts the data handshake before 200', async () => {
    const sim = await load(BUNDLED);
    expect(sim.name).toBe('port-handshake-before-200');
    expect(sim.profile).toBe('ftp75');
    expect(sim.steps).toBe(0);
    expect(sim.hosts.map((h) => h.name)).toEqual(['client', 'server']);
    sim.runToIdle();
    expect(sim).toHappenBefore(dataSyn(), reply(200));
    expect(sim.check().every((r) => r.passed)).toBe(true);
  });

  it('under iis6 the data connection waits for LIST, and the scenario says so', async () => {
    const sim = await load(BUNDLED, { profile: 'iis6' });
    expect(sim.profile).toBe('iis6');
    sim.runToIdle();
    expect(sim).toHappenBefore(command('LIST'), dataSyn());
    expect(sim.check().map((r) => r.passed)).not.toContain(false);
  });

  it('check() decides the expectations on the trace so far, without touching the simulation', async () => {
    const sim = await load(`scenarios/${BUNDLED}.json`);
    sim.stepUntil(reply(200));
    const steps = sim.steps;
    const early = sim.check();
    expect(early.some((r) => !r.passed)).toBe(true); // the client has not completed: judged hung
    expect(sim.steps).toBe(steps);
    expect(() => simulate(ftpFixtureWorld()).check()).toThrow(/check\(\) needs a scenario/);
  });

  it('a seed changes the run, the same seed repeats it', async () => {
    const a = await load(BUNDLED, { seed: 5 });
    const b = await load(BUNDLED, { seed: 5 });
    const c = await load(BUNDLED, { seed: 6 });
    for (const s of [a, b, c]) s.runToIdle();
    const syn = (s: typeof a) => s.first(dataSyn());
    expect(a.seed).toBe('5');
    expect(syn(a).kind === 'seg-send' && syn(a).seg.seq).toBe(syn(b).kind === 'seg-send' && syn(b).seg.seq);
    expect(syn(a).kind === 'seg-send' && syn(a).seg.seq).not.toBe(
      syn(c).kind === 'seg-send' && syn(c).seg.seq,
    );
  });

  it('an unknown name is a UsageError; a bad file is the loader ScenarioError naming file and field', async () => {
    await expect(load('kb/no-such-scenario')).rejects.toThrow(UsageError);
    await expect(load('kb/no-such-scenario')).rejects.toThrow(
      "no scenario file or bundled scenario named 'kb/no-such-scenario' (netstep list shows the bundled ones)",
    );
    const dir = mkdtempSync(join(tmpdir(), 'netstep-api-'));
    const file = join(dir, 'bad.json');
    writeFileSync(
      file,
      JSON.stringify({ name: 'bad', about: 'x', hosts: [{ name: 'a', addr: '10.0.0.300' }] }),
    );
    const err = await load(file).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ScenarioError);
    expect((err as Error).message).toContain(file);
    expect((err as Error).message).toContain('hosts[0].addr');
  });
});

describe('simulate', () => {
  it('a scenario written in code (defineScenario), validated like a file', () => {
    const s = defineScenario({
      name: 'in-code',
      about: 'a login and a quit',
      hosts: [
        { name: 'client', addr: '10.1.0.1' },
        { name: 'server', addr: '10.1.0.2' },
      ],
      paths: [{ between: ['client', 'server'], latency: '2ms' }],
      server: {
        host: 'server',
        config: { users: { users: [{ name: 'bob', password: 'pw' }], anonymous: false, isolation: 'None' } },
      },
      clients: [
        { name: 'c', host: 'client', script: [{ do: 'login', user: 'bob', pass: 'pw' }, { do: 'quit' }] },
      ],
      expect: [{ seen: { reply: 230 } }],
    });
    const sim = simulate(s);
    sim.runToIdle();
    expect(sim).toHaveSentReply(230);
    expect(sim.first(reply(220)).at).toBe(6_000_000); // three 2 ms legs: SYN, SYN-ACK, ACK
    expect(sim.check()).toEqual([expect.objectContaining({ passed: true })]);
    expect(() => simulate({ ...s, hosts: [] })).toThrow(ScenarioError);
  });

  it('a world built by hand', () => {
    const sim = simulate(ftpFixtureWorld(), { maxSteps: 5 });
    expect(() => sim.runToIdle()).toThrow(
      /waiting for the end of the run: run\(\) hit its step limit of 5 steps/,
    );
  });
});
