/**
 * Shrinking a failing plan to a minimal one that fails the same way (the same invariant), by greedy delta
 * debugging over the plan's meaning: keep one client, drop a client, drop a step, drop a fault or a lock,
 * turn a network feature off, halve a file or an upload, and set a knob (a delay, a slow reader, a port, a
 * mode) back to its plain value. The first candidate that still fails is taken and the search starts over
 * from the biggest cuts; it ends when no candidate fails (a local minimum: removing any one thing more makes
 * the failure go away) or after `maxRuns` runs.
 *
 * Deterministic: the candidates come in a fixed order and every run is a pure function of its plan, so a
 * failure shrinks to the same plan in any worker, on any machine. Why not fast-check's shrinker: it shrinks
 * the generator's random choices, and a smaller choice is not always a smaller world (one draw moves every
 * later one); cutting the world itself gives minimal scenarios a reader can follow.
 */
import {
  DEFAULT_SERVER,
  DEFAULT_TCP,
  type FuzzPlan,
  isTransfer,
  type PlanClient,
  type PlanNet,
  type PlanServer,
  type PlanStep,
  type PlanTcp,
  type PlanTransfer,
} from './plan.ts';

export interface ShrinkResult {
  readonly plan: FuzzPlan;
  /** Candidate runs made. */
  readonly runs: number;
  /** Candidates that still failed (each one a step down). */
  readonly accepted: number;
}

export function shrink(plan: FuzzPlan, stillFails: (p: FuzzPlan) => boolean, maxRuns = 400): ShrinkResult {
  let current = plan;
  let runs = 0;
  let accepted = 0;
  for (;;) {
    let improved = false;
    for (const candidate of candidates(current)) {
      if (runs >= maxRuns) return { plan: current, runs, accepted };
      runs++;
      if (stillFails(candidate)) {
        current = candidate;
        accepted++;
        improved = true;
        break;
      }
    }
    if (!improved) return { plan: current, runs, accepted };
  }
}

/** Smaller plans, biggest cuts first. Each differs from `p` in one thing. */
export function* candidates(p: FuzzPlan): Generator<FuzzPlan> {
  const { clients } = p;
  // One client alone, then each client dropped.
  if (clients.length > 1) {
    for (const c of clients) yield tidy({ ...p, clients: [c] });
    for (let i = 0; i < clients.length; i++) yield tidy({ ...p, clients: without(clients, i) });
  }
  // Steps: the second half of a script, then each step (from the last: later steps depend on earlier ones).
  for (let ci = 0; ci < clients.length; ci++) {
    const steps = clients[ci]!.steps;
    if (steps.length > 2) yield tidy(withClient(p, ci, { steps: steps.slice(0, steps.length >> 1) }));
    for (let si = steps.length - 1; si >= 0; si--)
      yield tidy(withClient(p, ci, { steps: without(steps, si) }));
  }
  for (let i = 0; i < p.faults.length; i++) yield tidy({ ...p, faults: without(p.faults, i) });
  for (let i = 0; i < p.locks.length; i++) yield { ...p, locks: without(p.locks, i) };
  for (const key of NET_KEYS) {
    if (p.net[key] > 0)
      yield { ...p, net: { ...p.net, [key]: 0, ...(key === 'reorder' ? { reorderDelay: 0 } : {}) } };
  }
  for (const key of Object.keys(DEFAULT_SERVER) as Array<keyof PlanServer>) {
    if (p.server[key] !== DEFAULT_SERVER[key])
      yield { ...p, server: { ...p.server, [key]: DEFAULT_SERVER[key] } };
  }
  for (const key of Object.keys(DEFAULT_TCP) as Array<keyof PlanTcp>) {
    if (p.tcp[key] !== DEFAULT_TCP[key]) yield { ...p, tcp: { ...p.tcp, [key]: DEFAULT_TCP[key] } };
  }
  // Sizes: nothing, then half.
  for (let i = 0; i < p.files.length; i++) {
    const f = p.files[i]!;
    if (f.size > 0) yield { ...p, files: replace(p.files, i, { ...f, size: 0 }) };
    if (f.size > 1) yield { ...p, files: replace(p.files, i, { ...f, size: f.size >> 1 }) };
  }
  for (let ci = 0; ci < clients.length; ci++) {
    const c = clients[ci]!;
    for (let si = 0; si < c.steps.length; si++) {
      for (const simpler of simplerSteps(c.steps[si]!, p))
        yield withClient(p, ci, { steps: replace(c.steps, si, simpler) });
    }
    if (c.start > 0) yield withClient(p, ci, { start: 0 });
    if (c.think > 0) yield withClient(p, ci, { think: 0 });
  }
}

const NET_KEYS: ReadonlyArray<keyof PlanNet> = [
  'loss',
  'duplicate',
  'reorder',
  'jitter',
  'bandwidth',
  'latency',
];

/** The same step with one thing made plainer. */
function simplerSteps(s: PlanStep, p: FuzzPlan): PlanStep[] {
  if (s.do === 'wait') return s.ms > 1 ? [{ ...s, ms: 1 }] : [];
  if (!isTransfer(s)) return [];
  const out: PlanTransfer[] = [];
  if ((s.do === 'stor' || s.do === 'appe') && s.size > 0)
    out.push({ ...s, size: 0 }, { ...s, size: s.size >> 1 });
  if (s.reader !== null) out.push({ ...s, reader: null });
  if (s.connectDelay > 0) out.push({ ...s, connectDelay: 0 });
  if (s.commandDelay > 0) out.push({ ...s, commandDelay: 0 });
  // A port a fault targets stays: the fault would no longer match anything.
  if (s.port !== null && !p.faults.some((f) => f.port === s.port)) out.push({ ...s, port: null });
  if (s.mode !== 'passive') out.push({ ...s, mode: 'passive' });
  return out;
}

/**
 * Keeps a plan consistent after a cut: faults whose port no transfer uses any more are dropped, and so are
 * files no step can reach (LIST and NLST show them, so they stay while a listing remains).
 */
export function tidy(p: FuzzPlan): FuzzPlan {
  const steps = p.clients.flatMap((c) => c.steps);
  const ports = new Set(steps.filter(isTransfer).map((s) => s.port));
  const faults = p.faults.filter((f) => ports.has(f.port));
  const listing = steps.some((s) => s.do === 'list' || s.do === 'nlst');
  const used = new Set(
    steps.filter((s) => s.do === 'retr').map((s) => (s as PlanTransfer & { path: string }).path),
  );
  const locked = new Set(p.locks.map((l) => l.path));
  const files = listing ? p.files : p.files.filter((f) => used.has(f.path) || locked.has(f.path));
  const locks = p.locks.filter((l) => files.some((f) => f.path === l.path));
  return faults.length === p.faults.length &&
    files.length === p.files.length &&
    locks.length === p.locks.length
    ? p
    : { ...p, faults, files, locks };
}

function without<T>(list: readonly T[], i: number): T[] {
  return [...list.slice(0, i), ...list.slice(i + 1)];
}

function replace<T>(list: readonly T[], i: number, item: T): T[] {
  return [...list.slice(0, i), item, ...list.slice(i + 1)];
}

function withClient(p: FuzzPlan, i: number, change: Partial<PlanClient>): FuzzPlan {
  return { ...p, clients: replace(p.clients, i, { ...p.clients[i]!, ...change }) };
}
