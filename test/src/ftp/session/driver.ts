/**
 * A small driver for the pure FTP server in tests: it plays the network (feeds inputs, keeps the clock,
 * collects outputs) so that a test reads like a trace. Only the chores are automatic, and each can be turned
 * off: a data-listen is answered with data-listening, a data-send with data-drained.
 *
 * `trace(outputs)` renders outputs as short lines (`> 200 PORT command successful.`, `connect #1 ...`,
 * `log DataChannelClosed - - 1236 38`) that tests compare in order.
 */

import { MS, SECOND, type Time } from '../../../../sim/time.ts';
import { type EntrySpec, type FsNode, fsFromEntries } from '../../../../src/ftp/fs.ts';
import {
  createServer,
  type FtpConfigInput,
  type FtpInput,
  type FtpOutput,
  type FtpServer,
  handle,
  handleTimeout,
  nextDeadline,
} from '../../../../src/ftp/index.ts';
import { earliestDeadline, nextSessionDeadline } from '../../../../src/ftp/session-timers.ts';
import type { UserDb } from '../../../../src/ftp/users.ts';

export const SERVER = { addr: '10.0.0.1', port: 21 };
export const CLIENT = { addr: '10.0.0.2', port: 50000 };
export const OTHER = { addr: '10.0.0.9', port: 50000 };

const enc = new TextEncoder();

/** Model inputs for scripts of interleaved sessions, from a client at CLIENT.addr to SERVER. */
export const inputs = {
  line: (session: string, text: string): FtpInput => ({
    kind: 'control-bytes',
    session,
    bytes: enc.encode(text),
  }),
  opened: (session: string, port: number): FtpInput => ({
    kind: 'control-opened',
    session,
    client: { addr: CLIENT.addr, port },
    server: SERVER,
  }),
  accepted: (session: string, data: number, port: number): FtpInput => ({
    kind: 'data-accepted',
    session,
    data,
    remote: { addr: CLIENT.addr, port },
  }),
};

/**
 * Where a value is frozen, object by object (null for a leaf): two values whose shapes are equal are frozen
 * exactly in the same places.
 */
export function frozenShape(v: unknown): unknown {
  if (v === null || typeof v !== 'object' || ArrayBuffer.isView(v)) return null;
  if (v instanceof Map) return 'map';
  const out: Record<string, unknown> = { frozen: Object.isFrozen(v) };
  for (const [k, x] of Object.entries(v)) out[k] = frozenShape(x);
  return out;
}

export const USERS: UserDb = {
  users: [{ name: 'bob', password: 'secret' }],
  anonymous: true,
  isolation: 'None',
  machine: 'SRV',
};

export const FILES: Record<string, string | Uint8Array | EntrySpec | null> = {
  'a.txt': 'hello world',
  'docs/': null,
  'docs/readme.md': '# readme\r\n',
};

export interface NetOptions {
  readonly config?: FtpConfigInput;
  readonly files?: Record<string, string | Uint8Array | EntrySpec | null>;
  /** Answer every data-listen with data-listening (default true). */
  readonly autoListen?: boolean;
  /** Answer every data-send with data-drained (default true). */
  readonly autoDrain?: boolean;
}

const ENC = new TextEncoder();

/**
 * The server, once every session's `nextSessionDeadline` (the adapter's shortcut) is checked against the
 * timer table's `earliestDeadline`: every state any test reaches is a case of that comparison.
 */
function checkedDeadlines(server: FtpServer): FtpServer {
  for (const s of Object.values(server.sessions)) {
    const want = earliestDeadline(s, server.config)?.at ?? null;
    const got = nextSessionDeadline(s, server.config);
    if (got !== want) throw new Error(`session ${s.id}: nextSessionDeadline ${got}, the table says ${want}`);
  }
  return server;
}

export class Net {
  server: FtpServer;
  now: Time = 0;
  /** Every output so far, in order. */
  readonly all: FtpOutput[] = [];
  autoListen: boolean;
  autoDrain: boolean;

  constructor(opts: NetOptions = {}) {
    this.server = createServer({ users: USERS, ...opts.config }, fsFromEntries(opts.files ?? FILES, 0));
    this.autoListen = opts.autoListen ?? true;
    this.autoDrain = opts.autoDrain ?? true;
  }

  /** Feeds one input at the current time and carries out the automatic answers; returns every output. */
  feed(input: FtpInput): FtpOutput[] {
    const step = handle(this.server, input, this.now);
    this.server = checkedDeadlines(step.server);
    const out = [...step.outputs];
    this.all.push(...step.outputs);
    for (const o of step.outputs) {
      if (o.kind === 'data-listen' && this.autoListen) {
        out.push(...this.feed({ kind: 'data-listening', session: o.session, data: o.data }));
      } else if (o.kind === 'data-send' && this.autoDrain && this.server.sessions[o.session]) {
        out.push(...this.feed({ kind: 'data-drained', session: o.session, data: o.data }));
      }
    }
    return out;
  }

  open(session = 'c1', client = CLIENT, server = SERVER): FtpOutput[] {
    return this.feed({ kind: 'control-opened', session, client, server });
  }

  /** Raw control bytes (a string is sent as UTF-8). */
  send(text: string | Uint8Array, session = 'c1'): FtpOutput[] {
    const bytes = typeof text === 'string' ? ENC.encode(text) : text;
    return this.feed({ kind: 'control-bytes', session, bytes });
  }

  /** One command line, CRLF added. */
  cmd(line: string, session = 'c1'): FtpOutput[] {
    return this.send(`${line}\r\n`, session);
  }

  /** Opens a session and logs in (bob by default). */
  login(session = 'c1', user = 'bob', password = 'secret', client = CLIENT): this {
    this.open(session, client);
    this.cmd(`USER ${user}`, session);
    this.cmd(`PASS ${password}`, session);
    return this;
  }

  data(
    kind: 'data-connected' | 'data-drained' | 'data-peer-closed' | 'data-closed' | 'data-reset',
    data: number,
    session = 'c1',
  ): FtpOutput[] {
    return this.feed({ kind, session, data });
  }

  accept(
    data: number,
    remote: { addr: string; port: number } = { addr: CLIENT.addr, port: 50001 },
    session = 'c1',
  ): FtpOutput[] {
    return this.feed({ kind: 'data-accepted', session, data, remote });
  }

  bytes(data: number, text: string | Uint8Array, session = 'c1'): FtpOutput[] {
    const bytes = typeof text === 'string' ? ENC.encode(text) : text;
    return this.feed({ kind: 'data-bytes', session, data, bytes });
  }

  /** Moves the clock to `t` and fires what is due (handleTimeout at exactly `t`). */
  at(t: Time): FtpOutput[] {
    this.now = t;
    const step = handleTimeout(this.server, t);
    this.server = checkedDeadlines(step.server);
    this.all.push(...step.outputs);
    return [...step.outputs];
  }

  /** Advances the clock by `d` without firing anything. */
  wait(d: Time): this {
    this.now += d;
    return this;
  }

  next(): Time | null {
    return nextDeadline(this.server);
  }

  /** The site path's content as text, or undefined. */
  file(path: string): string | undefined {
    const segs = path.split('/').filter(Boolean);
    let node: FsNode | undefined = this.server.fs.root;
    for (const seg of segs) node = node?.kind === 'dir' ? node.children.get(seg.toLowerCase()) : undefined;
    return node?.kind === 'file' ? new TextDecoder().decode(node.data) : undefined;
  }
}

export interface TraceOptions {
  readonly logs?: boolean;
  readonly notes?: boolean;
}

/** Outputs as lines: replies as `> text` (multi-line joined by `|`), data actions, and optionally logs. */
export function trace(outputs: readonly FtpOutput[], opts: TraceOptions = {}): string[] {
  const lines: string[] = [];
  for (const o of outputs) {
    switch (o.kind) {
      case 'control-write':
        lines.push(`> ${o.text.replace(/\r\n$/, '').split('\r\n').join('|')}`);
        break;
      case 'control-close':
        lines.push('control-close');
        break;
      case 'data-listen':
        lines.push(`listen #${o.data} :${o.local.port}${o.hold ? ' held' : ''}`);
        break;
      case 'data-release':
        lines.push(`release #${o.data}`);
        break;
      case 'data-stop-listening':
        lines.push(`stop-listening #${o.data}`);
        break;
      case 'data-connect':
        lines.push(`connect #${o.data} :${o.local.port} -> ${o.remote.addr}:${o.remote.port}`);
        break;
      case 'data-send':
        lines.push(`send #${o.data} ${o.bytes.length}`);
        break;
      case 'data-close':
        lines.push(`close #${o.data}`);
        break;
      case 'data-abort':
        lines.push(`abort #${o.data}`);
        break;
      case 'log':
        if (opts.logs) {
          const e = o.entry;
          const v = (x: string) => (x === '' ? '-' : x.replaceAll(' ', '+'));
          lines.push(
            `log ${e.serverPort} ${v(e.method)} ${v(e.uriStem)} ${v(e.status)} ${e.win32} ${e.substatus}`,
          );
        }
        break;
      case 'note':
        if (opts.notes) lines.push(`note ${JSON.stringify(o.note)}`);
        break;
      default:
        o satisfies never;
    }
  }
  return lines;
}

/** Just the reply texts (without CRLF; multi-line joined by `|`). */
export function replies(outputs: readonly FtpOutput[]): string[] {
  return trace(outputs)
    .filter((l) => l.startsWith('> '))
    .map((l) => l.slice(2));
}

/** The log entries of some outputs. */
export function logs(outputs: readonly FtpOutput[]) {
  return outputs.flatMap((o) => (o.kind === 'log' ? [o.entry] : []));
}

/** The bytes sent on a data connection, as text. */
export function sent(outputs: readonly FtpOutput[], data: number): string {
  const chunks = outputs.flatMap((o) => (o.kind === 'data-send' && o.data === data ? [o.bytes] : []));
  return chunks.map((c) => new TextDecoder().decode(c)).join('');
}

export { MS, SECOND };
