/**
 * The FTP model's value as the emulator keeps it: the site (the server value with no sessions) and each live
 * session on its own, so that an input costs the same whether 1 or 500 clients are connected.
 *
 * Owns: handing `handle` and `handleTimeout` a server value that holds only the session an input names, as
 * src/ftp/server.ts ("Scale") allows (an input reads and writes only its own session and the site), putting
 * the result back, and each session's next deadline. Leaves out: the order of work, the real timer and every
 * socket (driver.ts).
 *
 * Why (measured with a copy of bench/emulator.ts, 50 clients each doing 30 RETRs of 1 MB, node 20, 2 cores
 * shared with other work): with the whole record of sessions handed in, every input copied that record and
 * checked each session frozen, and every batch of work looked through every session for the next deadline:
 * `overServer`, `nextDeadline`, `deepFreeze` and `writableSession` took 15% of the server's main thread in a
 * CPU profile, 5% with one session per value; server CPU went from 0.83-1.03 to 0.69-0.85 ms per MB.
 */

import type { Time } from '../../sim/time.ts';
import type { Fs } from '../ftp/fs.ts';
import type { FtpInput, FtpOutput } from '../ftp/io.ts';
import { type FtpServer, handle, handleTimeout } from '../ftp/server.ts';
import type { Session } from '../ftp/session-state.ts';
import { nextSessionDeadline } from '../ftp/session-timers.ts';

const NO_SESSIONS: FtpServer['sessions'] = Object.freeze({});

export class ModelValue {
  /** The server value without its sessions (`sessions` is always empty). */
  private site: FtpServer;
  private readonly live = new Map<string, Session>();
  /** The next deadline of each live session that has one. */
  private readonly deadlines = new Map<string, Time>();

  constructor(server: FtpServer) {
    this.site = Object.freeze({ ...server, sessions: NO_SESSIONS });
    for (const s of Object.values(server.sessions)) this.keepSession(s.id, s);
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
    const step = handle(this.valueOf(id), input, now);
    this.keep(step.server, id);
    return step.outputs;
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
    if (!this.live.has(id)) return [];
    const step = handleTimeout(this.valueOf(id), now);
    this.keep(step.server, id);
    return step.outputs;
  }

  /** The earliest deadline of any session, or null when no timer runs. */
  nextDeadline(): Time | null {
    let best: Time | null = null;
    for (const at of this.deadlines.values()) {
      if (best === null || at < best) best = at;
    }
    return best;
  }

  /** The server value holding only session `id` (none: a new session, a site-wide input, a late event). */
  private valueOf(id: string | null): FtpServer {
    const own = id === null ? undefined : this.live.get(id);
    if (own === undefined) return this.site;
    return { ...this.site, sessions: { [own.id]: own } };
  }

  /** Takes a step's server value apart again: its one session (absent: ended) and the site. */
  private keep(server: FtpServer, id: string | null): void {
    if (id !== null)
      this.keepSession(id, Object.hasOwn(server.sessions, id) ? server.sessions[id] : undefined);
    // The site is replaced only when a field of it changed (most inputs change none), so that its object
    // and the values built from it stay the same from one input to the next.
    const site = this.site as unknown as Record<string, unknown>;
    for (const k in server) {
      if (k !== 'sessions' && (server as unknown as Record<string, unknown>)[k] !== site[k]) {
        this.site = Object.freeze({ ...server, sessions: NO_SESSIONS });
        return;
      }
    }
  }

  private keepSession(id: string, s: Session | undefined): void {
    if (s === undefined) {
      this.live.delete(id);
      this.deadlines.delete(id);
      return;
    }
    this.live.set(id, s);
    const at = nextSessionDeadline(s, this.site.config);
    if (at === null) this.deadlines.delete(id);
    else this.deadlines.set(id, at);
  }
}
