/**
 * Replay files: for failures found by real campaigns, `netstep run` on the written scenario fails on the
 * same thing; and each kind of violation is written as a valid scenario with the expectation replay.ts
 * documents.
 */
import { describe, expect, it } from 'vitest';
import { runCampaign } from '../../../src/fuzz/campaign.ts';
import type { Violation } from '../../../src/fuzz/invariants/violation.ts';
import type { Shrunk } from '../../../src/fuzz/jobs.ts';
import type { FuzzPlan } from '../../../src/fuzz/plan.ts';
import { planSize } from '../../../src/fuzz/plan.ts';
import { replayName, replayScenario, verifyReplay } from '../../../src/fuzz/replay.ts';
import { validateScenario } from '../../../src/scenario/validate.ts';

async function firstShrunk(model: string, invariant: string, seeds = 12): Promise<Shrunk> {
  const { report } = await runCampaign({ seeds, model, profile: 'ftp75', workers: 1, shrinkRuns: 80 });
  const s = report.shrunk.find((x) => x.invariant === invariant);
  expect(s, `${model}: no ${invariant} failure in ${seeds} seeds`).toBeDefined();
  return s!;
}

describe('replays of real failures', () => {
  it('expects-150 waiting for a 150 after a 125: the client contract fails again on replay', async () => {
    const s = await firstShrunk('expects-150', 'client-contract');
    const scenario = replayScenario(s, { model: 'expects-150' });
    expect(scenario.expect).toEqual([
      {
        any: [
          { outcome: 'completed', client: s.violation.at!.kind === 'client' ? s.violation.at!.client : '' },
          { outcome: 'failed', client: expect.any(String), code: '4xx' },
          { outcome: 'failed', client: expect.any(String), code: '5xx' },
        ],
        text: `fuzz invariant client-contract: ${s.violation.message}`,
      },
    ]);
    expect(verifyReplay(scenario)).toMatchObject({ fails: true });
    expect(replayName(s)).toBe(`seed-${s.seed}-client-contract.json`);
  }, 60_000);

  it('keeps-old-data-open leaving its last data connection open: the connection never closes on replay', async () => {
    const s = await firstShrunk('keeps-old-data-open', 'liveness');
    const scenario = replayScenario(s, { model: 'keeps-old-data-open' });
    expect(scenario.expect?.[0]).toMatchObject({
      seen: { state: 'CLOSED', conn: expect.stringMatching(/\/data#\d+$/) },
    });
    const check = verifyReplay(scenario);
    expect(check.fails).toBe(true);
    expect(check.detail).toMatch(/never seen/);
  }, 60_000);
});

describe('each kind of violation as a scenario', () => {
  const knobs = { mode: 'passive', port: null, connectDelay: 0, commandDelay: 0, reader: null } as const;
  const plan: FuzzPlan = {
    seed: 3,
    profile: 'ftp75',
    model: 'correct',
    files: [{ path: '/f1.bin', size: 2000 }],
    locks: [],
    net: { latency: 1, jitter: 0, bandwidth: 0, loss: 0, duplicate: 0, reorder: 0, reorderDelay: 0 },
    faults: [],
    clients: [
      {
        name: 'c1',
        start: 0,
        think: 0,
        steps: [
          { do: 'login', user: 'anonymous' },
          { ...knobs, do: 'retr', path: '/f1.bin' },
          { do: 'quit' },
        ],
      },
    ],
  };
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
    expect(idle.limits).toEqual({ maxSteps: 20_000_000 });
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
