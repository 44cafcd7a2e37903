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
 * one session at a time instead, `{ ...site, sessions: { [id]: session } }`, and puts the result back: an
 * input reads and writes only its own session and the site (config, fs, counters, passive ports), so the
 * outputs are the same (tested in test/src/ftp/session/model.test.ts). The simulator's adapter does this.
 */

import { castDraft, type Draft, freeze } from 'immer';
import { UsageError } from '../../sim/errors.ts';
import type { Time } from '../../sim/time.ts';
import { type FtpConfig, type FtpConfigInput, makeConfig } from './config.ts';
import { FRAMER_START, frameLines } from './control.ts';
import { emptyFs, type Fs, lockFile, unlockFile } from './fs.ts';
import type { FtpInput, FtpOutput } from './io.ts';
import { NO_PORTS } from './ports.ts';
import { execute, isAbort } from './session-commands.ts';
import { type Ctx, endpoint, log, note, type S, say } from './session-context.ts';
import { firstPassivePort, releasePorts } from './session-data.ts';
import { endSession } from './session-end.ts';
import { fastStep } from './session-fast.ts';
import type { FtpServer, Session } from './session-state.ts';
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
  return transition(server, now, own, (ctx) => dispatch(ctx, server, input));
}

/** Fires every timer due at `now`. Harmless when nothing is due (then it returns the same server). */
export function handleTimeout(server: FtpServer, now: Time): Step {
  checkTime(now);
  const due = ordered(server).filter((s) => (nextSessionDeadline(s, server.config) ?? Infinity) <= now);
  if (due.length === 0) return { server, outputs: [] };
  const own = due.map((s) => s.id);
  return transition(server, now, own, (ctx) => {
    for (const base of due) {
      const s = sessionOf(ctx.server.sessions, base.id);
      if (s === undefined) continue;
      ctx.portsDirty = false;
      if (fireDue(ctx, s)) pump(ctx, s);
      if (ctx.portsDirty && isAlive(ctx, s)) releasePorts(ctx, s);
    }
  });
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

/**
 * Runs `body` on a writable copy of the server in which the sessions named in `own` (the only ones an input
 * or a timer touches) are copied two levels deep: the session and each object or array it holds directly
 * (its transfer, data channel, queue, ...), which is all a transition edits in place. Deeper values (a
 * command, an endpoint, received chunks, a payload) are shared with the base and stay frozen, so an edit
 * deeper than that would throw rather than change the base. The result is then frozen deeply, stopping at
 * what was frozen already, as immer's auto-freeze does.
 *
 * Why not immer's produce, which this replaced (measured on the 1,000-session benchmark): a proxy per object
 * read, the finalize walk and the revocation cost 15-25 µs per input, about a quarter of the whole run; the
 * copies cost a few µs. The session's own objects are copied even when an input leaves them unchanged:
 * a few small objects per input, against a proxy for each one read.
 */
function transition(server: FtpServer, now: Time, own: readonly string[], body: (ctx: Ctx) => void): Step {
  const outputs: FtpOutput[] = [];
  const draft = writable(server, own);
  const ctx: Ctx = {
    config: server.config,
    now,
    fs: server.fs,
    ports: server.passivePorts,
    portsDirty: false,
    ended: null,
    out: outputs,
    server: draft,
  };
  body(ctx);
  const next = deepFreeze(draft as FtpServer);
  if (ctx.fs === server.fs && ctx.ports === server.passivePorts) return { server: next, outputs };
  return { server: Object.freeze({ ...next, fs: ctx.fs, passivePorts: ctx.ports }), outputs };
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
  for (const k of Object.keys(v)) deepFreeze((v as Record<string, unknown>)[k]);
  return v;
}

function writable(server: FtpServer, own: readonly string[]): Draft<FtpServer> {
  const sessions: Record<string, Session> = { ...server.sessions };
  for (const id of own) {
    const s = sessionOf(server.sessions, id);
    if (s !== undefined) sessions[id] = writableSession(s);
  }
  return { ...server, sessions } as Draft<FtpServer>;
}

function writableSession(s: Session): Session {
  const copy: Record<string, unknown> = { ...s };
  for (const k of Object.keys(copy)) {
    const v = copy[k];
    if (v === null || typeof v !== 'object' || ArrayBuffer.isView(v)) continue;
    copy[k] = Array.isArray(v) ? v.slice() : { ...v };
  }
  return copy as unknown as Session;
}

function checkTime(now: Time) {
  if (!Number.isSafeInteger(now) || now < 0)
    throw new UsageError(`ftp server: now=${now} is not a time (integer ns >= 0)`);
}

/** Sessions in the order they opened: the order timers fire in when several are due at once. */
function ordered(server: FtpServer): Session[] {
  return Object.values(server.sessions).sort((a, b) => a.index - b.index);
}

function dispatch(ctx: Ctx, base: FtpServer, input: FtpInput) {
  route(ctx, base, input);
  if (!ctx.portsDirty || !('session' in input)) return;
  const s = sessionOf(ctx.server.sessions, input.session);
  if (s !== undefined) releasePorts(ctx, s);
}

function route(ctx: Ctx, base: FtpServer, input: FtpInput) {
  switch (input.kind) {
    case 'control-opened':
      return open(ctx, base, input.session, input.client, input.server);
    case 'lock':
      ctx.fs = lockFile(ctx.fs, input.lock);
      return;
    case 'unlock':
      ctx.fs = unlockFile(ctx.fs, input.path, input.owner);
      return;
    default:
  }
  const s = sessionOf(ctx.server.sessions, input.session);
  if (s === undefined) {
    // A late event (see io.ts): the session ended while it was in flight.
    ctx.out.push({
      kind: 'note',
      session: input.session,
      note: { what: 'ignored', input: input.kind, why: 'no such session (it has ended)' },
    });
    return;
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
  base: FtpServer,
  id: string,
  client: { addr: string; port: number },
  server: { addr: string; port: number },
) {
  if (id === '__proto__') throw new UsageError(`ftp server: '__proto__' cannot name a session`);
  if (sessionOf(base.sessions, id) !== undefined) {
    throw new UsageError(
      `ftp server: control-opened for session ${JSON.stringify(id)}, which is open already`,
    );
  }
  const index = ctx.server.opened++;
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
  ctx.server.sessions[id] = castDraft(session);
  const s = ctx.server.sessions[id]!;
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
      s.queue.push(line);
      note(ctx, s, { what: 'queued', line: new TextDecoder('latin1').decode(line.bytes) });
    }
  }
  if (isAlive(ctx, s)) pump(ctx, s);
}

/** Runs queued lines while no command is in progress. */
function pump(ctx: Ctx, s: S) {
  while (isAlive(ctx, s) && s.busy === null && s.queue.length > 0) {
    const line = s.queue.shift()!;
    execute(ctx, s, line);
  }
}
