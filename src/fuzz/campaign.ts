/**
 * A fuzz campaign: run the seeds of one shard of [seedStart, seedStart + seeds) on a pool of workers, check
 * every invariant on every run, then shrink the first failure of each violated invariant to a minimal plan.
 *
 * What is reported depends only on (seeds, seedStart, shard, model, profile): results are put back in seed
 * order whatever order the workers finish in, the failures shrunk are chosen by seed (the lowest failing seed
 * of each invariant, invariants in INVARIANTS order), and shrinking is deterministic. Only the timing figures
 * (`wall`) vary from run to run. So two machines, or one machine with 1 or 16 workers, agree, and the shards
 * of a campaign merge by seed into the report of the whole.
 */
import type { Profile } from '../ftp/config.ts';
import { INVARIANTS, type InvariantName, type Violation } from './invariants/violation.ts';
import type { SeedResult, SeedsJob, Setup, ShrinkJob, Shrunk } from './jobs.ts';
import { Pool } from './pool.ts';
import type { Progress } from './progress.ts';
import { formatShard, type Shard, shardSeeds, WHOLE } from './seeds.ts';

export interface CampaignOptions {
  readonly seeds: number;
  readonly seedStart?: number;
  readonly shard?: Shard;
  readonly model: string;
  readonly profile: Profile;
  /** Worker threads; 1 runs in this thread. */
  readonly workers: number;
  /** Shrink the first failure of each violated invariant (default true). */
  readonly shrink?: boolean;
  /** Candidate runs one shrink may make (default 400). */
  readonly shrinkRuns?: number;
  /** Seeds per job handed to a worker (default 8): small enough to balance, large enough to be cheap. */
  readonly batch?: number;
  /** Called as results come in (seeds done, failures) and at the end. */
  readonly onProgress?: (p: Omit<Progress, 'elapsed'>) => void;
}

export interface Failure {
  readonly seed: number;
  /** The seed's first violation (INVARIANTS order), and every other one it showed. */
  readonly invariant: InvariantName;
  readonly message: string;
  readonly also: readonly InvariantName[];
}

export interface CampaignReport {
  readonly seeds: {
    readonly start: number;
    readonly count: number;
    readonly shard: string;
    readonly ran: number;
  };
  readonly client: string;
  readonly profile: Profile;
  readonly passed: number;
  readonly failed: number;
  /** Simulated events over all seeds. */
  readonly events: number;
  /** Failing seeds by their first violated invariant. */
  readonly byInvariant: Readonly<Partial<Record<InvariantName, number>>>;
  readonly failures: readonly Failure[];
  readonly shrunk: readonly Shrunk[];
}

export interface CampaignRun {
  readonly report: CampaignReport;
  /** Every seed's result, in seed order. */
  readonly results: readonly SeedResult[];
}

export async function runCampaign(o: CampaignOptions): Promise<CampaignRun> {
  const start = o.seedStart ?? 0;
  const shard = o.shard ?? WHOLE;
  const seeds = shardSeeds(start, o.seeds, shard);
  const setup: Setup = { model: o.model, profile: o.profile };
  const batch = o.batch ?? 8;
  const jobs: SeedsJob[] = [];
  for (let i = 0; i < seeds.length; i += batch)
    jobs.push({ kind: 'seeds', setup, seeds: seeds.slice(i, i + batch) });
  const pool = new Pool(Math.max(1, Math.min(o.workers, jobs.length)));
  try {
    let done = 0;
    let failures = 0;
    o.onProgress?.({ done, total: seeds.length, failures });
    const batches = await pool.run(jobs, (results) => {
      done += results.length;
      failures += results.filter((r) => r.violations.length > 0).length;
      o.onProgress?.({ done, total: seeds.length, failures });
    });
    const results = batches.flat().sort((a, b) => a.seed - b.seed);
    const shrinkJobs =
      o.shrink === false
        ? []
        : firstOfEach(results).map(
            (r): ShrinkJob => ({
              kind: 'shrink',
              setup,
              seed: r.seed,
              invariant: r.violations[0]!.invariant,
              maxRuns: o.shrinkRuns ?? 400,
            }),
          );
    const shrunk = await pool.run(shrinkJobs);
    return { report: report(o, start, shard, results, shrunk), results };
  } finally {
    await pool.close();
  }
}

/** The lowest failing seed of each invariant that is some seed's first violation, in INVARIANTS order. */
function firstOfEach(results: readonly SeedResult[]): SeedResult[] {
  const first = new Map<InvariantName, SeedResult>();
  for (const r of results) {
    const v = r.violations[0];
    if (v !== undefined && !first.has(v.invariant)) first.set(v.invariant, r);
  }
  return INVARIANTS.flatMap((name) => (first.has(name) ? [first.get(name)!] : []));
}

function report(
  o: CampaignOptions,
  start: number,
  shard: Shard,
  results: readonly SeedResult[],
  shrunk: readonly Shrunk[],
): CampaignReport {
  const failures: Failure[] = [];
  const byInvariant: Partial<Record<InvariantName, number>> = {};
  let events = 0;
  for (const r of results) {
    events += r.events;
    const [first, ...rest] = r.violations;
    if (first === undefined) continue;
    failures.push({
      seed: r.seed,
      invariant: first.invariant,
      message: first.message,
      also: distinct(rest, first),
    });
    byInvariant[first.invariant] = (byInvariant[first.invariant] ?? 0) + 1;
  }
  return {
    seeds: { start, count: o.seeds, shard: formatShard(shard), ran: results.length },
    client: o.model,
    profile: o.profile,
    passed: results.length - failures.length,
    failed: failures.length,
    events,
    byInvariant,
    failures,
    shrunk,
  };
}

function distinct(rest: readonly Violation[], first: Violation): InvariantName[] {
  return [...new Set(rest.map((v) => v.invariant))].filter((n) => n !== first.invariant);
}
