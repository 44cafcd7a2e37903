/**
 * The FTP model's value as the emulator keeps it: the site (the server value with no sessions) and each live
 * session on its own, so that an input costs the same whether 1 or 500 clients are connected.
 *
 * Owns: handing the model the site and the one session an input names (`handleSession`, src/ftp/server.ts:
 * an input reads and writes only its own session and the site), keeping what comes back, and each session's
 * next deadline. Leaves out: the order of work, the real timer and every socket (driver.ts).
 *
 * Why (measured with a copy of bench/emulator.ts, 50 clients each doing 30 RETRs of 1 MB, node 20, 2 cores
 * shared with other work): with the whole record of sessions handed in, every input copied that record and
 * checked each session frozen, and every batch of work looked through every session for the next deadline:
 * `overServer`, `nextDeadline`, `deepFreeze` and `writableSession` took 15% of the server's main thread in a
 * CPU profile, 5% with one session per value; server CPU went from 0.83-1.03 to 0.69-0.85 ms per MB.
 * `handleSession` rather than `handle` over `{ ...site, sessions: { [id]: session } }`: such a record has a
 * hidden class of its own per session name, and every new client's name sent the model's functions back to
 * V8's optimizer ("wrong map" deoptimizations, traced with --trace-deopt); the first 200 RETRs of a fresh
 * server cost 0.79 ms of CPU per MB against 1.14 (1 client), 0.79 against 0.98 (50 clients).
 */

import type { Time } from '../../sim/time.ts';
import type { Fs } from '../ftp/fs.ts';
import type { FtpInput, FtpOutput } from '../ftp/io.ts';
import {
  type FtpServer,
  type FtpSite,
  handleSession,
  handleSessionTimeout,
  type SessionStep,
} from '../ftp/server.ts';
import type { Session } from '../ftp/session-state.ts';
import { nextSessionDeadline } from '../ftp/session-timers.ts';

export class ModelValue {
  /** The server value without its sessions. */
  private site: FtpSite;
  private readonly live = new Map<string, Session>();
  /** The next deadline of each live session that has one. */
  private readonly deadlines = new Map<string, Time>();

  constructor(server: FtpServer) {
    const { sessions, ...site } = server;
    this.site = site;
    for (const s of Object.values(sessions)) this.keepSession(s.id, s);
  }

  get fs(): Fs {
    return this.site.fs;
  }

  session(id: string): Session | undefined {
    return this.live.get(id);
  }

  /** Feeds one input (src/ftp/io.ts) and returns its outputs. */
  handle(input: FtpInput, now: Time): readonly FtpOutput[] {
    const id = 'session' in input ? input.session : null;
    const own = id === null ? undefined : this.live.get(id);
    return this.keep(id, handleSession(this.site, own ?? null, input, now));
  }

  /** The sessions whose deadline has come at `now`, in the order they opened (handleTimeout's order). */
  due(now: Time): string[] {
    const due: Session[] = [];
    for (const [id, at] of this.deadlines) {
      if (at <= now) due.push(this.live.get(id)!);
    }
    return due.sort((a, b) => a.index - b.index).map((s) => s.id);
  }

  /** Fires the timers of session `id` due at `now` (harmless when none is). */
  timeout(id: string, now: Time): readonly FtpOutput[] {
    const own = this.live.get(id);
    if (own === undefined) return [];
    return this.keep(id, handleSessionTimeout(this.site, own, now));
  }

  /** The earliest deadline of any session, or null when no timer runs. */
  nextDeadline(): Time | null {
    let best: Time | null = null;
    for (const at of this.deadlines.values()) {
      if (best === null || at < best) best = at;
    }
    return best;
  }

  private keep(id: string | null, step: SessionStep): readonly FtpOutput[] {
    this.site = step.site;
    if (id !== null) this.keepSession(id, step.session ?? undefined);
    return step.outputs;
  }

  private keepSession(id: string, s: Session | undefined): void {
    if (s === undefined) {
      this.live.delete(id);
      this.deadlines.delete(id);
      return;
    }
    if (this.live.get(id) === s) return; // unchanged: so is its deadline
    this.live.set(id, s);
    const at = nextSessionDeadline(s, this.site.config);
    if (at === null) this.deadlines.delete(id);
    else this.deadlines.set(id, at);
  }
}
