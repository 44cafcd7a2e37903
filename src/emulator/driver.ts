/**
 * The driver of the FTP model on real sockets: one input at a time, its outputs carried out in list order
 * before the next input (src/ftp/io.ts), one real timer for the model's next deadline, and the limits the
 * model leaves to its driver.
 *
 * Owns: control connections (reading, writing, closing), the queue of work, the timer, connections in total
 * and per address, the held reply of a failed login, unread and unanswered control input. Leaves out: data
 * connections (data.ts), which rules the limits follow (policies.ts), starting and stopping (emulator.ts).
 *
 * Order: a session's outputs are carried out in the order the model gave them, a data-connect or a
 * data-close making the session's later outputs wait while other sessions go on (order.ts). While a
 * session's outputs wait, its control input waits too.
 *
 * Control input is fed one line at a time (the bytes up to each LF; the model does the framing), so that the
 * driver can stop between two lines: while a failed login's 530 is held, while the session has
 * MAX_QUEUED_LINES commands waiting behind a transfer, or while the client does not read its replies. Unread
 * input then waits in the kernel (the socket is paused past MAX_INBOX_BYTES): no client grows our memory.
 */

import type net from 'node:net';
import { assertNever } from '../../sim/errors.ts';
import { MS, SECOND, type Time } from '../../sim/time.ts';
import type { Fs } from '../ftp/fs.ts';
import type { FtpInput, FtpOutput } from '../ftp/io.ts';
import type { FtpServer } from '../ftp/server.ts';
import { w3cLine } from '../ftp/w3c.ts';
import type { Clock } from './clock.ts';
import { DataConnections, ipv4Of, remoteOf } from './data.ts';
import { ModelValue } from './model.ts';
import type { EmulatorOptions, Limits } from './options.ts';
import { type Batch, SessionOrder } from './order.ts';
import { failedLogins, storageExceeded } from './policies.ts';
import { tooManyConnections } from './replies.ts';
import { siteBytes } from './site.ts';

/** Complete command lines a session may have waiting behind a command in progress before reading stops. */
const MAX_QUEUED_LINES = 32;
/** Received control bytes not yet fed, past which the connection stops being read. */
const MAX_INBOX_BYTES = 64 * 1024;
/** Reply bytes the client has not taken yet, past which its commands wait (a client that never reads). */
const MAX_UNREAD_REPLIES = 64 * 1024;
/** How long a control connection the server has closed may wait for the client's FIN. */
const CONTROL_LINGER_MS = 10_000;

type Job =
  | { readonly kind: 'input'; readonly input: FtpInput; readonly quota: boolean }
  | { readonly kind: 'tick' };

interface ControlConn {
  readonly id: string;
  readonly socket: net.Socket;
  readonly ip: string;
  /** Received bytes not yet fed to the model, oldest first. */
  inbox: Buffer[];
  inboxBytes: number;
  /** The client's FIN has arrived; it is fed after the inbox. */
  peerEnded: boolean;
  /** The model knows the connection is over (it ended the session, or was told of the FIN or a reset). */
  over: boolean;
  /** A failed login's 530 is being held until this timer fires; outputs meanwhile wait in `held`. */
  gate: NodeJS.Timeout | null;
  held: FtpOutput[];
}

export class Driver {
  private readonly controls = new Map<string, ControlConn>();
  /** Control connections with input not yet fed (bytes or a FIN), in the order they take turns. */
  private readonly pending = new Set<ControlConn>();
  private readonly perIp = new Map<string, number>();
  private readonly sessionOfGuid = new Map<string, string>();
  /** Connections turned away with 421 that have not closed yet. */
  private readonly refused = new Set<net.Socket>();
  private readonly jobs: Job[] = [];
  private readonly data: DataConnections;
  /** Jobs are being run (loop). */
  private busy = false;
  private readonly order: SessionOrder;
  private stopped = false;
  private timer: NodeJS.Timeout | null = null;
  private timerAt: Time | null = null;
  /** After a timer's work failed (a bug), the timer waits this long before it tries again. */
  private retryTimerAt: Time = 0;
  private opened = 0;
  private readonly model: ModelValue;
  private readonly initialBytes: number;
  private readonly epochMs: number;

  constructor(
    server: FtpServer,
    private readonly clock: Clock,
    private readonly limits: Limits,
    private readonly notice: (text: string) => void,
    private readonly options: EmulatorOptions,
    bindActive: boolean | null,
  ) {
    this.model = new ModelValue(server);
    this.initialBytes = siteBytes(server.fs);
    this.epochMs = server.config.epochMs;
    const lingerMs = Math.ceil(server.config.dataChannelTimeout / MS);
    this.data = new DataConnections(
      {
        feed: (input, quota = false) => this.push({ kind: 'input', input, quota }),
        notice: this.notice,
        admitUpload: (bytes, inFlight) =>
          siteBytes(this.model.fs) - this.initialBytes + inFlight + bytes <= this.limits.maxUploadBytes,
      },
      bindActive,
      lingerMs,
    );
    this.order = new SessionOrder({
      perform: (o, gate, now) => this.perform(o, gate, now),
      settled: (id) => {
        if (this.model.session(id) === undefined) this.sessionOver(id);
      },
      running: () => !this.stopped,
      now: () => this.clock.now(),
      notice: this.notice,
    });
  }

  get connections(): number {
    return this.controls.size;
  }

  /** The site now, uploads included. */
  get fs(): Fs {
    return this.model.fs;
  }

  feed(input: FtpInput): void {
    this.push({ kind: 'input', input, quota: false });
  }

  stop(): void {
    this.stopped = true;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    this.order.clear();
    this.data.destroyAll();
    for (const socket of this.refused) socket.destroy();
    for (const c of this.controls.values()) {
      if (c.gate !== null) clearTimeout(c.gate);
      c.socket.destroy();
    }
  }

  // ---- control connections -----------------------------------------------------------------------------

  connection(socket: net.Socket): void {
    socket.on('error', () => {
      // A reset shows as 'close' with an error: handled there.
    });
    const ip = ipv4Of(socket.remoteAddress ?? '');
    if (this.stopped || socket.remoteAddress === undefined) {
      socket.destroy();
      return;
    }
    const fromIp = this.perIp.get(ip) ?? 0;
    if (this.controls.size >= this.limits.maxConnections || fromIp >= this.limits.maxConnectionsPerIp) {
      // Not the model's: it has no connection limit. Read and drop what the client sends, so its FIN is seen.
      socket.end(tooManyConnections(this.controls.size < this.limits.maxConnections));
      socket.resume();
      socket.setTimeout(CONTROL_LINGER_MS, () => socket.destroy());
      this.refused.add(socket);
      socket.once('close', () => this.refused.delete(socket));
      return;
    }
    const c: ControlConn = {
      id: `c${++this.opened}`,
      socket,
      ip,
      inbox: [],
      inboxBytes: 0,
      peerEnded: false,
      over: false,
      gate: null,
      held: [],
    };
    this.controls.set(c.id, c);
    this.perIp.set(ip, fromIp + 1);
    socket.on('data', (chunk: Buffer) => {
      c.inbox.push(chunk);
      c.inboxBytes += chunk.length;
      if (c.inboxBytes > MAX_INBOX_BYTES) socket.pause();
      this.pending.add(c);
      this.kick();
    });
    socket.on('end', () => {
      c.peerEnded = true;
      this.pending.add(c);
      this.kick();
    });
    socket.on('drain', () => this.kick());
    socket.on('close', () => this.controlGone(c));
    const server = { addr: ipv4Of(socket.localAddress ?? ''), port: socket.localPort ?? 0 };
    this.feed({ kind: 'control-opened', session: c.id, client: remoteOf(socket), server });
  }

  private controlGone(c: ControlConn): void {
    this.controls.delete(c.id);
    this.pending.delete(c);
    const n = (this.perIp.get(c.ip) ?? 1) - 1;
    if (n > 0) this.perIp.set(c.ip, n);
    else this.perIp.delete(c.ip);
    if (c.gate !== null) clearTimeout(c.gate);
    c.gate = null;
    if (!c.over) {
      c.over = true;
      this.feed({ kind: 'control-reset', session: c.id });
    }
  }

  /** The next control input that may go to the model now: one line of one connection, connections in turn. */
  private nextControlJob(): Job | undefined {
    for (const c of this.pending) {
      const session = this.model.session(c.id);
      if (c.over || session === undefined) {
        this.pending.delete(c); // the session is over: what it sent is not read
        continue;
      }
      if (c.gate !== null || this.order.waits(c.id)) continue;
      if (c.inbox.length > 0) {
        if (session.queue.length >= MAX_QUEUED_LINES || c.socket.writableLength > MAX_UNREAD_REPLIES)
          continue;
        // Connections take turns: this one goes to the back.
        this.pending.delete(c);
        const bytes = takeLine(c);
        if (c.inbox.length > 0 || c.peerEnded) this.pending.add(c);
        if (c.inboxBytes <= MAX_INBOX_BYTES && c.socket.isPaused()) c.socket.resume();
        return { kind: 'input', input: { kind: 'control-bytes', session: c.id, bytes }, quota: false };
      }
      this.pending.delete(c);
      if (!c.peerEnded) continue;
      // The FIN, after every byte sent before it.
      c.over = true;
      return { kind: 'input', input: { kind: 'control-peer-closed', session: c.id }, quota: false };
    }
    return undefined;
  }

  // ---- the order of work -------------------------------------------------------------------------------

  private push(job: Job): void {
    this.jobs.push(job);
    this.kick();
  }

  private kick(): void {
    if (this.busy || this.stopped) return;
    this.busy = true;
    this.loop();
  }

  /** Runs jobs until none is left. */
  private loop(): void {
    for (;;) {
      if (this.stopped) return;
      const job = this.jobs.shift() ?? this.nextControlJob();
      if (job === undefined) break;
      this.run(job);
    }
    this.busy = false;
    this.armTimer();
  }

  /** Feeds one job to the model and carries out its outputs (or queues them behind the session's wait). */
  private run(job: Job): void {
    if (job.kind === 'input' && job.input.kind === 'data-drained') {
      if (!this.data.drainMatters(job.input.session, job.input.data)) return;
    }
    const now = this.clock.now();
    if (job.kind === 'tick') {
      // Each session whose deadline has come, in the order they opened.
      const steps: [string, readonly FtpOutput[]][] = [];
      for (const id of this.model.due(now)) {
        try {
          steps.push([id, this.model.timeout(id, now)]);
        } catch (e) {
          this.fault(e, job);
          steps.push([id, []]);
        }
      }
      this.options.observe?.({ at: now, kind: 'tick' });
      for (const [id, outputs] of steps) this.order.carryOut(this.batch(id, outputs, now));
      return;
    }
    const input = job.input;
    let outputs: readonly FtpOutput[];
    try {
      outputs = this.model.handle(input, now);
    } catch (e) {
      this.fault(e, job);
      return;
    }
    this.options.observe?.({ at: now, kind: 'input', input });
    const session = 'session' in input ? input.session : null;
    if (input.kind === 'control-opened') {
      const s = this.model.session(input.session);
      if (s !== undefined) this.sessionOfGuid.set(s.guid, s.id);
    }
    if (job.quota)
      outputs = storageExceeded(
        outputs,
        input,
        session === null ? undefined : this.model.session(session)?.guid,
        this.limits.maxUploadBytes,
      );
    this.order.carryOut(this.batch(session, outputs, now));
  }

  /** One step's outputs: all of the session the input named (handleSession reads and writes no other). */
  private batch(session: string | null, outputs: readonly FtpOutput[], now: Time): Batch {
    const gates = failedLogins(outputs, this.limits.loginFailDelay > 0 ? this.sessionOfGuid : null);
    return { session, outputs, gates, now, next: 0 };
  }

  /** What session `id` waited for has happened: its outputs go on, then its control input. */
  private resume(id: string): void {
    if (this.order.resume(id)) this.kick();
  }

  /** Carries out one output. True when the session's later outputs wait for resume() (order.ts). */
  private perform(o: FtpOutput, gate: boolean, now: Time): boolean {
    switch (o.kind) {
      case 'control-write':
      case 'control-close': {
        const c = this.controls.get(o.session);
        if (c === undefined) return false;
        if (gate) this.startGate(c);
        if (c.gate !== null) c.held.push(o);
        else this.control(c, o, now);
        return false;
      }
      case 'log':
        this.options.observe?.({ at: now, kind: 'output', output: o });
        this.options.log?.(w3cLine(o.entry, { epochMs: this.epochMs }));
        return false;
      case 'note':
        this.options.observe?.({ at: now, kind: 'output', output: o });
        return false;
      case 'data-connect': {
        this.options.observe?.({ at: now, kind: 'output', output: o });
        this.data.perform(o);
        // Node issues the connect on its next tick (net.Socket#connect to an IP address): the SYN must leave
        // before the session's next output (the 200 reply).
        const id = o.session;
        process.nextTick(() => this.resume(id));
        return true;
      }
      case 'data-close': {
        this.options.observe?.({ at: now, kind: 'output', output: o });
        // The 226 that follows must not leave before the FIN: wait until the kernel has it.
        const id = o.session;
        return this.data.close(id, o.data, () => this.resume(id));
      }
      case 'data-listen':
      case 'data-release':
      case 'data-stop-listening':
      case 'data-send':
      case 'data-abort':
        this.options.observe?.({ at: now, kind: 'output', output: o });
        this.data.perform(o);
        return false;
      default:
        return assertNever(o, 'ftp output');
    }
  }

  private control(
    c: ControlConn,
    o: Extract<FtpOutput, { kind: 'control-write' | 'control-close' }>,
    now: Time,
  ): void {
    this.options.observe?.({ at: now, kind: 'output', output: o });
    if (o.kind === 'control-write') {
      if (c.socket.writable) c.socket.write(o.bytes);
      return;
    }
    c.over = true;
    c.socket.end();
    c.socket.setTimeout(CONTROL_LINGER_MS, () => c.socket.destroy());
  }

  /** The model has ended the session: its data connections go, and its control connection is closing. */
  private sessionOver(id: string): void {
    this.data.dropSession(id);
    for (const [guid, session] of this.sessionOfGuid) {
      if (session === id) this.sessionOfGuid.delete(guid);
    }
    const c = this.controls.get(id);
    if (c !== undefined) c.over = true;
  }

  // ---- timer -------------------------------------------------------------------------------------------

  /**
   * One real timer for the model's next deadline, checked after every run of work. A timer already armed for
   * an earlier instant is kept: most work pushes a deadline later (activity restarts an idle clock), and a
   * timer that fires early is harmless (handleTimeout does nothing; the timer is armed again for the real
   * deadline), so the timer is re-armed about once per timeout rather than once per chunk sent.
   */
  private armTimer(): void {
    const due = this.model.nextDeadline();
    if (due === null) return; // an armed timer fires for nothing, harmlessly
    const at = Math.max(due, this.retryTimerAt);
    if (this.timer !== null && this.timerAt !== null && this.timerAt <= at) return;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timerAt = at;
    const ms = Math.min(2 ** 31 - 1, Math.max(0, Math.ceil((at - this.clock.now()) / MS)));
    this.timer = setTimeout(() => {
      this.timer = null;
      this.timerAt = null;
      this.push({ kind: 'tick' });
    }, ms);
    this.timer.unref();
  }

  // ---- limits ------------------------------------------------------------------------------------------

  private startGate(c: ControlConn): void {
    if (c.gate !== null) return;
    c.gate = setTimeout(() => this.openGate(c), Math.ceil(this.limits.loginFailDelay / MS));
    c.gate.unref();
  }

  private openGate(c: ControlConn): void {
    c.gate = null;
    const held = c.held;
    c.held = [];
    const now = this.clock.now();
    for (const o of held) {
      if (o.kind === 'control-write' || o.kind === 'control-close') this.control(c, o, now);
    }
    this.kick();
  }

  private fault(e: unknown, job: Job): void {
    const what = job.kind === 'tick' ? 'a timer' : job.input.kind;
    this.notice(
      `internal error (a netstep bug, please report it) handling ${what}: ${(e as Error).stack ?? e}`,
    );
    if (job.kind === 'tick') this.retryTimerAt = this.clock.now() + SECOND;
    if (job.kind === 'input' && 'session' in job.input)
      this.controls.get(job.input.session)?.socket.destroy();
  }
}

/** The inbox's bytes up to and including the first LF (or all of its first chunk when that has no LF). */
function takeLine(c: ControlConn): Buffer {
  const head = c.inbox[0]!;
  const lf = head.indexOf(0x0a);
  let bytes: Buffer;
  if (lf < 0 || lf === head.length - 1) {
    bytes = head;
    c.inbox.shift();
  } else {
    bytes = head.subarray(0, lf + 1);
    c.inbox[0] = head.subarray(lf + 1);
  }
  c.inboxBytes -= bytes.length;
  return bytes;
}
