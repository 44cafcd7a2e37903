/**
 * The seed space of a campaign and its shards. A campaign runs the seeds [start, start + count); shard i/n
 * runs those of them with `seed mod n = i`. Shards are disjoint and together cover the campaign, whatever
 * `count` is, so a CI matrix or a batch job of n machines runs one campaign with no coordination: every
 * machine is given the same --seeds and --seed-start and its own --shard, and the results merge by seed.
 */

import { UsageError } from '../../sim/errors.ts';

export interface Shard {
  /** This shard's index, 0 <= index < of. */
  readonly index: number;
  readonly of: number;
}

/** The whole seed space: one shard. */
export const WHOLE: Shard = Object.freeze({ index: 0, of: 1 });

/** Parses '--shard i/n' (0-based, as JOB_COMPLETION_INDEX and GitHub matrix indices are). */
export function parseShard(text: string): Shard {
  const m = /^(\d+)\/(\d+)$/.exec(text.trim());
  if (m === null) throw new UsageError(`--shard: expected i/n such as 0/4, got ${JSON.stringify(text)}`);
  const index = Number(m[1]);
  const of = Number(m[2]);
  if (!(of >= 1 && Number.isSafeInteger(of))) throw new UsageError(`--shard ${text}: n must be at least 1`);
  if (index >= of) throw new UsageError(`--shard ${text}: i counts from 0 and must be below n (${of})`);
  return { index, of };
}

/** The seeds of one shard of the campaign [start, start + count), in increasing order. */
export function shardSeeds(start: number, count: number, shard: Shard = WHOLE): number[] {
  if (!Number.isSafeInteger(start) || start < 0)
    throw new UsageError(`--seed-start: ${start} is not a whole number >= 0`);
  if (!Number.isSafeInteger(count) || count < 0)
    throw new UsageError(`--seeds: ${count} is not a whole number >= 0`);
  const seeds: number[] = [];
  // The first seed s >= start with s mod n = i, then every n-th.
  const first = start + ((((shard.index - start) % shard.of) + shard.of) % shard.of);
  for (let s = first; s < start + count; s += shard.of) seeds.push(s);
  return seeds;
}

export function formatShard(shard: Shard): string {
  return `${shard.index}/${shard.of}`;
}
