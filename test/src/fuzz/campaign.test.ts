/**
 * Campaigns end to end: the two demonstrations (a broken client found and shrunk; the correct client clean
 * over 2,000 seeds), and what makes a campaign trustworthy at scale: the same report whatever the number of
 * workers, and shards that add up to the whole.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { type CampaignReport, runCampaign } from '../../../src/fuzz/campaign.ts';
import { isTransfer } from '../../../src/fuzz/plan.ts';
import { replayScenario, verifyReplay } from '../../../src/fuzz/replay.ts';

describe('demonstrations', () => {
  it('finds the truncation of closes-data-on-226 against ftp75 within 200 seeds, shrunk to one client and one RETR', async () => {
    const { report } = await runCampaign({
      seeds: 200,
      model: 'closes-data-on-226',
      profile: 'ftp75',
      workers: 2,
    });
    expect(report.byInvariant['transfer-bytes']).toBeGreaterThan(0);
    const first = report.failures.find((f) => f.invariant === 'transfer-bytes')!;
    expect(first.message).toMatch(
      /\(retr .*\), 226: received \d+ of \d+ bytes: the last \d+ are missing \(truncated\)/,
    );
    const shrunk = report.shrunk.find((s) => s.invariant === 'transfer-bytes')!;
    expect(shrunk.seed).toBe(first.seed);
    expect(shrunk.after).toMatchObject({ clients: 1, transfers: 1 });
    const steps = shrunk.plan.clients[0]!.steps;
    expect(steps.filter(isTransfer).map((s) => s.do)).toEqual(['retr']);
    expect(steps.map((s) => s.do)).toEqual(['login', 'retr']);
    // The replay file makes `netstep run` fail on the same truncation.
    const replay = verifyReplay(replayScenario(shrunk, { model: 'closes-data-on-226' }));
    expect(replay.fails).toBe(true);
    expect(replay.detail).toMatch(/truncated/);
  }, 120_000);

  it('finds nothing wrong with the correct client over 2,000 seeds', async () => {
    const { report } = await runCampaign({ seeds: 2000, model: 'correct', profile: 'ftp75', workers: 2 });
    expect(report.failures).toEqual([]);
    expect(report.passed).toBe(2000);
  }, 180_000);
});

describe('determinism at scale', () => {
  const base = {
    seeds: 48,
    seedStart: 100,
    model: 'closes-data-on-226',
    profile: 'ftp75',
    shrinkRuns: 60,
  } as const;
  let whole: CampaignReport;

  beforeAll(async () => {
    whole = (await runCampaign({ ...base, workers: 2 })).report;
  }, 120_000);

  it('reports the same failures, counts and shrunk scenarios with one worker as with two', async () => {
    const one = (await runCampaign({ ...base, workers: 1 })).report;
    expect(whole.failed).toBeGreaterThan(0);
    expect(whole.shrunk.length).toBeGreaterThan(0);
    expect(one).toEqual(whole);
  }, 120_000);

  it('has shards 0/2 and 1/2 that add up to the whole campaign', async () => {
    const shards = await Promise.all(
      [0, 1].map(
        async (index) => (await runCampaign({ ...base, workers: 1, shard: { index, of: 2 } })).report,
      ),
    );
    const [a, b] = shards as [CampaignReport, CampaignReport];
    expect(a.seeds.ran + b.seeds.ran).toBe(whole.seeds.ran);
    expect(a.passed + b.passed).toBe(whole.passed);
    expect(a.failed + b.failed).toBe(whole.failed);
    expect(a.events + b.events).toBe(whole.events);
    expect([...a.failures, ...b.failures].sort((x, y) => x.seed - y.seed)).toEqual(whole.failures);
    for (const f of a.failures) expect(f.seed % 2).toBe(0);
    for (const f of b.failures) expect(f.seed % 2).toBe(1);
    const sum = (k: string) => (a.byInvariant[k as 'liveness'] ?? 0) + (b.byInvariant[k as 'liveness'] ?? 0);
    for (const [k, n] of Object.entries(whole.byInvariant)) expect(sum(k)).toBe(n);
  }, 120_000);
});
