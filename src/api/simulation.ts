/**
 * A Simulation: one run of a world that a user steps, rewinds, forks, inspects and queries. A thin layer
 * over sim/world.ts that adds what a test or a teacher needs around the engine: goals written as trace
 * queries, errors that say what was being waited for, snapshots, and the trace around a point as a ladder.
 *
 *   const sim = await load('kb/port-handshake-before-200');
 *   const syn = sim.stepUntil(dataSyn());          // the entry that met the goal
 *   sim.inspect().conn('server/data#2').state      // 'SYN-SENT'
 *   sim.runToIdle();
 *   sim.first(reply(200)).seq > syn.seq            // true: FTP 7.5 connects before it answers PORT
 *
 * Calling order: build (load, simulate), then any of step / stepUntil / runUntil / runToIdle / back in any
 * order; fork() at any point gives an independent Simulation. Every goal method stops right after the step
 * that meets it and leaves the simulation there; one that cannot be met (the run finishes first, or the step
 * limit is hit) throws a UsageError (StepLimitError for the limit) that names the goal, and leaves the
 * simulation where it stopped.
 */

import { StepLimitError, UsageError } from '../../sim/errors.ts';
import { netConfig } from '../../sim/net/network.ts';
import type { TcpState } from '../../sim/tcp/tcb.ts';
import { formatMs, parseDuration, type Time } from '../../sim/time.ts';
import type { TraceEntry } from '../../sim/trace.ts';
import type { RunResult, World } from '../../sim/world.ts';
import { finishClients } from '../clients/ftp-client.ts';
// evaluate() is not in the scenario API's index yet; it is what runScenario uses to decide expectations.
import { evaluate } from '../scenario/expect.ts';
import type { ExpectationResult, Scenario } from '../scenario/index.ts';
import type { LadderHost } from '../views/ladder.ts';
import { ladderLines } from '../views/ladder.ts';
import { type ExcerptOptions, ladderExcerpt } from './excerpt.ts';
import type { Query } from './query.ts';
import { all, contextOf, type EntryRef, find, findLast, first, last, type SearchOptions } from './search.ts';
import { type ConnSnapshot, type SessionSnapshot, Snapshot } from './snapshot.ts';

export interface SimulationInfo {
  /** What is being run: the scenario's name, or a word of the caller's. */
  readonly name?: string;
  readonly profile?: 'ftp75' | 'iis6';
  /** The scenario the world was built from, when there is one: check() decides its expectations. */
  readonly scenario?: Scenario;
  /** The step limit of one goal or run call (default: the world's, 50,000,000). */
  readonly maxSteps?: number | undefined;
  /** The run ends at this time even with events pending (a scenario's `limits.until`). */
  readonly until?: Time | undefined;
}

/** What one step did. */
export interface StepResult {
  /** The step's number (1 for the first step run). */
  readonly step: number;
  readonly at: Time;
  /** The engine event that ran ('net:arrive', 'tcp:timer', ...). */
  readonly event: string;
  /** The trace entries the step recorded (none for a stale timer, for example). */
  readonly entries: readonly TraceEntry[];
}

export interface GoalOptions {
  /** Fail with StepLimitError after this many steps. */
  readonly maxSteps?: number;
}

/** A goal over the trace: a query, or a test of each new entry. */
export type EntryGoal<E extends TraceEntry> = Query<E> | ((e: TraceEntry) => boolean);

/** A goal for runUntil: a time (ns, or a duration such as '5ms' read as t=5ms), a query, or a test of the simulation. */
export type RunGoal = Time | string | Query | ((sim: Simulation) => boolean);

export class Simulation {
  readonly world: World;
  /** The hosts in lane order, with their addresses. */
  readonly hosts: readonly LadderHost[];
  readonly name: string;
  readonly profile: 'ftp75' | 'iis6' | undefined;
  readonly scenario: Scenario | null;
  /** The end of the run: no event pending, or the next one after this time. */
  readonly until: Time | undefined;
  private readonly maxSteps: number | undefined;
  private readonly info: SimulationInfo;

  constructor(world: World, info: SimulationInfo = {}) {
    this.world = world;
    this.info = info;
    this.name = info.name ?? 'world';
    this.profile = info.profile;
    this.scenario = info.scenario ?? null;
    this.until = info.until;
    this.maxSteps = info.maxSteps;
    let hosts: LadderHost[] = [];
    try {
      hosts = [...netConfig(world).hosts.values()].map((h) => ({ name: h.name, addr: h.addr }));
    } catch {
      hosts = []; // a world without a network (an engine-only world) has no lanes
    }
    this.hosts = Object.freeze(hosts);
  }

  get seed(): string {
    return this.world.seed;
  }

  /** The trace so far (the world's own array: read it, do not change it). */
  get trace(): readonly TraceEntry[] {
    return this.world.trace;
  }

  get now(): Time {
    return this.world.now;
  }

  get steps(): number {
    return this.world.steps;
  }

  /** True when the run is finished: no event is pending, or the next is past the scenario's time limit. */
  get done(): boolean {
    const next = this.world.nextTime;
    return next === undefined || (this.until !== undefined && next > this.until);
  }

  /** The time of the next event, or undefined when the run is finished. */
  get nextTime(): Time | undefined {
    return this.world.nextTime;
  }

  // ---- moving ------------------------------------------------------------------------------------------

  /** Runs one event. A UsageError when the run is finished. */
  step(): StepResult {
    if (this.done) {
      throw new UsageError(
        `nothing to step: the run is finished (${this.endReason()}) at t=${formatMs(this.now)} after ` +
          `${this.steps} steps; back(n) goes back, fork() branches off an earlier point`,
      );
    }
    const mark = this.trace.length;
    const ev = this.world.step();
    return { step: this.steps, at: ev.at, event: ev.kind, entries: this.trace.slice(mark) };
  }

  /**
   * Steps until a new trace entry meets the goal, and returns that entry. A UsageError when the run finishes
   * first, a StepLimitError when the step limit is hit first; both name the goal.
   */
  stepUntil<E extends TraceEntry>(goal: EntryGoal<E>, o: GoalOptions = {}): E {
    const what = describeGoal(goal);
    this.needTrace(what);
    const test = typeof goal === 'function' ? goal : (e: TraceEntry) => goal.matches(e, this.context());
    const r = this.guard(what, () =>
      this.world.run({
        untilEntry: (e) => test(e),
        until: this.until,
        maxSteps: o.maxSteps ?? this.maxSteps,
      }),
    );
    if (r.reason !== 'goal') throw this.finishedBefore(what);
    return r.entry as E;
  }

  /**
   * Runs until a time (every event at or before it runs; the run may finish earlier), a trace query, or a
   * test of the simulation after each step. Returns why it stopped. A query or test never met before the
   * run finishes is a UsageError; the step limit is a StepLimitError; both name the goal.
   */
  runUntil(goal: RunGoal, o: GoalOptions = {}): RunResult {
    const maxSteps = o.maxSteps ?? this.maxSteps;
    if (typeof goal === 'number' || typeof goal === 'string') {
      const t = parseDuration(goal, 'runUntil');
      const until = this.until === undefined ? t : Math.min(t, this.until);
      return this.guard(`t=${formatMs(t)}`, () => this.world.run({ until, maxSteps }));
    }
    if (typeof goal === 'function') {
      const what = describeGoal(goal);
      const r = this.guard(what, () =>
        this.world.run({ untilState: () => goal(this), until: this.until, maxSteps }),
      );
      if (r.reason !== 'goal') throw this.finishedBefore(what);
      return r;
    }
    this.needTrace(goal.what);
    const ctx = this.context();
    const r = this.guard(goal.what, () =>
      this.world.run({ untilEntry: (e) => goal.matches(e, ctx), until: this.until, maxSteps }),
    );
    if (r.reason !== 'goal') throw this.finishedBefore(goal.what);
    return r;
  }

  /** Runs until no event is pending. */
  runToIdle(o: GoalOptions = {}): RunResult {
    return this.guard('the end of the run', () =>
      this.world.run({ until: this.until, maxSteps: o.maxSteps ?? this.maxSteps }),
    );
  }

  /** Goes back n steps (default 1): exactly the state, trace and randomness of that point. */
  back(n = 1): this {
    if (n > this.steps) {
      throw new UsageError(`cannot go back ${n} steps: only ${this.steps} steps have been run`);
    }
    this.world.back(n);
    return this;
  }

  /** An independent simulation from this point: stepping, going back or changing one never touches the other. */
  fork(): Simulation {
    return new Simulation(this.world.fork(), this.info);
  }

  // ---- looking -----------------------------------------------------------------------------------------

  /** An immutable snapshot of every host, connection and FTP session now. */
  inspect(): Snapshot {
    return new Snapshot(this.world);
  }

  /** A live connection's snapshot; a UsageError for an unknown or closed name (listing the known ones). */
  conn(name: string): ConnSnapshot {
    return this.inspect().conn(name);
  }

  /** A connection's TCP state now: 'CLOSED' for one that has closed; a UsageError for an unknown name. */
  tcpState(name: string): TcpState {
    return this.inspect().tcpState(name);
  }

  session(name: string): SessionSnapshot {
    return this.inspect().session(name);
  }

  find<E extends TraceEntry>(q: Query<E>, o?: SearchOptions): E | undefined {
    return find(this.trace, q, o);
  }

  first<E extends TraceEntry>(q: Query<E>, o?: SearchOptions): E {
    return first(this.trace, q, o);
  }

  findLast<E extends TraceEntry>(q: Query<E>, o?: SearchOptions): E | undefined {
    return findLast(this.trace, q, o);
  }

  last<E extends TraceEntry>(q: Query<E>, o?: SearchOptions): E {
    return last(this.trace, q, o);
  }

  all<E extends TraceEntry>(q: Query<E>, o?: SearchOptions): E[] {
    return all(this.trace, q, o);
  }

  /**
   * The scenario's expectations decided on the trace so far, as if the run ended here (a client still
   * waiting is judged hung). Decided on a fork: the simulation itself is not touched.
   */
  check(): ExpectationResult[] {
    const s = this.scenario;
    if (s === null) throw new UsageError(`check() needs a scenario: '${this.name}' was built from a world`);
    const world = this.world.fork();
    finishClients(world);
    const profile = this.profile ?? s.profile;
    const stopped = world.idle ? 'idle' : 'time';
    const outcome = { world, scenario: s, seed: world.seed, profile, stopped };
    return evaluate({ world, scenario: s, profile, outcome });
  }

  /** The ladder of the trace so far. */
  ladder(width = 100): string[] {
    return ladderLines(this.trace, this.hosts, { width });
  }

  /** The trace around some entries, as ladder lines with the entries marked. */
  excerpt(marks: readonly EntryRef[], o?: ExcerptOptions): string[] {
    return ladderExcerpt(
      this.trace,
      this.hosts,
      marks.map((m) => (typeof m === 'number' ? m : m.seq)),
      o,
    );
  }

  // ---- errors ------------------------------------------------------------------------------------------

  private context() {
    // Links between connection names are learnt lazily: queries that never ask about them cost nothing.
    return contextOf(this.trace);
  }

  private needTrace(what: string): void {
    if (!this.world.tracing) {
      throw new UsageError(`waiting for ${what} needs a trace: build the world with trace: true`);
    }
  }

  private guard(what: string, run: () => RunResult): RunResult {
    try {
      return run();
    } catch (e) {
      if (e instanceof StepLimitError) throw new StepLimitError(`waiting for ${what}: ${e.message}`);
      throw e;
    }
  }

  private endReason(): string {
    return this.world.idle ? 'no events pending' : `its time limit is t=${formatMs(this.until ?? 0)}`;
  }

  private finishedBefore(what: string): UsageError {
    return new UsageError(
      `the run finished (${this.endReason()}) at t=${formatMs(this.now)} after ${this.steps} steps, ` +
        `before ${what}`,
    );
  }
}

function describeGoal(goal: EntryGoal<TraceEntry> | ((sim: Simulation) => boolean)): string {
  if (typeof goal !== 'function') return goal.what;
  return goal.name ? `the goal '${goal.name}'` : 'the goal (a function)';
}
