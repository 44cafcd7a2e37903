/**
 * Helpers of the emulator tests: an emulator on a free port with short timeouts, the real clients (Python's
 * ftplib, curl) run as child processes, a raw control connection that reads replies, and the test content.
 *
 * The clients run asynchronously (never spawnSync): the emulator lives in this process, on this event loop.
 * A missing client is a failure that says what to install, never a skip.
 */

import { execFile, execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { accessSync, constants, readFileSync } from 'node:fs';
import net from 'node:net';
import { fileURLToPath } from 'node:url';
import {
  type Emulator,
  type EmulatorOptions,
  type Observed,
  startEmulator,
} from '../../../src/emulator/index.ts';
import type { FtpConfigInput } from '../../../src/ftp/config.ts';

export const PYTHON = '/usr/bin/python3';
const CLIENT_PY = fileURLToPath(new URL('./ftp_client.py', import.meta.url));

/** Fails (does not skip) when a client the tests need is missing. */
export function requireClients(): void {
  try {
    accessSync(PYTHON, constants.X_OK);
  } catch {
    throw new Error(
      `${PYTHON} is missing: the emulator tests drive Python's ftplib (apt-get install python3)`,
    );
  }
  try {
    execFileSync('curl', ['--version'], { stdio: 'ignore' });
  } catch {
    throw new Error('curl is missing: the emulator tests drive curl (apt-get install curl)');
  }
}

export const USERS: FtpConfigInput['users'] = {
  users: [{ name: 'alice', password: 'secret' }],
  anonymous: true,
  isolation: 'None',
};

export interface TestEmulator {
  readonly emu: Emulator;
  readonly port: number;
  /** W3C log lines so far (header included). */
  readonly log: string[];
  readonly notices: string[];
  readonly observed: Observed[];
  /** Called at once with everything the emulator observes (a test may set it, synchronously inside its work). */
  tap: ((e: Observed) => void) | null;
}

/**
 * An emulator on a free port. `passive` is the file's own passive port range, so that test files running at
 * once never ask for the same port.
 */
export async function emulator(
  passive: readonly [number, number],
  options: Omit<EmulatorOptions, 'config'> & { config?: FtpConfigInput } = {},
): Promise<TestEmulator> {
  const log: string[] = [];
  const notices: string[] = [];
  const observed: Observed[] = [];
  let t: TestEmulator | null = null;
  const emu = await startEmulator({
    port: 0,
    ...options,
    config: {
      users: USERS,
      passivePortLow: passive[0],
      passivePortHigh: passive[1],
      ...options.config,
    },
    limits: { loginFailDelay: '50ms', ...options.limits },
    log: (line) => log.push(line),
    notice: (text) => notices.push(text),
    observe: (e) => {
      observed.push(e);
      t?.tap?.(e);
    },
  });
  t = { emu, port: emu.port, log, notices, observed, tap: null };
  return t;
}

/** `size` bytes that both this file and ftp_client.py derive from `seed`: SHA-256 of "seed:0", "seed:1", ... */
export function content(size: number, seed: string): Buffer {
  const parts: Buffer[] = [];
  let have = 0;
  for (let i = 0; have < size; i++) {
    const d = createHash('sha256').update(`${seed}:${i}`).digest();
    parts.push(d);
    have += d.length;
  }
  return Buffer.concat(parts).subarray(0, size);
}

export function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

// ---- Python's ftplib -----------------------------------------------------------------------------------------

export type PyMode = 'pasv' | 'epsv' | 'port' | 'eprt';

export type PyStep =
  | { op: 'retr'; path: string }
  | { op: 'stor'; path: string; size: number; seed: string }
  | { op: 'list' | 'nlst'; path?: string }
  | { op: 'cmd'; line: string }
  | { op: 'low_port'; command: string; port: number }
  | { op: 'quit' };

export interface PyResult {
  op: string;
  replies: string[];
  error?: string;
  size?: number;
  sha256?: string;
  lines?: string[];
  final?: string;
  data_end?: 'reset' | 'eof' | 'data';
  local_port?: number;
}

export async function ftplib(
  port: number,
  mode: PyMode,
  steps: PyStep[],
  who: { user: string; password: string } = { user: 'alice', password: 'secret' },
): Promise<PyResult[]> {
  const program = JSON.stringify({ host: '127.0.0.1', port, mode, steps, ...who });
  const out = await run(PYTHON, [CLIENT_PY], program);
  return JSON.parse(out.stdout.toString('utf8')) as PyResult[];
}

// ---- curl --------------------------------------------------------------------------------------------------

export interface Ran {
  readonly code: number;
  readonly stdout: Buffer;
  readonly stderr: string;
}

export function curl(args: string[], stdin?: Buffer): Promise<Ran> {
  return run('curl', ['--silent', '--show-error', '--max-time', '20', ...args], stdin);
}

function run(file: string, args: string[], stdin?: Buffer | string): Promise<Ran> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      file,
      args,
      { encoding: 'buffer', maxBuffer: 64 * 1024 * 1024, timeout: 30_000 },
      (err, stdout, stderr) => {
        const code = err === null ? 0 : typeof err.code === 'number' ? err.code : -1;
        if (err !== null && typeof err.code !== 'number') return reject(err);
        resolve({ code, stdout, stderr: stderr.toString('utf8') });
      },
    );
    child.stdin?.end(stdin);
  });
}

// ---- a raw control connection --------------------------------------------------------------------------------

export interface Reply {
  readonly code: number;
  /** The whole reply, lines joined by '\n', without the final CRLF. */
  readonly text: string;
}

/** A control connection that sends raw bytes and reads RFC 959 replies (multi-line ones whole). */
export class RawClient {
  private buf = '';
  private readonly replies: Reply[] = [];
  private waiter: (() => void) | null = null;
  ended = false;
  readonly closed: Promise<void>;

  private constructor(readonly socket: net.Socket) {
    socket.setEncoding('latin1');
    socket.on('data', (s: string) => {
      this.buf += s;
      this.parse();
    });
    this.closed = new Promise((resolve) => {
      socket.on('close', () => {
        this.ended = true;
        this.waiter?.();
        resolve();
      });
    });
    socket.on('error', () => {});
  }

  static connect(port: number, localAddress = '127.0.0.1'): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const socket = net.connect({ host: '127.0.0.1', port, localAddress }, () =>
        resolve(new RawClient(socket)),
      );
      socket.once('error', reject);
    });
  }

  /** Connects, reads the banner, and logs in when a user is given. */
  static async login(port: number, user?: string, password?: string): Promise<RawClient> {
    const c = await RawClient.connect(port);
    const banner = await c.reply();
    if (banner.code !== 220) throw new Error(`banner: ${banner.text}`);
    if (user !== undefined) {
      await c.command(`USER ${user}`);
      const r = await c.command(`PASS ${password}`);
      if (r.code !== 230) throw new Error(`login: ${r.text}`);
    }
    return c;
  }

  send(raw: string | Uint8Array): void {
    this.socket.write(raw);
  }

  async command(line: string): Promise<Reply> {
    this.send(`${line}\r\n`);
    return this.reply();
  }

  /** The next reply; rejects when the connection closes first. */
  async reply(): Promise<Reply> {
    for (;;) {
      const r = this.replies.shift();
      if (r !== undefined) return r;
      if (this.ended)
        throw new Error(
          `connection closed while waiting for a reply (unparsed: ${JSON.stringify(this.buf)})`,
        );
      await new Promise<void>((resolve) => {
        this.waiter = resolve;
      });
      this.waiter = null;
    }
  }

  /** Replies received and not read yet. */
  get pending(): number {
    return this.replies.length;
  }

  close(): void {
    this.socket.destroy();
  }

  private parse(): void {
    for (;;) {
      const m = /^(\d{3})([ -])/.exec(this.buf);
      if (m === null) return;
      let end: number;
      if (m[2] === ' ') {
        end = this.buf.indexOf('\r\n');
      } else {
        const last = new RegExp(`\\r\\n${m[1]} [^\\r]*\\r\\n`).exec(this.buf);
        end = last === null ? -1 : last.index + last[0].length - 2;
      }
      if (end < 0) return;
      this.replies.push({ code: Number(m[1]), text: this.buf.slice(0, end).replaceAll('\r\n', '\n') });
      this.buf = this.buf.slice(end + 2);
      this.waiter?.();
    }
  }
}

/** The port of a 227 reply, or of a 229 reply. */
export function passivePort(reply: Reply): number {
  const pasv = /\((\d+),(\d+),(\d+),(\d+),(\d+),(\d+)\)/.exec(reply.text);
  if (pasv !== null) return Number(pasv[5]) * 256 + Number(pasv[6]);
  const epsv = /\(\|\|\|(\d+)\|\)/.exec(reply.text);
  if (epsv !== null) return Number(epsv[1]);
  throw new Error(`not a passive reply: ${reply.text}`);
}

/** Everything a socket receives until the peer closes, and how it ended. */
export function drain(socket: net.Socket): Promise<{ bytes: Buffer; end: 'eof' | 'reset' }> {
  return new Promise((resolve) => {
    const parts: Buffer[] = [];
    let end: 'eof' | 'reset' = 'eof';
    socket.on('data', (b: Buffer) => parts.push(b));
    socket.on('error', () => {
      end = 'reset';
    });
    socket.on('close', () => resolve({ bytes: Buffer.concat(parts), end }));
  });
}

/** Resolves when `observed` gets an entry that `match` accepts (the emulator's own record of its work). */
export async function waitFor(
  observed: Observed[],
  match: (e: Observed) => boolean,
  from = 0,
): Promise<number> {
  for (;;) {
    const i = observed.findIndex((e, k) => k >= from && match(e));
    if (i >= 0) return i;
    await new Promise((resolve) => setImmediate(resolve));
  }
}

/** The sockets of this machine from /proc/net/tcp: local port, remote port and state (e.g. '02' SYN-SENT). */
export function kernelSockets(): { local: number; remote: number; state: string }[] {
  return readFileSync('/proc/net/tcp', 'utf8')
    .split('\n')
    .slice(1)
    .filter((l) => l.trim() !== '')
    .map((l) => {
      const f = l.trim().split(/\s+/);
      return {
        local: Number.parseInt(f[1]!.split(':')[1]!, 16),
        remote: Number.parseInt(f[2]!.split(':')[1]!, 16),
        state: f[3]!,
      };
    });
}
