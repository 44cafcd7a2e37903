/**
 * Fuzz benchmark: seeds per second and simulated events per second of a 1,000-seed campaign of the correct
 * client against ftp75 on every core (worker threads), beside the same seeds' first 200 on one thread, so the
 * figures show what the workers buy. Goal: 1,000 seeds in under 60 s on 2 cores. Shrinking is off: it runs
 * only on failures and would measure the failures, not the campaign.
 */
import { runCampaign } from '../src/fuzz/campaign.ts';
import { defaultWorkers } from '../src/fuzz/pool.ts';
import { report } from './util.ts';

const SEEDS = 1000;
const ALONE = 200;

async function timed(seeds: number, workers: number) {
  const t0 = process.hrtime.bigint();
  const { report: r } = await runCampaign({
    seeds,
    model: 'correct',
    profile: 'ftp75',
    workers,
    shrink: false,
  });
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  return { r, seconds };
}

export async function fuzzBench(): Promise<void> {
  const workers = defaultWorkers();
  const all = await timed(SEEDS, workers);
  const one = await timed(ALONE, 1);
  const rate = (n: number, s: number) => `${(n / s).toFixed(1)}`;
  report(`fuzz: ${SEEDS} seeds, correct client, ftp75, ${workers} workers`, [
    ['wall time', `${all.seconds.toFixed(1)} s (goal: under 60 s on 2 cores)`],
    ['seeds per second', rate(SEEDS, all.seconds)],
    ['events per second', `${Math.round(all.r.events / all.seconds)}`],
    ['events per seed', `${Math.round(all.r.events / SEEDS)} on average`],
    [
      'failures',
      `${all.r.failed}${
        all.r.failed > 0
          ? ` (${Object.entries(all.r.byInvariant)
              .map(([k, n]) => `${k} ${n}`)
              .join(', ')})`
          : ''
      }`,
    ],
    [
      `one thread, first ${ALONE} seeds`,
      `${rate(ALONE, one.seconds)} seeds/s, ${Math.round(one.r.events / one.seconds)} events/s`,
    ],
    ['speed-up of the workers', `${(SEEDS / all.seconds / (ALONE / one.seconds)).toFixed(2)}x`],
  ]);
}
