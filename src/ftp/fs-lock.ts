/**
 * Open-file locks of the FTP site: who holds a path open, and when. Two kinds of holder exist in the model:
 * another process on the server (owner 'external'; a scenario opens a file from t1 to t2, KB 2505047 "FTP RETR
 * for open files ... will fail with ERROR_SHARING_VIOLATION"), and an FTP session uploading a file (owner = the
 * session id; fileHandling allowReadUploadsInProgress=false by default, facts §4.3).
 *
 * Owns: the lock list and the time-window rule. Leaves out: share modes (every lock denies read, write and
 * delete to everyone else, which is what an upload's and a typical editor's open does) and byte-range locks.
 *
 * Time window: a lock holds over the half-open interval [from, until): at `from - 1` the path is free, at
 * `from` it is held, at `until` it is free again. `until: null` holds until `unlockFile`.
 * Plain array updates: a list of a few locks is simpler as `filter`/spread than as an immer draft.
 */

import { UsageError } from '../../sim/errors.ts';
import type { Time } from '../../sim/time.ts';
import { isWithin, pathKey, segmentsOf } from './fs-path.ts';

export interface Lock {
  /** Canonical site path of the locked file or directory (compared case-insensitively). */
  readonly path: string;
  readonly from: Time;
  readonly until: Time | null;
  /** 'external' for another process on the server, or the id of the FTP session that holds it. */
  readonly owner: string;
}

/** The owner name of a file held open by another process on the server (not FTPSVC). */
export const EXTERNAL = 'external';

interface HasLocks {
  readonly locks: readonly Lock[];
}

export function lockActive(lock: Lock, now: Time): boolean {
  return lock.from <= now && (lock.until === null || now < lock.until);
}

/** Adds a lock. A window that ends before it starts, or a path that is not canonical, is a usage error. */
export function addLock<F extends HasLocks>(fs: F, lock: Lock): F {
  segmentsOf(lock.path);
  if (!Number.isSafeInteger(lock.from) || (lock.until !== null && !Number.isSafeInteger(lock.until))) {
    throw new UsageError(`lock on ${lock.path}: from and until are integer nanoseconds`);
  }
  if (lock.until !== null && lock.until < lock.from) {
    throw new UsageError(`lock on ${lock.path}: until (${lock.until}) is before from (${lock.from})`);
  }
  return { ...fs, locks: [...fs.locks, lock] };
}

/** Removes every lock that `owner` holds on `path`. Unlocking what is not locked changes nothing. */
export function removeLocks<F extends HasLocks>(fs: F, path: string, owner: string): F {
  const key = pathKey(path);
  const locks = fs.locks.filter((l) => !(l.owner === owner && pathKey(l.path) === key));
  return locks.length === fs.locks.length ? fs : { ...fs, locks };
}

/** True when someone other than `by` holds `path` open at `now` (anyone, when `by` is omitted). */
export function lockedBy(fs: HasLocks, path: string, now: Time, by?: string): boolean {
  const key = pathKey(path);
  return fs.locks.some((l) => l.owner !== by && lockActive(l, now) && pathKey(l.path) === key);
}

/** True when someone other than `by` holds `dir` or anything below it open at `now`. */
export function lockedWithin(fs: HasLocks, dir: string, now: Time, by?: string): boolean {
  return fs.locks.some((l) => l.owner !== by && lockActive(l, now) && isWithin(l.path, dir));
}

/** Drops the locks whose window has ended by `now`: a long run need not carry them. */
export function pruneExpired<F extends HasLocks>(fs: F, now: Time): F {
  const locks = fs.locks.filter((l) => l.until === null || now < l.until);
  return locks.length === fs.locks.length ? fs : { ...fs, locks };
}
