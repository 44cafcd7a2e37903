/**
 * Runs fuzz jobs on worker threads (node:worker_threads), one job per idle worker, handing out the next job
 * as soon as a worker is free, so a slow seed does not hold up the others. With one worker the jobs run in
 * this thread instead: no start-up cost, and the same code path as a worker's (`runJob`).
 *
 * Results come back in completion order through `onResult`, and in job order from `run`; the campaign sorts
 * by seed, so what a campaign reports never depends on the number of workers or on their timing.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { InvariantError } from '../../sim/errors.ts';
import { type Job, type JobResult, runJob } from './jobs.ts';
import type { JobMessage, ReplyMessage } from './worker.ts';

/** The default number of workers: one per core. */
export function defaultWorkers(): number {
  return availableParallelism();
}

export class Pool {
  private readonly workers: Worker[] = [];

  constructor(readonly size: number) {
    if (size > 1) {
      for (let i = 0; i < size; i++)
        this.workers.push(new Worker(new URL('./worker-entry.js', import.meta.url)));
    }
  }

  /** Runs every job; resolves with the results in job order. */
  async run<J extends Job>(
    jobs: readonly J[],
    onResult?: (result: JobResult<J>, index: number) => void,
  ): Promise<JobResult<J>[]> {
    const results: JobResult<J>[] = new Array(jobs.length);
    if (this.workers.length === 0) {
      for (let i = 0; i < jobs.length; i++) {
        results[i] = runJob(jobs[i]!) as JobResult<J>;
        onResult?.(results[i]!, i);
        // Let the event loop breathe (a progress bar, a signal) between jobs.
        await new Promise((resolve) => setImmediate(resolve));
      }
      return results;
    }
    let next = 0;
    let done = 0;
    return new Promise((resolve, reject) => {
      if (jobs.length === 0) resolve(results);
      const feed = (w: Worker): void => {
        if (next >= jobs.length) return;
        const id = next++;
        w.postMessage({ id, job: jobs[id]! } satisfies JobMessage);
      };
      const cleanups: Array<() => void> = [];
      const finish = (error?: Error): void => {
        for (const c of cleanups) c();
        if (error) reject(error);
        else resolve(results);
      };
      for (const w of this.workers) {
        const onMessage = (m: ReplyMessage): void => {
          if (!m.ok) {
            finish(new InvariantError(`fuzz job ${describe(jobs[m.id]!)} failed in a worker:\n${m.error}`));
            return;
          }
          results[m.id] = m.result as JobResult<J>;
          onResult?.(results[m.id]!, m.id);
          if (++done === jobs.length) finish();
          else feed(w);
        };
        const onError = (e: Error): void => finish(e);
        const onExit = (code: number): void =>
          finish(new InvariantError(`a fuzz worker exited with code ${code}`));
        w.on('message', onMessage);
        w.on('error', onError);
        w.on('exit', onExit);
        cleanups.push(() => {
          w.off('message', onMessage);
          w.off('error', onError);
          w.off('exit', onExit);
        });
        feed(w);
      }
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
    this.workers.length = 0;
  }
}

function describe(job: Job): string {
  return JSON.stringify(job).slice(0, 200);
}
