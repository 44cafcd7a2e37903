/**
 * The work a campaign hands out, as plain data that crosses a worker boundary (structured clone): run a
 * batch of seeds, or shrink one failure. `runJob` is the same function in a worker and in the main thread,
 * and a pure function of its job, which is what makes a campaign's results independent of its workers.
 */
import type { Profile } from '../ftp/config.ts';
import { generate } from './generate.ts';
import type { InvariantName, Violation } from './invariants/violation.ts';
import { type FuzzPlan, planSize } from './plan.ts';
import { runPlan } from './run-plan.ts';
import { shrink } from './shrink.ts';

export interface Setup {
  /** The client model of every client. */
  readonly model: string;
  readonly profile: Profile;
}

export interface SeedsJob {
  readonly kind: 'seeds';
  readonly setup: Setup;
  readonly seeds: readonly number[];
}

export interface ShrinkJob {
  readonly kind: 'shrink';
  readonly setup: Setup;
  readonly seed: number;
  readonly invariant: InvariantName;
  readonly maxRuns: number;
}

export type Job = SeedsJob | ShrinkJob;

export interface SeedResult {
  readonly seed: number;
  /** Events the run took, and its simulated end time. */
  readonly events: number;
  readonly simTime: number;
  /** Every invariant that did not hold, in INVARIANTS order (empty: the seed passed). */
  readonly violations: readonly Violation[];
}

export interface Shrunk {
  readonly seed: number;
  readonly invariant: InvariantName;
  /** The minimal plan, and the violation it shows. */
  readonly plan: FuzzPlan;
  readonly violation: Violation;
  readonly runs: number;
  readonly before: ReturnType<typeof planSize>;
  readonly after: ReturnType<typeof planSize>;
}

export type JobResult<J extends Job> = J extends SeedsJob ? SeedResult[] : Shrunk;

export function runJob<J extends Job>(job: J): JobResult<J> {
  switch (job.kind) {
    case 'seeds':
      return job.seeds.map((seed) => runSeed(seed, job.setup)) as JobResult<J>;
    case 'shrink':
      return shrinkSeed(job) as JobResult<J>;
    default:
      return job satisfies never;
  }
}

export function runSeed(seed: number, setup: Setup): SeedResult {
  const r = runPlan(generate(seed, setup));
  return { seed, events: r.events, simTime: r.simTime, violations: r.violations };
}

/** The violation of `invariant` that a plan's run shows, or null. */
export function violationOf(plan: FuzzPlan, invariant: InvariantName): Violation | null {
  return runPlan(plan).violations.find((v) => v.invariant === invariant) ?? null;
}

export function shrinkSeed(job: ShrinkJob): Shrunk {
  const plan = generate(job.seed, job.setup);
  const result = shrink(plan, (p) => violationOf(p, job.invariant) !== null, job.maxRuns);
  const v = violationOf(result.plan, job.invariant);
  if (v === null) throw new Error(`seed ${job.seed}: the shrunk plan no longer shows ${job.invariant}`);
  return {
    seed: job.seed,
    invariant: job.invariant,
    plan: result.plan,
    violation: v,
    runs: result.runs,
    before: planSize(plan),
    after: planSize(result.plan),
  };
}
