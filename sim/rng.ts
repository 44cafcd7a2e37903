/**
 * Seeded randomness. Every component draws from its own named stream (`link:client->server`,
 * `tcp:iss:server`, ...). A stream's seed is derived from (run seed, stream name) only, so adding a stream
 * never changes the draws of another. The streams and their states belong to the world: a checkpoint keeps
 * each stream's state, so stepping back and forking replay exactly.
 *
 * Uses seedrandom's Alea generator: small state (four numbers) that is cheap to save and restore.
 */

import seedrandom from 'seedrandom';
import { UsageError } from './errors.ts';

export type RngState = seedrandom.State.Alea;

/** One named stream. Do not keep a reference across steps: ask the world for it each time (World.rng). */
export class Rng {
  private prng: seedrandom.StatefulPRNG<RngState>;

  constructor(
    readonly name: string,
    seed: string,
    state?: RngState,
  ) {
    this.prng = state ? seedrandom.alea('', { state }) : seedrandom.alea(seed, { state: true });
  }

  /** A number in [0, 1). */
  next(): number {
    return this.prng();
  }

  /** An integer in [lo, hi], both included. */
  int(lo: number, hi: number): number {
    if (!(Number.isSafeInteger(lo) && Number.isSafeInteger(hi) && lo <= hi)) {
      throw new UsageError(`rng '${this.name}': bad integer range [${lo}, ${hi}]`);
    }
    return lo + Math.floor(this.prng() * (hi - lo + 1));
  }

  /** An unsigned 32-bit integer, uniform over [0, 2^32). */
  uint32(): number {
    return this.prng.int32() >>> 0;
  }

  /** True with probability p. Draws once whatever p is, so the stream advances the same way. */
  chance(p: number): boolean {
    return this.prng() < p;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new UsageError(`rng '${this.name}': pick from an empty list`);
    return items[Math.floor(this.prng() * items.length)]!;
  }

  state(): RngState {
    return this.prng.state();
  }
}

/** The seed string of a named stream: the run seed and the name, kept apart by a separator. */
export function streamSeed(runSeed: string, name: string): string {
  return `netstep\u0000${runSeed}\u0000${name}`;
}
