/**
 * A fuzz worker thread: runs the jobs the pool sends (`runJob`, jobs.ts) and posts each result back with its
 * id. A job that throws is reported as an error message, not a crash: the pool names the job in its error.
 * Loaded through worker-entry.js, which registers tsx.
 */
import { parentPort } from 'node:worker_threads';
import { type Job, runJob } from './jobs.ts';

export interface JobMessage {
  readonly id: number;
  readonly job: Job;
}

export type ReplyMessage =
  | { readonly id: number; readonly ok: true; readonly result: unknown }
  | { readonly id: number; readonly ok: false; readonly error: string };

const port = parentPort;
if (port === null) throw new Error('src/fuzz/worker.ts runs only as a worker thread (see pool.ts)');
port.on('message', ({ id, job }: JobMessage) => {
  let reply: ReplyMessage;
  try {
    reply = { id, ok: true, result: runJob(job) };
  } catch (e) {
    reply = { id, ok: false, error: e instanceof Error ? (e.stack ?? e.message) : String(e) };
  }
  port.postMessage(reply);
});
