/**
 * The FTP 7.5 server model as a pure value: `handle(server, input, now)` and `handleTimeout(server, now)` return
 * the next server and the outputs a driver carries out; `nextDeadline(server)` says when to call back. The
 * calling order and the input/output unions are documented in io.ts.
 *
 * Owns: the server value (config, the site's Fs, the sessions, counters), opening sessions, routing inputs
 * to sessions, the command queue of a session, timers across sessions. Leaves out: everything a session
 * does (session-*.ts) and all I/O. Not modelled: maxConnections, FTPS, several sites (HOST accepts any name).
 *
 * Transitions edit a writable copy of the sessions they touch (`transition` below): a session reads better
 * edited in place than as nested spreads. They used immer drafts until the 10,000-session benchmark showed
 * immer's proxies costing a quarter of the run; the copy gives the same values, frozen the same way.
 * The mid-transfer chunk steps skip even that (session-fast.ts).
 * The site's Fs is never edited through the copy (it holds Maps), nor is the passive port table (a shared
 * immutable structure, ports.ts): both are taken from the base value into the context and set on the result
 * whole.
 *
 * Scale: a transition copies the record of sessions, so an input costs time in proportion
 * to the number of sessions in the value (a few ms with 10,000). A driver with many sessions hands the model
 * one session at a time instead: an input reads and writes only its own session and the site (config, fs,
 * counters, passive ports), so the outputs are the same (tested in test/src/ftp/session/model.test.ts).
 * `handleSession` is that form without the record: the site and the one session, given and returned apart
 * (tested against `handle` in one-session.test.ts). The simulator's adapter uses it.
 */

import { castDraft, freeze } from 'immer';
import { UsageError } from '../../sim/errors.ts';
import type { Time } from '../../sim/time.ts';
import { type FtpConfig, type FtpConfigInput, makeConfig } from './config.ts';
import { FRAMER_START, frameLines } from './control.ts';
import { emptyFs, type Fs, lockFile, unlockFile } from './fs.ts';
import type { FtpInput, FtpOutput } from './io.ts';
import { NO_PORTS } from './ports.ts';
import { execute, isAbort } from './session-commands.ts';
import { type Ctx, endpoint, log, note, noteOf, type S, say, Touched } from './session-context.ts';
import { firstPassivePort, releasePorts } from './session-data.ts';
import { endSession } from './session-end.ts';
import { fastSessionStep, fastStep } from './session-fast.ts';
import { copySession, type FtpServer, type Session } from './session-state.ts';
import { onDataInput } from './session-stream.ts';
import { fireDue, nextSessionDeadline } from './session-timers.ts';
import { sessionGuid } from './w3c.ts';

export type { FtpServer } from './session-state.ts';

export interface Step {
  readonly server: FtpServer;
  readonly outputs: readonly FtpOutput[];
}

/** A server with no sessions. `config` may be partial (see makeConfig); `fs` is the site (empty by default). */
export function createServer(config: FtpConfigInput | FtpConfig = {}, fs: Fs = emptyFs(0)): FtpServer {
  const c = makeConfig(config);
  return {
    config: c,
    fs,
    sessions: {},
    opened: 0,
    nextPassivePort: firstPassivePort(c.seed, c.passivePortLow, c.passivePortHigh),
    passivePorts: NO_PORTS,
  };
}

/** Feeds one input. */
export function handle(server: FtpServer, input: FtpInput, now: Time): Step {
  checkTime(now);
  // The steps a transfer repeats (a chunk drained, a chunk received) skip the draft: same result, a tenth
  // of the cost (session-fast.ts).
  return fastStep(server, input, now) ?? handleByDraft(server, input, now);
}

/** `handle` through the general transition for every input: the reference the fast path is tested against. */
export function handleByDraft(server: FtpServer, input: FtpInput, now: Time): Step {
  checkTime(now);
  const own = 'session' in input ? [input.session] : [];
  return overServer(server, now, own, (ctx) => dispatch(ctx, input));
}

/** Fires every timer due at `now`. Harmless when nothing is due (then it returns the same server). */
export function handleTimeout(server: FtpServer, now: Time): Step {
  checkTime(now);
  const due = ordered(server).filter((s) => (nextSessionDeadline(s, server.config) ?? Infinity) <= now);
  if (due.length === 0) return { server, outputs: [] };
  return overServer(
    server,
    now,
    due.map((s) => s.id),
    (ctx) => {
      for (const base of due) timeout(ctx, base.id);
    },
  );
}

/** The earliest deadline of any session, or null when no timer runs. */
export function nextDeadline(server: FtpServer): Time | null {
  let best: Time | null = null;
  for (const s of Object.values(server.sessions)) {
    const at = nextSessionDeadline(s, server.config);
    if (at !== null && (best === null || at < best)) best = at;
  }
  return best;
}

// ---- one session at a time --------------------------------------------------------------------------------

/** The server without its sessions: what every input may read and change besides its own session. */
export type FtpSite = Omit<FtpServer, 'sessions'>;

/** A step of one session: the site and that session after the input (null: it ended, or there was none). */
export interface SessionStep {
  readonly site: FtpSite;
  readonly session: Session | null;
  readonly outputs: readonly FtpOutput[];
}

/**
 * `handle` for a driver that keeps its sessions apart (the simulator's adapter, with 10,000 of them): the
 * site and the one session the input names (null when there is none: a new session, a late event, a lock).
 * The same as `handle({ ...site, sessions: { [id]: session } }, input, now)` taken apart again, tested so in
 * test/src/ftp/session/one-session.test.ts; an unchanged site comes back as the same object.
 *
 * Why (measured on the 10,000-session model benchmark, 20 inputs a session): a record of one session built
 * per input has a hidden class of its own for each session name, which V8 then meets in every spread and
 * freeze: building, copying and freezing those records was about a third of an input's cost.
 */
export function handleSession(
  site: FtpSite,
  session: Session | null,
  input: FtpInput,
  now: Time,
): SessionStep {
  checkTime(now);
  const id = 'session' in input ? input.session : null;
  if (session !== null && session.id !== id) {
    throw new UsageError(
      `ftp server: ${input.kind} is not an input of session ${JSON.stringify(session.id)}`,
    );
  }
  if (session !== null) {
    const fast = fastSessionStep(site.config, session, input, now);
    if (fast !== null) return { site, session: fast.session, outputs: fast.outputs };
  }
  return overSession(site, session, id, now, (ctx) => dispatch(ctx, input));
}

/** `handleTimeout` of one session, as `handleSession` is `handle`'s. */
export function handleSessionTimeout(site: FtpSite, session: Session, now: Time): SessionStep {
  checkTime(now);
  if ((nextSessionDeadline(session, site.config) ?? Infinity) > now) return { site, session, outputs: [] };
  return overSession(site, session, session.id, now, (ctx) => timeout(ctx, session.id));
}

// ---- transitions ----------------------------------------------------------------------------------------------

/**
 * Runs `body` with writable copies of the sessions it touches (`writableSession`) in `ctx.sessions`, and the
 * site's fields in the context; the caller puts the result back together and freezes it. What a copy holds
 * is shared with the base and stays frozen until replaced (or copied on its first edit, `editTransfer`), so
 * an edit in place of a shared value throws rather than changes the base. The result is frozen deeply,
 * stopping at what was frozen already, as immer's auto-freeze does.
 *
 * Why not immer's produce, which this replaced (measured on the 1,000-session benchmark): a proxy per object
 * read, the finalize walk and the revocation cost 15-25 µs per input, about a quarter of the whole run; the
 * copies cost a few µs.
 */
function transition(site: FtpSite, sessions: Touched, now: Time, body: (ctx: Ctx) => void): Ctx {
  // The base is frozen as the result is. A site this model made is frozen with its fields (`siteAfter`);
  // what a driver hands in may be fresh (createServer's, or the object around a record of sessions).
  if (!Object.isFrozen(site)) {
    deepFreeze(site.config);
    deepFreeze(site.fs);
    deepFreeze(site.passivePorts);
  }
  const ctx: Ctx = {
    config: site.config,
    now,
    fs: site.fs,
    ports: site.passivePorts,
    opened: site.opened,
    nextPassivePort: site.nextPassivePort,
    portsDirty: false,
    ended: null,
    out: [],
    sessions,
  };
  body(ctx);
  return ctx;
}

/** A transition over the server's record of sessions, of which those named in `own` are touched. */
function overServer(server: FtpServer, now: Time, own: readonly string[], body: (ctx: Ctx) => void): Step {
  const touched = new Touched();
  for (const id of own) {
    const s = sessionOf(server.sessions, id);
    if (s !== undefined) touched.set(id, writableSession(s));
  }
  const ctx = transition(server, touched, now, body);
  const sessions: Record<string, Session> = { ...server.sessions };
  for (const id of own) {
    const s = touched.get(id);
    if (s === undefined) delete sessions[id];
    else sessions[id] = frozenSession(s, sessionOf(server.sessions, id));
  }
  for (const id in sessions) deepFreeze(sessions[id]);
  const next: FtpServer = {
    ...server,
    sessions: Object.freeze(sessions),
    opened: ctx.opened,
    nextPassivePort: ctx.nextPassivePort,
    fs: ctx.fs,
    passivePorts: ctx.ports,
  };
  return { server: Object.freeze(next), outputs: ctx.out };
}

/** A transition of one session (`id` null: a site-wide input), the site and the session kept apart. */
function overSession(
  site: FtpSite,
  session: Session | null,
  id: string | null,
  now: Time,
  body: (ctx: Ctx) => void,
): SessionStep {
  const touched = new Touched();
  if (session !== null) touched.set(session.id, writableSession(session));
  const ctx = transition(site, touched, now, body);
  const after = id === null ? undefined : touched.get(id);
  return {
    site: siteAfter(site, ctx),
    session: after === undefined ? null : frozenSession(after, session ?? undefined),
    outputs: ctx.out,
  };
}

/** The site after a transition: the same object when the transition changed none of its fields. */
function siteAfter(site: FtpSite, ctx: Ctx): FtpSite {
  if (
    ctx.fs === site.fs &&
    ctx.ports === site.passivePorts &&
    ctx.opened === site.opened &&
    ctx.nextPassivePort === site.nextPassivePort
  ) {
    return site;
  }
  return Object.freeze({
    ...site,
    fs: deepFreeze(ctx.fs),
    opened: ctx.opened,
    nextPassivePort: ctx.nextPassivePort,
    passivePorts: deepFreeze(ctx.ports),
  });
}

/**
 * What immer's `freeze(value, true)` does, stopping at what is frozen already, with the common case inlined:
 * plain objects and arrays are frozen here, anything else (a Map, a class instance) is left to immer's own
 * rule. Measured: immer's generic walk (its type checks on each value) was a fifth of a command's cost.
 */
function deepFreeze<T>(v: T): T {
  if (v === null || typeof v !== 'object' || Object.isFrozen(v) || ArrayBuffer.isView(v)) return v;
  if (Array.isArray(v)) {
    Object.freeze(v);
    for (const x of v) deepFreeze(x);
    return v;
  }
  const proto = Object.getPrototypeOf(v);
  if (proto !== Object.prototype && proto !== null) return freeze(v, true);
  Object.freeze(v);
  // for-in rather than Object.keys: no array per object (the prototype, checked above, adds no keys).
  for (const k in v) deepFreeze((v as Record<string, unknown>)[k]);
  return v;
}

/**
 * A writable copy of a session for one transition: its own fields only. Everything it holds is shared with
 * the base, frozen, and replaced rather than edited when it changes: arrays as `s.queue = [...s.queue, x]`,
 * the transfer and the data channel copied on their first edit (`editTransfer`, session-context.ts). The base
 * is frozen first (a no-op for a result of this model), so that being frozen means being shared.
 * Measured (10,000-session model benchmark): copying every object and array of the session up front, as this
 * did, then freezing each copy again, was a fifth of an input's cost.
 */
function writableSession(s: Session): S {
  deepFreeze(s);
  return copySession(s) as S;
}

/**
 * Freezes a session a transition leaves: the copy, and what it holds that is not the base's (new values, made
 * by the transition); what is still the base's is frozen already.
 */
function frozenSession(s: S, base: Session | undefined): Session {
  if (base === undefined) return deepFreeze(s as Session);
  Object.freeze(s);
  const was = base as unknown as Record<string, unknown>;
  const now = s as unknown as Record<string, unknown>;
  for (const k in now) {
    const v = now[k];
    if (v !== was[k] && v !== null && typeof v === 'object') deepFreeze(v);
  }
  return s as Session;
}

function checkTime(now: Time) {
  if (!Number.isSafeInteger(now) || now < 0)
    throw new UsageError(`ftp server: now=${now} is not a time (integer ns >= 0)`);
}

/** Sessions in the order they opened: the order timers fire in when several are due at once. */
function ordered(server: FtpServer): Session[] {
  return Object.values(server.sessions).sort((a, b) => a.index - b.index);
}

function dispatch(ctx: Ctx, input: FtpInput) {
  route(ctx, input);
  if (!ctx.portsDirty || !('session' in input)) return;
  const s = ctx.sessions.get(input.session);
  if (s !== undefined) releasePorts(ctx, s);
}

/** The timers of one session due now (`handleTimeout`). */
function timeout(ctx: Ctx, id: string) {
  const s = ctx.sessions.get(id);
  if (s === undefined) return;
  ctx.portsDirty = false;
  if (fireDue(ctx, s)) pump(ctx, s);
  if (ctx.portsDirty && isAlive(ctx, s)) releasePorts(ctx, s);
}

function route(ctx: Ctx, input: FtpInput) {
  switch (input.kind) {
    case 'control-opened':
      return open(ctx, input.session, input.client, input.server);
    case 'lock':
      ctx.fs = lockFile(ctx.fs, input.lock);
      return;
    case 'unlock':
      ctx.fs = unlockFile(ctx.fs, input.path, input.owner);
      return;
    default:
  }
  const s = ctx.sessions.get(input.session);
  if (s === undefined) {
    // A late event (see io.ts): the session ended while it was in flight.
    return noteOf(ctx, input.session, {
      what: 'ignored',
      input: input.kind,
      why: 'no such session (it has ended)',
    });
  }
  switch (input.kind) {
    case 'control-bytes':
      return controlBytes(ctx, s, input.bytes);
    case 'control-peer-closed':
      // The client closed its side: FTP 7.5 closes the session (RFC 959: QUIT is the polite way).
      return endSession(ctx, s, { win32: 0, substatus: 0, closeControl: true });
    case 'control-reset':
      return endSession(ctx, s, { win32: 10054, substatus: 0, closeControl: false });
    default:
      onDataInput(ctx, s, input);
      if (isAlive(ctx, s)) pump(ctx, s);
  }
}

function open(
  ctx: Ctx,
  id: string,
  client: { addr: string; port: number },
  server: { addr: string; port: number },
) {
  if (id === '__proto__') throw new UsageError(`ftp server: '__proto__' cannot name a session`);
  if (ctx.sessions.has(id)) {
    throw new UsageError(
      `ftp server: control-opened for session ${JSON.stringify(id)}, which is open already`,
    );
  }
  const index = ctx.opened++;
  const session: Session = {
    id,
    index,
    guid: sessionGuid(ctx.config.seed, index),
    client: endpoint(client),
    server: endpoint(server),
    openedAt: ctx.now,
    lastActivityAt: ctx.now,
    framer: FRAMER_START,
    queue: [],
    login: { state: 'AWAIT-USER' },
    host: null,
    root: '/',
    cwd: '/',
    type: 'A',
    utf8: ctx.config.allowUtf8,
    restOffset: 0,
    renameFrom: null,
    nextDataId: 1,
    ports: [],
    data: null,
    closing: [],
    busy: null,
  };
  const s = castDraft(session);
  ctx.sessions.set(id, s);
  log(ctx, s, { method: 'ControlChannelOpened' });
  say(ctx, s, 'banner', {
    message: ctx.config.bannerMessage,
    suppressDefault: ctx.config.suppressDefaultBanner,
  });
}

/** A live session by name (names come from the driver: 'constructor' is a name, not Object's constructor). */
function sessionOf<T>(sessions: Readonly<Record<string, T>>, id: string): T | undefined {
  return Object.hasOwn(sessions, id) ? sessions[id] : undefined;
}

/** `s` was live when the transition took it; only endSession removes a session (it notes so in ctx.ended). */
function isAlive(ctx: Ctx, s: S): boolean {
  return ctx.ended === null || !ctx.ended.has(s.id);
}

/**
 * Control bytes: complete lines run in order; while a command is in progress (a transfer, a PASV waiting)
 * later lines queue behind it, except an ABOR during a transfer, which overtakes (RFC 959 §4.1.3).
 * INFERRED: IIS reads the control channel during a transfer; RFC 959 lets a server hold other commands.
 */
function controlBytes(ctx: Ctx, s: S, bytes: Uint8Array) {
  const framed = frameLines(s.framer, bytes, ctx.config.maxLineBytes);
  s.framer = framed.state;
  for (const line of framed.lines) {
    if (!isAlive(ctx, s)) return;
    if (s.busy === null && s.queue.length === 0) execute(ctx, s, line);
    else if (s.busy?.kind === 'transfer' && isAbort(ctx, line)) execute(ctx, s, line);
    else {
      s.queue = [...s.queue, line]; // replaced, not pushed: the array is shared with the base (writableSession)
      if (ctx.config.traceNotes) note(ctx, s, { what: 'queued', line: LATIN1.decode(line.bytes) });
    }
  }
  if (isAlive(ctx, s)) pump(ctx, s);
}

const LATIN1 = new TextDecoder('latin1');

/** Runs queued lines while no command is in progress. */
function pump(ctx: Ctx, s: S) {
  while (isAlive(ctx, s) && s.busy === null && s.queue.length > 0) {
    const line = s.queue[0]!;
    s.queue = s.queue.slice(1);
    execute(ctx, s, line);
  }
}
