/**
 * The order in which the emulator carries out the model's outputs: each session's in the order the model
 * gave them (src/ftp/io.ts: the order is the behaviour), while an output that must be seen by the kernel
 * before the next one makes the session's later outputs wait, and other sessions go on meanwhile.
 *
 * Two outputs wait (driver.ts says which, and calls resume when the wait is over): a data-connect, for
 * node's next tick (node issues the connect then: the SYN leaves before the 200 reply), and a data-close,
 * until the data socket's FIN has been handed to the kernel (the 226 then leaves after the FIN, as FTP 7.5
 * sends them, KB 2505047; node issues shutdown() a turn of the event loop after end(), so a 226 written at
 * once left first, issue #8).
 *
 * Owns: the batches of outputs, which sessions wait, going on after a wait. Leaves out: what carrying out an
 * output means, and when a wait is over (driver.ts, data.ts).
 */

import type { Time } from '../../sim/time.ts';
import type { FtpOutput } from '../ftp/io.ts';

/** The outputs of one model step, all of one session (null: an input of no session, such as a lock). */
export interface Batch {
  readonly session: string | null;
  readonly outputs: readonly FtpOutput[];
  /** Indexes of 530 replies to failed logins (policies.ts). */
  readonly gates: ReadonlySet<number>;
  /** When the outputs are carried out: the step's time, or the time its wait ended. */
  now: Time;
  /** The next output to carry out. */
  next: number;
}

export interface Carrier {
  /** Carries out one output; true when the session's later outputs wait until resume(session). */
  perform(o: FtpOutput, gate: boolean, now: Time): boolean;
  /** Every output of the session so far has been carried out. */
  settled(session: string): void;
  /** False once the emulator has stopped: nothing more is carried out. */
  running(): boolean;
  now(): Time;
  notice(text: string): void;
}

export class SessionOrder {
  /**
   * Sessions whose next outputs wait, with the batches that wait, in order. An entry with no batch still
   * holds the session's later batches (and its control input, see Driver.nextControlJob).
   */
  private readonly waiting = new Map<string, Batch[]>();

  constructor(private readonly carrier: Carrier) {}

  /** Whether session `id` has outputs waiting (or waits to carry out its next ones). */
  waits(id: string): boolean {
    return this.waiting.has(id);
  }

  /** Carries out a batch now, or queues it when its session's earlier outputs wait. */
  carryOut(batch: Batch): void {
    const id = batch.session;
    const queue = id === null ? undefined : this.waiting.get(id);
    if (queue !== undefined) {
      queue.push(batch);
      return;
    }
    if (this.proceed(batch) && id !== null) this.carrier.settled(id);
  }

  /**
   * What session `id` waited for has happened: its outputs go on. Never called from within perform (node
   * emits socket events and runs nextTick callbacks after the current call). False when it waits again.
   */
  resume(id: string): boolean {
    const queue = this.waiting.get(id);
    if (queue === undefined || !this.carrier.running()) return false;
    this.waiting.delete(id);
    const now = this.carrier.now();
    for (let k = 0; k < queue.length; k++) {
      queue[k]!.now = now; // observers see when the outputs are carried out
      if (!this.proceed(queue[k]!)) {
        // Waits again: the batches behind join the new wait.
        this.waiting.get(id)?.push(...queue.slice(k + 1));
        return false;
      }
    }
    this.carrier.settled(id);
    return true;
  }

  clear(): void {
    this.waiting.clear();
  }

  /**
   * Carries out a batch's outputs from `batch.next` on. False when an output makes the rest wait (the session
   * then has an entry in `waiting`, holding this batch when outputs are left) or the emulator has stopped.
   */
  private proceed(batch: Batch): boolean {
    const { outputs } = batch;
    while (batch.next < outputs.length) {
      // Stopped while the batch waited: nothing more is opened or written.
      if (!this.carrier.running()) return false;
      const i = batch.next++;
      const o = outputs[i]!;
      let wait = false;
      try {
        wait = this.carrier.perform(o, batch.gates.has(i), batch.now);
      } catch (e) {
        this.carrier.notice(`internal error carrying out ${o.kind}: ${(e as Error).stack ?? e}`);
      }
      if (wait && batch.session !== null) {
        this.waiting.set(batch.session, batch.next < outputs.length ? [batch] : []);
        return false;
      }
    }
    return true;
  }
}
