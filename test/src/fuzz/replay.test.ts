/**
 * Replay files: for failures found by real campaigns, `netstep run` on the written scenario fails on the
 * same thing; and each kind of violation is written as a valid scenario with the expectation replay.ts
 * documents.
 */
import { describe, expect, it } from 'vitest';
import type { Violation } from '../../../src/fuzz/invariants/violation.ts';
import type { Shrunk } from '../../../src/fuzz/jobs.ts';
import { DEFAULT_SERVER, DEFAULT_TCP, type FuzzPlan, planSize } from '../../../src/fuzz/plan.ts';
import { replayName, replayScenario, verifyReplay } from '../../../src/fuzz/replay.ts';
import { runPlan } from '../../../src/fuzz/run-plan.ts';
import { validateScenario } from '../../../src/scenario/validate.ts';

const knobs = { mode: 'passive', port: null, connectDelay: 0, commandDelay: 0, reader: null } as const;

/** One client of `model`, with these steps after its login, on a 1 ms wire. */
function onePlan(model: string, steps: FuzzPlan['clients'][number]['steps'], size = 2000): FuzzPlan {
  return {
    seed: 3,
    profile: 'ftp75',
    model,
    files: [{ path: '/f1.bin', size }],
    locks: [],
    net: { latency: 1, jitter: 0, bandwidth: 0, loss: 0, duplicate: 0, reorder: 0, reorderDelay: 0 },
    server: DEFAULT_SERVER,
    tcp: DEFAULT_TCP,
    faults: [],
    clients: [{ name: 'c1', start: 0, think: 0, steps: [{ do: 'login', user: 'anonymous' }, ...steps] }],
  };
}

/** A failing plan as a shrunk failure (these plans are minimal already). */
function failure(plan: FuzzPlan, invariant: string): Shrunk {
  const v = runPlan(plan).violations.find((x) => x.invariant === invariant);
  expect(v, `the plan shows no ${invariant}`).toBeDefined();
  return {
    seed: plan.seed,
    invariant: v!.invariant,
    plan,
    violation: v!,
    runs: 0,
    before: planSize(plan),
    after: planSize(plan),
  };
}

describe('replays of real failures', () => {
  it('expects-150 waiting for a 150 after a 125: the client contract fails again on replay', () => {
    // The RETR goes out after the data connection is up, so FTP 7.5 answers 125, and this client waits on.
    const s = failure(
      onePlan('expects-150', [{ ...knobs, commandDelay: 50, do: 'retr', path: '/f1.bin' }]),
      'client-contract',
    );
    expect(s.violation.message).toMatch(/^c1 failed without a 4xx\/5xx reply/);
    const scenario = replayScenario(s, { model: 'expects-150' });
    expect(scenario.expect).toEqual([
      {
        any: [
          { outcome: 'completed', client: 'c1' },
          { outcome: 'failed', client: 'c1', code: '4xx' },
          { outcome: 'failed', client: 'c1', code: '5xx' },
        ],
        text: `fuzz invariant client-contract: ${s.violation.message}`,
      },
    ]);
    expect(verifyReplay(scenario)).toMatchObject({ fails: true });
    expect(replayName(s)).toBe('seed-3-client-contract.json');
  });

  it('keeps-old-data-open once left its last data connection open (liveness); now it closes at the end', () => {
    // This plan was a real liveness failure found by a campaign; the client model now closes what it kept
    // when its script ends, as the program exits. A liveness replay is still written and checked below.
    const retr = { ...knobs, do: 'retr', path: '/f1.bin' } as const;
    const plan = onePlan('keeps-old-data-open', [retr, { do: 'quit' }]);
    expect(runPlan(plan).violations.filter((v) => v.invariant === 'liveness')).toEqual([]);
  });
});

describe('each kind of violation as a scenario', () => {
  const plan = onePlan('correct', [{ ...knobs, do: 'retr', path: '/f1.bin' }, { do: 'quit' }]);
  const shrunk = (violation: Violation): Shrunk => ({
    seed: 3,
    invariant: violation.invariant,
    plan,
    violation,
    runs: 0,
    before: planSize(plan),
    after: planSize(plan),
  });

  it.each([
    [
      { invariant: 'transfer-bytes', message: 'm', at: { kind: 'download', client: 'c1', step: 1 } },
      { intact: { client: 'c1', step: 1 } },
    ],
    [
      { invariant: 'liveness', message: 'm', at: { kind: 'conn', conn: 'server/data#2' } },
      { seen: { state: 'CLOSED', conn: 'server/data#2' } },
    ],
    [
      {
        invariant: 'one-final-reply',
        message: 'm',
        at: { kind: 'reply', session: 'server/ctrl#1', what: 'unanswered', line: 'RETR /f1.bin' },
      },
      {
        any: ['2xx', '4xx', '5xx'].map((c) => ({
          order: [
            { command: 'RETR', client: 'c1' },
            { reply: c, client: 'c1' },
          ],
        })),
      },
    ],
    [
      {
        invariant: 'one-final-reply',
        message: 'm',
        at: { kind: 'reply', session: 'server/ctrl#1', what: 'second-1xx', code: 150 },
      },
      { seen: { reply: '1xx' }, times: 0 },
    ],
    [
      {
        invariant: 'w3c-log',
        message: 'server/ctrl#1: 5 command lines in the log for 4 final replies to commands',
        at: { kind: 'log', session: 'server/ctrl#1', what: 'commands' },
      },
      { seen: { entry: 'ftp-log', host: 'server' }, times: expect.any(Number) },
    ],
    [
      {
        invariant: 'w3c-log',
        message: 'm',
        at: { kind: 'log', session: 'server/ctrl#1', what: 'data-pairs' },
      },
      { seen: { log: { method: 'DataChannelClosed' } }, times: 1 },
    ],
  ] as Array<[Violation, object]>)('%j', (violation, expected) => {
    const scenario = replayScenario(shrunk(violation), { model: 'correct' });
    expect(scenario.expect).toEqual([
      { ...expected, text: `fuzz invariant ${violation.invariant}: ${violation.message}` },
    ]);
    expect(() => validateScenario(scenario, 'replay')).not.toThrow();
  });

  it('keeps the step limit of a run that never went idle, and adds nothing for a throw', () => {
    const idle = replayScenario(shrunk({ invariant: 'liveness', message: 'm', at: { kind: 'not-idle' } }), {
      model: 'correct',
    });
    expect(idle.limits).toEqual({ until: '3600s', maxSteps: 20_000_000 });
    expect(idle.expect).toBeUndefined();
    const threw = replayScenario(shrunk({ invariant: 'no-throw', message: 'the run threw TypeError: x' }), {
      model: 'correct',
    });
    expect(threw.expect).toBeUndefined();
    expect(threw.about).toMatch(
      /^netstep fuzz seed 3 \(correct client, ftp75\), shrunk to 1 client\(s\) and 3 step\(s\): no-throw: the run threw TypeError: x$/,
    );
  });

  it('says when a replay does not fail: the clean run of a made-up violation', () => {
    const scenario = replayScenario(
      shrunk({
        invariant: 'transfer-bytes',
        message: 'made up',
        at: { kind: 'download', client: 'c1', step: 1 },
      }),
      { model: 'correct' },
    );
    expect(verifyReplay(scenario)).toEqual({ fails: false, detail: 'every expectation holds on replay' });
  });
});
