/**
 * The state of one FTP client model, and the moves every part of the engine shares: finishing a step,
 * failing, giving the verdict. The state is one immutable value per client under the world key
 * `ftp-client:<name>` (which socket events reach through its slot, see appRef); an event replaces it
 * (shallow copies made by `patch`), never edits it. Nothing here scans other clients: an event costs the
 * same with one client or ten thousand.
 */

import type { AppRef } from '../../sim/net/sockets.ts';
import * as sock from '../../sim/net/sockets.ts';
import type { Endpoint } from '../../sim/tcp/segment.ts';
import { formatDuration, type Time } from '../../sim/time.ts';
import type { World } from '../../sim/world.ts';
import { type Traits, traitsOf } from './behaviours.ts';
import { type Chunks, encodeLine } from './bytes.ts';
import type { Reply } from './replies.ts';
import { type ClientSpec, type CodeMatch, type Step, stepText, type TransferStep } from './script.ts';
import type { Verdict } from './trace.ts';

export const APP_TYPE = 'ftp-client';
export const WAKE = 'ftp-client:wake';

/** The data of a client's own scheduled event (WAKE): which client, why, for which step (and wait). */
export interface Wake {
  readonly client: string;
  readonly what: 'start' | 'next' | 'wait-done' | 'timeout' | 'connect' | 'command' | 'read';
  readonly index: number;
  readonly gen?: number;
}

/** What the current step waits for. 'idle': nothing, the next step may begin. */
export type Wait =
  | { readonly on: 'idle' }
  | { readonly on: 'connect' }
  | { readonly on: 'banner' }
  | { readonly on: 'reply'; readonly to: 'user' | 'pass' | 'cwd' | 'type' | 'command' | 'quit' }
  | { readonly on: 'time' }
  | { readonly on: 'code'; readonly match: CodeMatch }
  | { readonly on: 'transfer' }
  | { readonly on: 'done' };

export type TransferPhase =
  /** PASV/EPSV sent, waiting for 227/229. */
  | 'pasv'
  /** PORT/EPRT sent, waiting for 200. */
  | 'port'
  /** The data endpoint is agreed; the transfer command is not sent yet (commandDelay). */
  | 'ready'
  /** The transfer command is sent; waiting for the preliminary and final replies and the data. */
  | 'command';

export interface TransferState {
  readonly step: TransferStep;
  readonly phase: TransferPhase;
  /** Passive: the server's data endpoint. */
  readonly target: Endpoint | null;
  /** Active: the port the client listens on, until the server's connection is accepted. */
  readonly listenPort: number | null;
  readonly conn: string | null;
  readonly connected: boolean;
  /** The server's FIN has arrived on the data connection. */
  readonly finSeen: boolean;
  /** Every byte up to the server's FIN has been read. */
  readonly eof: boolean;
  /** The data connection was reset, refused or timed out. */
  readonly broken: boolean;
  readonly prelim: number | null;
  readonly final: Reply | null;
  readonly received: Chunks | null;
  readonly count: number;
  readonly uploaded: boolean;
  /** The client has closed (or, keeping it, let go of) the data connection. */
  readonly closed: boolean;
  /** A read tick is pending (paced reader). */
  readonly reading: boolean;
  readonly lastReadAt: Time | null;
}

/** What one transfer step left behind, for expectations on content. */
export interface TransferResult {
  readonly index: number;
  readonly kind: TransferStep['do'];
  /** The step's path resolved against the client's directory as it tracked it ('/dir/a.txt'), or null. */
  readonly sitePath: string | null;
  /** Downloaded bytes (record 'bytes'), else null. */
  readonly bytes: Uint8Array | null;
  readonly count: number;
  /** Uploaded bytes. */
  readonly sent: Uint8Array | null;
  readonly prelim: number | null;
  readonly final: number | null;
  /** A download ended with data not read (bytes unread, or the server's FIN not yet received). */
  readonly truncated: boolean;
}

export interface ClientState {
  readonly spec: ClientSpec;
  readonly traits: Traits;
  /** The step being run (script.length once the script is done). */
  readonly index: number;
  readonly wait: Wait;
  readonly ctrl: string | null;
  /** The control connection is established and neither side has closed it. */
  readonly ctrlOpen: boolean;
  /** Counts the waits begun, so that a step timeout armed for one wait never fires on a later one. */
  readonly gen: number;
  /** Latin-1 text of control bytes not yet forming a whole reply. */
  readonly inbuf: string;
  /** Replies read and not yet consumed by a step, oldest first. */
  readonly queue: readonly Reply[];
  readonly xfer: TransferState | null;
  /** Every data connection, in the order they were opened or accepted. */
  readonly data: readonly string[];
  /** keeps-old-data-open: finished data connections still open. */
  readonly lingering: readonly string[];
  /** The endpoint of the last 227/229 reply (for the low-level open-data step). */
  readonly pasv: Endpoint | null;
  /** The current directory as the client tracks it from successful CWDs. */
  readonly cwd: string;
  readonly results: readonly TransferResult[];
  readonly truncated: boolean;
  readonly verdict: Verdict | null;
  /** Why: the failing step's problem, or what a hung client was waiting for. */
  readonly verdictDetail: string;
  /** The reply code that made the client fail, if a reply did. */
  readonly verdictCode: number | null;
}

export function clientKey(name: string): string {
  return `ftp-client:${name}`;
}

/**
 * How the socket layer knows a client: by its name, and with the world slot of its state (World.slot), which
 * comes back with each event, so that an event finds the state by an array index rather than a key lookup.
 * Measured on bench/ftp.ts (3,000 sessions): building the key and looking it up on each of the ~67 events
 * per session was about a tenth of the client models' own time. Wake-ups (a few per session) use the key.
 */
export function appRef(w: World, s: ClientState): AppRef {
  return { type: APP_TYPE, id: s.spec.name, slot: w.slot(clientKey(s.spec.name)) };
}

export function initialState(spec: ClientSpec): ClientState {
  return {
    spec,
    traits: traitsOf(spec.model),
    index: 0,
    wait: { on: 'connect' },
    ctrl: null,
    ctrlOpen: false,
    gen: 0,
    inbuf: '',
    queue: [],
    xfer: null,
    data: [],
    lingering: [],
    pasv: null,
    cwd: '/',
    results: [],
    truncated: false,
    verdict: null,
    verdictDetail: '',
    verdictCode: null,
  };
}

// ---- copies ------------------------------------------------------------------------------------------------

/**
 * `{ ...s, ...change }`, with the copy written out field by field. Measured on bench/ftp.ts (3,000 sessions,
 * CPU profile): object spread of these 19-field states cost about 1.4 us a copy (they come from many sites
 * and shapes, and V8 clones them through its generic path), most of the client models' own time; a literal
 * of one shape, then Object.assign of the few changed fields, costs about 60 ns. `satisfies` makes the
 * compiler check that the literal names every field.
 */
export function patch(s: ClientState, change: Partial<ClientState>): ClientState {
  return Object.assign(
    {
      spec: s.spec,
      traits: s.traits,
      index: s.index,
      wait: s.wait,
      ctrl: s.ctrl,
      ctrlOpen: s.ctrlOpen,
      gen: s.gen,
      inbuf: s.inbuf,
      queue: s.queue,
      xfer: s.xfer,
      data: s.data,
      lingering: s.lingering,
      pasv: s.pasv,
      cwd: s.cwd,
      results: s.results,
      truncated: s.truncated,
      verdict: s.verdict,
      verdictDetail: s.verdictDetail,
      verdictCode: s.verdictCode,
    } satisfies ClientState,
    change,
  );
}

/** `{ ...x, ...change }` for a transfer, written out for the reason `patch` gives. */
export function patchTransfer(x: TransferState, change: Partial<TransferState>): TransferState {
  return Object.assign(
    {
      step: x.step,
      phase: x.phase,
      target: x.target,
      listenPort: x.listenPort,
      conn: x.conn,
      connected: x.connected,
      finSeen: x.finSeen,
      eof: x.eof,
      broken: x.broken,
      prelim: x.prelim,
      final: x.final,
      received: x.received,
      count: x.count,
      uploaded: x.uploaded,
      closed: x.closed,
      reading: x.reading,
      lastReadAt: x.lastReadAt,
    } satisfies TransferState,
    change,
  );
}

export function load(world: World, name: string): ClientState {
  return world.get<ClientState>(clientKey(name))!;
}

export function save(world: World, s: ClientState): void {
  world.set(clientKey(s.spec.name), s);
}

export function currentStep(s: ClientState): Step | undefined {
  return s.spec.script[s.index];
}

export function recordStep(
  w: World,
  s: ClientState,
  phase: 'start' | 'done' | 'fail',
  detail?: string,
): void {
  if (!w.tracing) return;
  const step = currentStep(s);
  const text = step === undefined ? 'connect' : stepText(step);
  w.record('client-step', s.spec.host, {
    client: s.spec.name,
    index: s.index,
    step: text,
    phase,
    ...(detail === undefined ? {} : { detail }),
  });
}

/** Writes a command line on the control connection, with the client's line ending. */
export function command(w: World, s: ClientState, line: string): void {
  if (s.ctrl === null) return;
  sock.send(w, s.ctrl, encodeLine(line + s.spec.eol));
}

/** The current step succeeded: the next one may begin (after the think time). */
export function complete(w: World, s: ClientState, detail?: string): ClientState {
  recordStep(w, s, 'done', detail);
  const index = s.index + 1;
  if (s.spec.think > 0 && index < s.spec.script.length) {
    w.after(s.spec.think, WAKE, { client: s.spec.name, what: 'next', index });
    return patch(s, { index, xfer: null, wait: { on: 'time' } });
  }
  return patch(s, { index, xfer: null, wait: { on: 'idle' } });
}

/**
 * The current step failed: the client gives up as a program would on an unexpected error. It closes its
 * data connections and its control connection (without QUIT) and takes no further part.
 */
export function fail(w: World, s: ClientState, detail: string, code?: number): ClientState {
  recordStep(w, s, 'fail', detail);
  const conns = [...s.lingering, ...(s.xfer?.conn ? [s.xfer.conn] : [])];
  for (const c of conns) sock.close(w, c);
  if (s.xfer?.listenPort != null) sock.unlisten(w, s.spec.host, s.xfer.listenPort);
  if (s.ctrl !== null) sock.close(w, s.ctrl);
  return verdict(patch(s, { lingering: [], wait: { on: 'done' } }), w, 'failed', detail, code);
}

export function verdict(s: ClientState, w: World, v: Verdict, detail: string, code?: number): ClientState {
  if (w.tracing) {
    w.record('client-verdict', s.spec.host, {
      client: s.spec.name,
      verdict: v,
      detail,
      ...(code === undefined ? {} : { code }),
    });
  }
  return patch(s, { verdict: v, verdictDetail: detail, verdictCode: code ?? null, wait: { on: 'done' } });
}

/** The script ran to its end. */
export function finish(w: World, s: ClientState): ClientState {
  // The program exits: data connections it kept open (keeps-old-data-open) close with it. Found by the
  // fuzzer's liveness invariant, which saw the last one open for ever.
  for (const c of s.lingering) sock.close(w, c);
  const t = s.lingering.length === 0 ? s : patch(s, { lingering: [] });
  return t.truncated
    ? verdict(t, w, 'truncated', 'the script ran to its end, but a download lost data')
    : verdict(t, w, 'completed', 'the script ran to its end');
}

/** What a client still waiting is waiting for, for the 'hung' verdict. */
export function waitingFor(s: ClientState): string {
  const step = currentStep(s);
  const what = step === undefined ? 'the script' : stepText(step);
  const head = s.queue[0];
  const unread = head === undefined ? '' : ` (unread reply at the head of its queue: ${head.code})`;
  switch (s.wait.on) {
    case 'connect':
      return 'waiting for the control connection to open';
    case 'banner':
      return 'waiting for the server greeting';
    case 'reply':
    case 'code':
      return `waiting for a reply in '${what}'${unread}`;
    case 'transfer': {
      const x = s.xfer;
      const parts: string[] = [];
      if (x !== null) {
        if (x.phase !== 'command') parts.push(`in phase ${x.phase}`);
        else {
          if (x.final === null)
            parts.push(x.prelim === null ? 'no reply yet' : `got ${x.prelim}, no final reply`);
          if (!x.eof && !isUpload(x.step))
            parts.push(x.connected ? 'data not at its end' : 'data not connected');
        }
      }
      return `waiting in '${what}': ${parts.join(', ')}${unread}`;
    }
    case 'time':
      return `pausing before '${what}'`;
    case 'idle':
    case 'done':
      return `at '${what}'`;
    default:
      return s.wait satisfies never;
  }
}

export function isUpload(step: TransferStep): boolean {
  return step.do === 'stor' || step.do === 'appe';
}

/** Joins a CWD argument onto the tracked directory ('/a' + '../b' → '/b'). */
export function joinPath(cwd: string, path: string): string {
  const parts = path.startsWith('/') ? [] : cwd.split('/').filter(Boolean);
  for (const p of path.split('/')) {
    if (p === '' || p === '.') continue;
    if (p === '..') parts.pop();
    else parts.push(p);
  }
  return `/${parts.join('/')}`;
}

export function describeTimeout(t: Time): string {
  return `timed out after ${formatDuration(t)}`;
}
