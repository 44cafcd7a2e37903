/**
 * The world: simulated time, the event queue, the models' state, named random streams, the trace, and the
 * history that lets a user step back and fork. Knows nothing of networks or FTP: layers above register
 * handlers for their event kinds (`on`) and keep their state under keys of their own (`get`/`set`).
 *
 * Calling order: build the world (install models, `set` their initial state, `schedule` their first events),
 * then `step()` or `run()`; between steps a user may inspect, `back()`, `fork()`, or change the world through
 * `schedule`/`set`/`input` (such changes are recorded as inputs, so stepping back and forward replays them).
 *
 * State values are immutable: a model replaces a value, it never edits one in place. That is what makes a
 * checkpoint a shallow copy of the values (`slot` says how they are kept), and what makes a value a user
 * inspected a snapshot that can never drift.
 *
 * ## How history is kept, and why (measured with `npm run bench`)
 * Checkpoints plus replay. Every `historyInterval` steps (default 4096; more in a large world, see
 * `interval()`) the world keeps a checkpoint: the event queue, the state's values (shallow: values are
 * immutable and shared) and the random streams' states, all copied, and the trace length. `back(n)`
 * restores the latest checkpoint at or before the target and replays the few events in between; the run is
 * a pure function of (checkpoint, recorded inputs), so the replay is exact. The alternatives measured worse:
 * keeping every state costs a queue and state copy per event (the 100,000-timer benchmark would copy 100,000
 * events per step); recording patches for every state change costs an allocation per `set` on the hot path
 * and makes back() walk patches one by one. With checkpoints the hot path pays one integer comparison per
 * step, and back() costs at most `historyInterval` events of replay. `fork()` copies the current state the
 * same way as a checkpoint and shares the checkpoints, which are never mutated.
 */

import { InvariantError, StepLimitError, UsageError } from './errors.ts';
import { EventQueue, type SimEvent } from './queue.ts';
import { Rng, type RngState, streamSeed } from './rng.ts';
import { formatMs, type Time } from './time.ts';
import type { TraceEntry, TraceKind, TraceKinds } from './trace.ts';

/**
 * What runs an event kind: `data` is the event's data. A handler that declares the third parameter gets
 * the event itself as an object, built for it; one that does not costs no allocation per event.
 */
// biome-ignore lint/suspicious/noExplicitAny: handlers take the data of their own event kind
export type Handler = (world: World, data: any, event: SimEvent) => void;

export interface WorldOptions {
  /** The run's seed; every random stream derives from it. Default 1. */
  readonly seed?: string | number;
  /** Record trace entries. Default true. Fixed for the life of the world. */
  readonly trace?: boolean;
  /** Keep history for back() (checkpoints every `historyInterval` steps). Default true. */
  readonly history?: boolean;
  readonly historyInterval?: number;
  /** Default step limit of one run() call. Default 50,000,000. */
  readonly maxSteps?: number;
}

export interface RunOptions {
  /** Stop before the first event later than this time. */
  readonly until?: Time;
  /** Stop right after the step that records an entry for which this returns true. Needs tracing. */
  readonly untilEntry?: (entry: TraceEntry, world: World) => boolean;
  /** Stop right after the step after which this returns true. */
  readonly untilState?: (world: World) => boolean;
  /** Fail with StepLimitError after this many steps. */
  readonly maxSteps?: number;
}

export interface RunResult {
  /** Why the run stopped: no events left, the time limit, or the goal was met. */
  readonly reason: 'idle' | 'time' | 'goal';
  readonly steps: number;
  /** For `untilEntry`: the entry that met the goal. */
  readonly entry?: TraceEntry;
}

interface Checkpoint {
  readonly step: number;
  readonly now: Time;
  readonly nextSeq: number;
  /** A copy of the queue, never run: restoring copies it again. */
  readonly queue: EventQueue;
  /** The value of each slot (undefined: none). Slots are never renumbered: a copy of the array is enough. */
  readonly values: readonly unknown[];
  readonly rng: ReadonlyMap<string, RngState>;
  readonly traceLength: number;
}

interface Input {
  /** The step count at which it was applied (after that many steps). */
  readonly step: number;
  readonly what: string;
  readonly apply: (world: World) => void;
}

const DEFAULT_INTERVAL = 4096;
const DEFAULT_MAX_STEPS = 50_000_000;

export class World {
  private static serials = 0;

  readonly seed: string;
  /**
   * A number no other world in this process has (forks included): for caches of things that are fixed in
   * one world, such as slot numbers. Never part of a run's output.
   */
  readonly serial = World.serials++;
  readonly tracing: boolean;
  readonly historyOn: boolean;
  readonly historyInterval: number;
  readonly maxSteps: number;

  private handlers: Map<string, Handler>;
  private queue: EventQueue;
  /**
   * Model state: a key's value lives in a numbered slot. A key gets its slot the first time it is used and
   * keeps it for the life of the world (and of its forks, which copy the numbering), so a model may keep the
   * slot of a key it uses on every event and skip the key lookup (`slot`, `at`, `put`). Why (measured on
   * bench/ftp.ts, 10,000 sessions, ~190,000 keys): a Map lookup cost ~200 ns there, cache misses in a large
   * hash table, and the run made ~10 of them per event; an array index costs a tenth of that. Slots of
   * deleted keys are not reused (a few dozen bytes per key ever used), so a slot number held in a value
   * stays valid.
   */
  private slots: Map<string, number>;
  private slotKeys: string[];
  private values: unknown[];
  private streams: Map<string, Rng>;
  private entries: TraceEntry[];
  private checkpoints: Checkpoint[];
  private inputs: Input[];
  private clock: Time = 0;
  private stepCount = 0;
  private nextSeq = 0;
  /** The step count at which the next checkpoint is due (Infinity when history is off). */
  private nextCheckpoint = 0;
  /** True while an event runs or an input is applied: changes then are not inputs themselves. */
  private busy = false;
  /** Sequence number of the event being run, or -1 between steps (see `call`). */
  private runningSeq = -1;
  private runningKind = '';
  private runningData: unknown;

  constructor(options: WorldOptions = {}) {
    this.seed = String(options.seed ?? 1);
    this.tracing = options.trace ?? true;
    this.historyOn = options.history ?? true;
    this.historyInterval = options.historyInterval ?? DEFAULT_INTERVAL;
    this.maxSteps = options.maxSteps ?? DEFAULT_MAX_STEPS;
    if (!Number.isSafeInteger(this.historyInterval) || this.historyInterval < 1) {
      throw new UsageError(`historyInterval must be a whole number >= 1, not ${options.historyInterval}`);
    }
    this.handlers = new Map();
    this.queue = new EventQueue();
    this.slots = new Map();
    this.slotKeys = [];
    this.values = [];
    this.streams = new Map();
    this.entries = [];
    this.checkpoints = [];
    this.inputs = [];
    if (!this.historyOn) this.nextCheckpoint = Number.POSITIVE_INFINITY;
  }

  // ---- time and progress -------------------------------------------------------------------------------

  /** Simulated time now: the time of the event being run, or of the last one run. */
  get now(): Time {
    return this.clock;
  }

  /** Events run so far. */
  get steps(): number {
    return this.stepCount;
  }

  /** True when no event is pending: the run is finished. */
  get idle(): boolean {
    return this.queue.size === 0;
  }

  /** The time of the next pending event, or undefined when idle. */
  get nextTime(): Time | undefined {
    return this.queue.peekAt();
  }

  get pendingCount(): number {
    return this.queue.size;
  }

  /** Pending events in the order they will run (a copy; for inspection). */
  pending(): readonly SimEvent[] {
    return this.queue.pending();
  }

  // ---- models: handlers, state, randomness ---------------------------------------------------------------

  /** Registers the handler of an event kind. A kind has one handler; registering it twice is an error. */
  on(kind: string, handler: Handler): this {
    if (this.handlers.has(kind)) throw new UsageError(`event kind '${kind}' already has a handler`);
    this.handlers.set(kind, handler);
    return this;
  }

  hasHandler(kind: string): boolean {
    return this.handlers.has(kind);
  }

  /**
   * Runs the handler of `kind` at once, inside the current step: how one model calls another synchronously
   * (the socket layer delivering an event to an application) without a global registry. The handler's
   * event argument is the event whose step this is (a stand-in at the current time outside a step): a
   * call is part of that step, and building an event per call cost an allocation on every delivery.
   */
  call(kind: string, data: unknown): void {
    const handler = this.handlers.get(kind);
    if (handler === undefined) throw new InvariantError(`no handler for '${kind}'`);
    if (handler.length < 3) {
      handler(this, data, undefined as unknown as SimEvent);
      return;
    }
    const running = this.runningSeq >= 0;
    handler(this, data, {
      at: this.clock,
      seq: this.runningSeq,
      kind: running ? this.runningKind : kind,
      data: running ? this.runningData : data,
    });
  }

  /** Schedules an event at an absolute time (>= now). Returns its sequence number. */
  schedule(at: Time, kind: string, data?: unknown): number {
    if (!(at >= this.clock) || !Number.isSafeInteger(at)) {
      throw new UsageError(
        `cannot schedule '${kind}' at ${at}: times are whole nanoseconds >= now (${this.clock})`,
      );
    }
    if (!this.busy && this.checkpoints.length > 0) {
      this.input(`schedule ${kind} at ${formatMs(at)}`, (w) => w.schedule(at, kind, data));
      return this.nextSeq - 1;
    }
    const seq = this.nextSeq++;
    this.queue.push(at, seq, kind, data, this.clock);
    return seq;
  }

  /** Schedules an event `delay` nanoseconds from now. */
  after(delay: Time, kind: string, data?: unknown): number {
    return this.schedule(this.clock + delay, kind, data);
  }

  get<T>(key: string): T | undefined {
    const i = this.slots.get(key);
    return i === undefined ? undefined : (this.values[i] as T | undefined);
  }

  /** Replaces the value under a key. Values are immutable: never edit one you got from `get`. */
  set(key: string, value: unknown): void {
    this.put(this.slot(key), value);
  }

  delete(key: string): void {
    const i = this.slots.get(key);
    if (i !== undefined) this.put(i, undefined);
  }

  /**
   * The slot of a key: a number that stands for the key in `at` and `put` in this world and its forks, for
   * ever. Taking a slot stores nothing.
   */
  slot(key: string): number {
    let i = this.slots.get(key);
    if (i === undefined) {
      i = this.slotKeys.length;
      this.slots.set(key, i);
      this.slotKeys.push(key);
      this.values.push(undefined);
    }
    return i;
  }

  /** The slot of a key that has one, without taking one: undefined for a key never used in this world. */
  slotOf(key: string): number | undefined {
    return this.slots.get(key);
  }

  /** The value in a slot (see `slot`): `get` without the key lookup. */
  at<T>(slot: number): T | undefined {
    return this.values[slot] as T | undefined;
  }

  /** Replaces the value in a slot (see `slot`); undefined deletes it. `set` without the key lookup. */
  put(slot: number, value: unknown): void {
    if (!this.busy && this.checkpoints.length > 0) {
      const key = this.slotKeys[slot];
      if (key === undefined) throw new UsageError(`put: no slot ${slot} in this world`);
      const what = value === undefined ? `delete ${key}` : `set ${key}`;
      this.input(what, (w) => w.put(slot, value));
      return;
    }
    if (slot >= this.values.length) throw new UsageError(`put: no slot ${slot} in this world`);
    this.values[slot] = value;
  }

  /** The keys that hold a value, in the order they were first used. */
  *keys(): IterableIterator<string> {
    const { values, slotKeys } = this;
    for (let i = 0; i < values.length; i++) if (values[i] !== undefined) yield slotKeys[i]!;
  }

  /**
   * The named random stream. Ask for it each time you draw: a stream object is replaced when the world
   * steps back, so a reference kept across steps would draw from a stale stream.
   */
  rng(name: string): Rng {
    let r = this.streams.get(name);
    if (r === undefined) {
      r = new Rng(name, streamSeed(this.seed, name));
      this.streams.set(name, r);
    }
    return r;
  }

  // ---- trace ---------------------------------------------------------------------------------------------

  /**
   * Appends a trace entry at the current time. Callers guard with `if (world.tracing)` so that nothing is
   * built when tracing is off; recording with tracing off is a no-op.
   */
  record<K extends TraceKind>(kind: K, host: string, details: TraceKinds[K]): void {
    if (!this.tracing) return;
    const entry = {
      seq: this.entries.length,
      at: this.clock,
      host,
      kind,
      ...details,
    } as unknown as TraceEntry;
    this.entries.push(entry);
  }

  /** The trace so far. The array is the world's own: read it, do not change it. */
  get trace(): readonly TraceEntry[] {
    return this.entries;
  }

  // ---- stepping ------------------------------------------------------------------------------------------

  /** Runs the next event. Returns it; throws a UsageError when the run is finished. */
  step(): SimEvent {
    if (this.queue.size === 0) {
      throw new UsageError(
        `the run is finished: no events are pending (t=${formatMs(this.clock)}, ${this.stepCount} steps)`,
      );
    }
    this.execute();
    this.applyInputs(this.stepCount, this.stepCount);
    const q = this.queue;
    return { at: q.takenAt, seq: q.takenSeq, kind: q.takenKind, data: q.takenData };
  }

  /** Runs events until idle, a time, or a goal; fails with StepLimitError instead of running forever. */
  run(options: RunOptions = {}): RunResult {
    const { until, untilEntry, untilState } = options;
    const limit = options.maxSteps ?? this.maxSteps;
    if (untilEntry && !this.tracing) {
      throw new UsageError('run({ untilEntry }) needs tracing: create the world with trace: true');
    }
    let steps = 0;
    for (;;) {
      const nextAt = this.queue.peekAt();
      if (nextAt === undefined) return { reason: 'idle', steps };
      if (until !== undefined && nextAt > until) return { reason: 'time', steps };
      if (steps >= limit) throw this.stepLimitError(limit, options);
      const mark = this.entries.length;
      this.execute();
      this.applyInputs(this.stepCount, this.stepCount);
      steps++;
      if (untilEntry) {
        for (let i = mark; i < this.entries.length; i++) {
          const entry = this.entries[i]!;
          if (untilEntry(entry, this)) return { reason: 'goal', steps, entry };
        }
      }
      if (untilState?.(this)) return { reason: 'goal', steps };
    }
  }

  private stepLimitError(limit: number, options: RunOptions): StepLimitError {
    const goal = options.untilEntry
      ? 'its trace goal was met'
      : options.untilState
        ? 'its state goal was met'
        : options.until !== undefined
          ? `t=${formatMs(options.until)}`
          : 'the run went idle';
    const next = this.queue.peek();
    return new StepLimitError(
      `run() hit its step limit of ${limit} steps at t=${formatMs(this.clock)} (step ${this.stepCount}) ` +
        `before ${goal}; ${this.queue.size} events pending, the next '${next?.kind}' at ` +
        `${next ? formatMs(next.at) : '-'}. Pass a larger maxSteps, or look for a livelock.`,
    );
  }

  /** Runs one event: the hot path. */
  private execute(): void {
    if (this.stepCount >= this.nextCheckpoint) this.checkpoint();
    const q = this.queue;
    q.take();
    const kind = q.takenKind;
    const data = q.takenData;
    const handler = this.handlers.get(kind);
    if (handler === undefined) throw new InvariantError(`no handler for event kind '${kind}'`);
    this.clock = q.takenAt;
    this.stepCount++;
    this.busy = true;
    this.runningSeq = q.takenSeq;
    this.runningKind = kind;
    this.runningData = data;
    try {
      if (handler.length < 3) handler(this, data, undefined as unknown as SimEvent);
      else handler(this, data, { at: this.clock, seq: this.runningSeq, kind, data });
    } finally {
      this.busy = false;
      this.runningSeq = -1;
      this.runningData = undefined;
    }
  }

  // ---- inputs, history, forks ----------------------------------------------------------------------------

  /**
   * Applies a change from outside the run (a user's intervention between steps) and records it, so that
   * back() and a later step forward replay it. A new input rewrites the future: inputs recorded after this
   * point by an earlier timeline are dropped.
   */
  input(what: string, apply: (world: World) => void): void {
    if (this.busy) {
      apply(this);
      return;
    }
    if (this.historyOn && this.checkpoints.length > 0) {
      const step = this.stepCount;
      this.inputs = this.inputs.filter((i) => i.step <= step);
      // A checkpoint taken at this step no longer includes everything applied at this step.
      while (this.checkpoints.length > 0 && this.checkpoints[this.checkpoints.length - 1]!.step >= step) {
        this.checkpoints.pop();
      }
      this.rescheduleCheckpoint();
      this.inputs.push({ step, what, apply });
    }
    this.busy = true;
    try {
      apply(this);
    } finally {
      this.busy = false;
    }
  }

  private applyInputs(from: number, to: number): void {
    if (this.inputs.length === 0) return;
    for (const i of this.inputs) {
      if (i.step < from) continue;
      if (i.step > to) break;
      this.busy = true;
      try {
        i.apply(this);
      } finally {
        this.busy = false;
      }
    }
  }

  private checkpoint(): void {
    this.checkpoints.push(this.capture());
    this.nextCheckpoint = this.stepCount + this.interval();
  }

  /**
   * Steps until the next checkpoint: at least `historyInterval`, and at least half the number of things a
   * checkpoint copies, so that copying costs at most about two element copies per step however large the
   * world grows (measured: a fixed 4096 with 100,000 pending events made history cost 2.9x the bare kernel).
   */
  private interval(): number {
    return Math.max(this.historyInterval, (this.queue.size + this.values.length) >> 1);
  }

  /** After the checkpoint list changed: the next one is due one interval after the last kept. */
  private rescheduleCheckpoint(): void {
    const last = this.checkpoints[this.checkpoints.length - 1];
    this.nextCheckpoint = !this.historyOn
      ? Number.POSITIVE_INFINITY
      : last === undefined
        ? 0
        : Math.max(this.stepCount, last.step + this.interval());
  }

  private capture(): Checkpoint {
    const rng = new Map<string, RngState>();
    for (const [name, r] of this.streams) rng.set(name, r.state());
    return {
      step: this.stepCount,
      now: this.clock,
      nextSeq: this.nextSeq,
      queue: this.queue.clone(),
      values: this.values.slice(),
      rng,
      traceLength: this.entries.length,
    };
  }

  private restore(cp: Checkpoint): void {
    this.stepCount = cp.step;
    this.clock = cp.now;
    this.nextSeq = cp.nextSeq;
    this.queue = cp.queue.clone();
    // Slots taken after the checkpoint keep their numbers (a value restored later may hold one), empty.
    const values = cp.values.slice();
    for (let i = values.length; i < this.slotKeys.length; i++) values.push(undefined);
    this.values = values;
    this.streams = new Map();
    for (const [name, s] of cp.rng) this.streams.set(name, new Rng(name, '', s));
    if (this.entries.length > cp.traceLength) this.entries.length = cp.traceLength;
  }

  /**
   * Goes back n steps: the world becomes exactly what it was after step (steps - n), inputs made at that
   * point included. Stepping forward again replays the same events and inputs and gives the same trace.
   */
  back(n = 1): void {
    if (!this.historyOn) throw new UsageError('back() needs history: create the world with history: true');
    if (!Number.isSafeInteger(n) || n < 0)
      throw new UsageError(`back(n) takes a whole number >= 0, not ${n}`);
    const target = this.stepCount - n;
    if (target < 0) {
      throw new UsageError(`cannot go back ${n} steps: only ${this.stepCount} steps have been run`);
    }
    if (n === 0) return;
    const cps = this.checkpoints;
    let lo = 0;
    let hi = cps.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (cps[mid]!.step <= target) lo = mid;
      else hi = mid - 1;
    }
    const cp = cps[lo];
    if (cp === undefined || cp.step > target)
      throw new InvariantError(`no checkpoint at or before step ${target}`);
    cps.length = lo + 1;
    this.restore(cp);
    this.rescheduleCheckpoint();
    while (this.stepCount < target) {
      this.execute();
      this.applyInputs(this.stepCount, this.stepCount);
    }
  }

  /**
   * An independent world at this point: same handlers, same state, same history. Running or changing one
   * never touches the other.
   */
  fork(): World {
    const w = new World({
      seed: this.seed,
      trace: this.tracing,
      history: this.historyOn,
      historyInterval: this.historyInterval,
      maxSteps: this.maxSteps,
    });
    w.handlers = new Map(this.handlers);
    w.slots = new Map(this.slots);
    w.slotKeys = this.slotKeys.slice();
    const cp = this.capture();
    w.restore(cp);
    w.entries = this.entries.slice();
    w.checkpoints = this.checkpoints.slice();
    w.inputs = this.inputs.slice();
    w.rescheduleCheckpoint();
    return w;
  }
}
