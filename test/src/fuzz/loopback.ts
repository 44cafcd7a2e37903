/**
 * A driver for the pure FTP server (src/ftp/server.ts) with no network: one control session whose client
 * cooperates at once with every data-channel action (a listener is ready and the client connects, an active
 * connect succeeds, every data-send drains, a close is answered by the client's close, an upload sends a few
 * bytes and its FIN). The client's and the transport's answers wait in `pending` until `flush()`, so a test
 * decides whether they interleave with the control bytes (flush after each read) or all come after them.
 * Everything happens at one instant unless the test advances the clock; `settle` then runs the server's
 * timers until it has none left, so a session that is not closed by its bytes is closed by a timeout. What it
 * collects is what the parser fuzz asserts on.
 */
import type { Time } from '../../../sim/time.ts';
import type { FtpConfigInput } from '../../../src/ftp/config.ts';
import { fsFromEntries } from '../../../src/ftp/fs.ts';
import type { FtpInput, FtpOutput } from '../../../src/ftp/io.ts';
import {
  createServer,
  type FtpServer,
  handle,
  handleTimeout,
  nextDeadline,
} from '../../../src/ftp/server.ts';
import type { ControlEvent } from '../../../src/fuzz/invariants/replies.ts';

export const SESSION = 'client:50000';
const CLIENT = { addr: '10.0.0.1', port: 50000 };
const SERVER = { addr: '10.0.0.2', port: 21 };
const UPLOAD = new TextEncoder().encode('uploaded\r\n');

export class Loopback {
  server: FtpServer;
  now: Time = 0;
  readonly events: ControlEvent[] = [];
  /** Every reply's bytes, in order. */
  readonly replies: Uint8Array[] = [];
  readonly logs: string[] = [];
  closed = false;
  private seq = 0;
  private lastVerb = '';
  private held = new Set<number>();

  constructor(config: FtpConfigInput = {}) {
    const fs = fsFromEntries(
      { 'a.txt': 'hello world\r\n', 'big.bin': new Uint8Array(200_000), 'sub/': null },
      0,
    );
    this.server = createServer(config, fs);
    this.feed({ kind: 'control-opened', session: SESSION, client: CLIENT, server: SERVER });
    this.flush();
  }

  /** What the client and the transport will answer at the next flush. */
  private pending: FtpInput[] = [];

  /** Bytes from the client on the control connection. */
  send(bytes: Uint8Array): void {
    this.feed({ kind: 'control-bytes', session: SESSION, bytes });
  }

  /** Delivers the pending answers, and the answers to what they cause, until there are none. */
  flush(): void {
    for (let input = this.pending.shift(); input !== undefined; input = this.pending.shift())
      this.feed(input);
  }

  /** Runs the server's timers until none is left (or `limit` wakes, which the caller asserts against). */
  settle(limit = 1000): number {
    let wakes = 0;
    this.flush();
    for (let at = nextDeadline(this.server); at !== null && wakes < limit; at = nextDeadline(this.server)) {
      this.now = Math.max(this.now, at);
      const r = handleTimeout(this.server, this.now);
      this.server = r.server;
      this.pending.push(...this.carryOut(r.outputs));
      this.flush();
      wakes++;
    }
    return wakes;
  }

  get open(): boolean {
    return this.server.sessions[SESSION] !== undefined;
  }

  private feed(input: FtpInput): void {
    const r = handle(this.server, input, this.now);
    this.server = r.server;
    this.pending.push(...this.carryOut(r.outputs));
  }

  /** Carries out outputs; returns what the cooperating client and transport answer. */
  private carryOut(outputs: readonly FtpOutput[]): FtpInput[] {
    const next: FtpInput[] = [];
    const session = SESSION;
    for (const o of outputs) {
      switch (o.kind) {
        case 'control-write':
          this.events.push({ kind: 'reply', code: o.code, seq: this.seq++ });
          this.replies.push(o.bytes);
          if (o.code >= 100 && o.code < 200 && ['STOR', 'APPE', 'STOU'].includes(this.lastVerb)) {
            const data = this.established;
            if (data !== null) {
              next.push({ kind: 'data-bytes', session, data, bytes: UPLOAD });
              next.push({ kind: 'data-peer-closed', session, data });
            }
          }
          break;
        case 'control-close':
          this.events.push({ kind: 'closed', seq: this.seq++ });
          this.closed = true;
          break;
        case 'data-listen':
          next.push({ kind: 'data-listening', session, data: o.data });
          if (o.hold) this.held.add(o.data);
          else next.push(this.accept(o.data));
          break;
        case 'data-release':
          if (this.held.delete(o.data)) next.push(this.accept(o.data));
          break;
        case 'data-connect':
          this.established = o.data;
          next.push({ kind: 'data-connected', session, data: o.data });
          break;
        case 'data-send':
          next.push({ kind: 'data-drained', session, data: o.data });
          break;
        case 'data-close':
          next.push(
            { kind: 'data-peer-closed', session, data: o.data },
            { kind: 'data-closed', session, data: o.data },
          );
          break;
        case 'data-abort':
        case 'data-stop-listening':
          break;
        case 'log':
          this.logs.push(`${o.entry.method} ${o.entry.status} ${o.entry.win32} ${o.entry.substatus}`);
          break;
        case 'note':
          if (o.note.what === 'command') {
            this.events.push({ kind: 'command', line: o.note.line, seq: this.seq++ });
            this.lastVerb = o.note.line.split(' ')[0]!.toUpperCase();
          }
          break;
        default:
          return o satisfies never;
      }
    }
    return next;
  }

  private established: number | null = null;

  private accept(data: number): FtpInput {
    this.established = data;
    return {
      kind: 'data-accepted',
      session: SESSION,
      data,
      remote: { addr: CLIENT.addr, port: 40000 + data },
    };
  }
}
