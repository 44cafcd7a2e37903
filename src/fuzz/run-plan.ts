/**
 * Runs one plan and checks every invariant on what it left behind. A run never throws: an error inside it is
 * the 'no-throw' violation (with the error's first stack line), a run that hits its step limit is a
 * 'liveness' violation, and everything else is judged by the invariants in INVARIANTS order. All violations
 * are returned; the first one is the seed's failure.
 */
import { formatDuration } from '../../sim/time.ts';
import { runScenario } from '../scenario/run.ts';
import { validateScenario } from '../scenario/validate.ts';
import { checkRun } from './check-run.ts';
import { type Violation, violation } from './invariants/violation.ts';
import type { FuzzPlan } from './plan.ts';
import { planScenario } from './scenario.ts';

/** A safety net: a seed that needs more events than this is a livelock, not a big seed. */
export const MAX_STEPS = 20_000_000;

export interface PlanRun {
  readonly violations: readonly Violation[];
  /** Events the run took. */
  readonly events: number;
  /** Simulated time at the end. */
  readonly simTime: number;
}

export function runPlan(plan: FuzzPlan, maxSteps = MAX_STEPS): PlanRun {
  const planned = planScenario(plan);
  try {
    const scenario = validateScenario(planned.scenario, `fuzz seed ${plan.seed}`);
    const outcome = runScenario(scenario, { trace: true, history: false, maxSteps });
    const { world } = outcome;
    const idle = outcome.stopped === 'idle';
    const stopped = idle
      ? undefined
      : outcome.stopped === 'time'
        ? `still busy after ${formatDuration(world.now)} of simulated time, ${world.pendingCount} events pending`
        : outcome.results.find((r) => !r.passed)?.detail;
    return {
      violations: checkRun({ world, plan, planned, idle, ...(stopped === undefined ? {} : { stopped }) }),
      events: world.steps,
      simTime: world.now,
    };
  } catch (e) {
    return { violations: [thrown(e)], events: 0, simTime: 0 };
  }
}

/** 'no-throw': the error's name, message and the first frame of its stack. */
function thrown(e: unknown): Violation {
  if (!(e instanceof Error)) return violation('no-throw', `the run threw ${String(e)}`);
  const at =
    e.stack
      ?.split('\n')
      .find((l) => l.trim().startsWith('at '))
      ?.trim() ?? '';
  return violation('no-throw', `the run threw ${e.name}: ${e.message}${at === '' ? '' : ` (${at})`}`);
}
