/**
 * The interactive stepper's model: moves through a Simulation (next, back, to the next FTP reply, to the
 * next TCP state change, to the end) and the ladder so far, without any terminal I/O. `netstep step` feeds
 * it keys and draws `screen()` (stepper-screen.ts); a test can do the same in memory.
 *
 * What one move is, for a reader learning the timing:
 * - next: the next event that records something in the trace. Events that record nothing (a timer that
 *   finds nothing due) are run on the way and counted, so that every press shows a change.
 * - back: to the previous event that recorded something, or to the start.
 * - reply / state: on to the next FTP reply the server writes / the next TCP state change. When there is
 *   none before the run ends (or within MOVE_LIMIT events), the stepper stays where it was and says so.
 * Every move remembers the trace length after each step, which is how back finds the previous event.
 */

import { assertNever } from '../../sim/errors.ts';
import { formatMs } from '../../sim/time.ts';
import type { TraceEntry } from '../../sim/trace.ts';
import { WireContext } from '../views/context.ts';
import { Ladder } from '../views/ladder.ts';
import type { Paint } from '../views/style.ts';
import type { Simulation } from './simulation.ts';

export type Move = 'next' | 'back' | 'reply' | 'state' | 'end';

/** What the current position shows: how it was reached, and the entries of its step. */
export interface Position {
  readonly how: string;
  /** The entries the current step recorded (none at the start). */
  readonly entries: readonly TraceEntry[];
}

/** Events one move may run before it gives up (a run that never goes quiet). */
export const MOVE_LIMIT = 1_000_000;

export interface LadderLine {
  readonly seq: number;
  readonly text: string;
}

export class Stepper {
  /** marks[k] is the trace length after step base + k. */
  private marks: number[];
  private readonly base: number;
  private ladder!: Ladder;
  private context!: WireContext;
  private lines: LadderLine[] = [];
  private fed = 0;
  position: Position;
  /** A one-line message about the last move (nothing to go back to, no reply follows, ...). */
  message = '';

  constructor(
    readonly sim: Simulation,
    private width: number,
    private readonly paint?: Paint,
  ) {
    this.base = sim.steps;
    this.marks = [sim.trace.length];
    this.position = { how: 'at the start: nothing has run yet', entries: [] };
    this.rebuild();
  }

  /** The ladder's columns changed (the terminal was resized): draw it again at the new width. */
  resize(width: number): void {
    this.width = width;
    this.rebuild();
  }

  /** The ladder so far, one line per drawn entry, and what the ladder has learnt (for relative numbers). */
  ladderLines(): readonly LadderLine[] {
    return this.lines;
  }

  header(): string {
    return this.ladder.header().at(-1)!;
  }

  wire(): WireContext {
    return this.context;
  }

  /** The trace range of the current step: its entries are [from, to). */
  current(): { from: number; to: number } {
    const k = this.sim.steps - this.base;
    return { from: k > 0 ? this.marks[k - 1]! : this.marks[0]!, to: this.marks[k]! };
  }

  move(m: Move): void {
    this.message = '';
    switch (m) {
      case 'next':
        this.forward('event', () => true, 'next event');
        break;
      case 'reply':
        this.forward('FTP reply', (e) => e.kind === 'ftp-reply', 'next FTP reply');
        break;
      case 'state':
        this.forward('TCP state change', (e) => e.kind === 'tcp-state', 'next TCP state change');
        break;
      case 'end':
        this.toEnd();
        break;
      case 'back':
        this.back();
        break;
      default:
        assertNever(m, 'move');
    }
  }

  private finishedText(): string {
    return `the run is finished at t=${formatMs(this.sim.now)} after ${this.sim.steps} steps`;
  }

  /** Steps until a step records an entry that `goal` accepts; stays put when none comes. */
  private forward(what: string, goal: (e: TraceEntry) => boolean, how: string): void {
    if (this.sim.done) {
      this.message = `${this.finishedText()}: b goes back, q quits`;
      return;
    }
    const start = this.sim.steps;
    let ran = 0;
    for (;;) {
      if (this.sim.done || ran >= MOVE_LIMIT) {
        const why = this.sim.done ? this.finishedText() : `${MOVE_LIMIT} events ran without one`;
        this.sim.back(this.sim.steps - start);
        this.marks.length = start - this.base + 1;
        this.message = `no ${what} follows: ${why}; stayed at step ${start}`;
        this.rebuild();
        return;
      }
      const before = this.sim.trace.length;
      this.sim.step();
      ran++;
      this.marks.push(this.sim.trace.length);
      const entries = this.sim.trace.slice(before);
      if (entries.some(goal)) {
        const skipped = ran > 1 ? ` (${ran} events)` : '';
        this.position = { how: `${how}${skipped}`, entries };
        this.feed();
        return;
      }
    }
  }

  private toEnd(): void {
    if (this.sim.done) {
      this.message = `${this.finishedText()}: b goes back, q quits`;
      return;
    }
    const start = this.sim.steps;
    let last: readonly TraceEntry[] = [];
    while (!this.sim.done) {
      if (this.sim.steps - start >= MOVE_LIMIT) {
        this.message = `stopped after ${MOVE_LIMIT} events: the run may never go quiet`;
        break;
      }
      const before = this.sim.trace.length;
      this.sim.step();
      this.marks.push(this.sim.trace.length);
      if (this.sim.trace.length > before) last = this.sim.trace.slice(before);
    }
    this.position = { how: `to the end (${this.sim.steps - start} events)`, entries: last };
    this.feed();
    if (this.sim.done) this.message = this.finishedText();
  }

  private back(): void {
    const cur = this.sim.steps;
    if (cur === this.base) {
      this.message = 'at the start: there is nothing to go back to';
      return;
    }
    // The previous step that recorded something: its entries are what the position shows.
    let j = cur - 1;
    while (j > this.base && this.marks[j - this.base]! === this.marks[j - this.base - 1]!) j--;
    this.sim.back(cur - j);
    this.marks.length = j - this.base + 1;
    const { from, to } = this.current();
    this.position =
      j === this.base
        ? { how: 'back at the start', entries: [] }
        : { how: `back to step ${j}`, entries: this.sim.trace.slice(from, to) };
    this.rebuild();
  }

  /** Draws the entries recorded since the last feed. */
  private feed(): void {
    const t = this.sim.trace;
    for (let i = this.fed; i < t.length; i++) {
      const e = t[i]!;
      this.context.observe(e);
      for (const text of this.ladder.entry(e)) this.lines.push({ seq: e.seq, text });
    }
    this.fed = t.length;
  }

  /** Starts the ladder over (after a step back, the trace is shorter; after a resize, wider). */
  private rebuild(): void {
    this.ladder = new Ladder(this.sim.hosts, {
      width: this.width,
      ...(this.paint ? { paint: this.paint } : {}),
    });
    this.context = new WireContext();
    this.lines = [];
    this.fed = 0;
    this.feed();
  }
}
