/**
 * The FIN of a data connection and the 226 reply as the wire shows them: a live tshark capture on the
 * loopback interface (as root: CI runs the tests so) during a passive and an active RETR. FTP 7.5 closes the
 * data connection, then sends 226 (KB 2505047); the frame with the server's FIN must come before the frame
 * with the 226. With the 226 written in the same turn as end() (issue #8), both tests fail.
 *
 * Why the order in the capture is the order of the server's syscalls here: the file is a few bytes, so the
 * data are on the wire before the close and nothing holds the FIN back (no unacknowledged data beyond the
 * window); the control connection has Nagle's algorithm off, so the 226 leaves within its write(). Loopback
 * frames are captured as they are sent. (The kernel's state at the 226's write is checked in wire-fin.test.ts.)
 */

import { type ChildProcess, spawn } from 'node:child_process';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireTshark } from '../../sim/pcap/tshark.ts';
import { drain, emulator, passivePort, RawClient, type TestEmulator } from './helpers.ts';

const RANGE = [65300, 65399] as const;

let t: TestEmulator;
let cap: Capture;

beforeAll(async () => {
  requireTshark();
  t = await emulator(RANGE, { files: { 'small.txt': 'small' } });
  cap = await Capture.start();
});

afterAll(async () => {
  await cap.stop();
  await t.emu.close();
});

interface Frame {
  readonly from: number;
  readonly to: number;
  readonly fin: boolean;
  /** The TCP payload as latin1 text. */
  readonly text: string;
}

/** A live capture on lo of this file's ports: frames in the order the interface saw them. */
class Capture {
  readonly frames: Frame[] = [];
  private buf = '';
  private said = '';
  private readonly child: ChildProcess;
  private readonly exited: Promise<void>;

  private constructor() {
    const filter = `tcp port ${t.port} or tcp portrange ${RANGE[0]}-${RANGE[1]}`;
    const fields = ['tcp.srcport', 'tcp.dstport', 'tcp.flags.fin', 'tcp.payload'];
    this.child = spawn(
      requireTshark(),
      [
        '-i',
        'lo',
        '-f',
        filter,
        '-l',
        '-T',
        'fields',
        '-E',
        'separator=/t',
        ...fields.flatMap((f) => ['-e', f]),
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    this.child.stdout!.setEncoding('latin1');
    this.child.stdout!.on('data', (s: string) => {
      this.buf += s;
      for (let i = this.buf.indexOf('\n'); i >= 0; i = this.buf.indexOf('\n')) {
        const [from, to, fin, payload] = this.buf.slice(0, i).split('\t');
        this.buf = this.buf.slice(i + 1);
        this.frames.push({
          from: Number(from),
          to: Number(to),
          fin: fin === '1' || fin === 'True',
          text: Buffer.from((payload ?? '').replaceAll(':', ''), 'hex').toString('latin1'),
        });
      }
    });
    this.child.stderr!.on('data', (b: Buffer) => {
      this.said += b.toString();
    });
    this.exited = new Promise((resolve) => this.child.once('exit', () => resolve()));
  }

  /**
   * Starts a capture and returns once it sees packets: tshark says it is capturing before its filter is in
   * the kernel, so connections to a probe listener on a port of the filter are made until one shows.
   */
  static async start(): Promise<Capture> {
    const cap = new Capture();
    const probe = net.createServer((s) => s.destroy());
    const port = RANGE[1] - 1;
    await new Promise<void>((resolve) => probe.listen({ host: '127.0.0.1', port }, resolve));
    try {
      const deadline = Date.now() + 10_000;
      while (!cap.frames.some((f) => f.to === port)) {
        if (Date.now() > deadline || cap.child.exitCode !== null) {
          cap.child.kill();
          throw new Error(`tshark captured nothing in 10 s:\n${cap.said}`);
        }
        net.connect({ host: '127.0.0.1', port }).on('error', () => {});
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    } finally {
      probe.close();
    }
    return cap;
  }

  /** Waits until `done` holds of the frames seen so far (at most 10 s). */
  async until(done: (frames: readonly Frame[]) => boolean): Promise<void> {
    const deadline = Date.now() + 10_000;
    while (!done(this.frames) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  async stop(): Promise<void> {
    this.child.kill('SIGINT');
    await this.exited;
  }
}

/** A transfer's two connections, by their ports. */
interface Pair {
  /** The server's and the client's ends of the data connection. */
  readonly data: readonly [number, number];
  /** The client's end of the control connection. */
  readonly control: number;
}

const isFin = (p: Pair) => (f: Frame) => f.from === p.data[0] && f.to === p.data[1] && f.fin;
const is226 = (p: Pair) => (f: Frame) => f.from === t.port && f.to === p.control && f.text.startsWith('226 ');
const both = (p: Pair) => (frames: readonly Frame[]) => frames.some(isFin(p)) && frames.some(is226(p));

/** RETR small.txt over `data`; then, in the capture, the data connection's FIN comes before the 226. */
async function retrSmall(c: RawClient, data: net.Socket, pair: Pair): Promise<void> {
  const got = drain(data);
  expect((await c.command('RETR small.txt')).code).toBe(125);
  expect((await c.reply()).code).toBe(226);
  expect((await got).bytes.toString()).toBe('small');
  await cap.until(both(pair));
  const fin = cap.frames.findIndex(isFin(pair));
  const reply = cap.frames.findIndex(is226(pair));
  expect(fin).toBeGreaterThanOrEqual(0);
  expect(reply).toBeGreaterThan(fin);
}

describe('on the wire', () => {
  it('passive: the data FIN leaves before the 226', async () => {
    const c = await RawClient.login(t.port, 'alice', 'secret');
    const port = passivePort(await c.command('PASV'));
    const data = net.connect({ host: '127.0.0.1', port });
    await new Promise((resolve) => data.once('connect', resolve));
    const pair: Pair = { data: [port, data.localPort!], control: c.socket.localPort! };
    await retrSmall(c, data, pair);
    c.close();
  });

  it('active: the data FIN leaves before the 226', async () => {
    const listener = net.createServer();
    await new Promise<void>((resolve) => listener.listen({ host: '127.0.0.1', port: RANGE[1] }, resolve));
    const accepted = new Promise<net.Socket>((resolve) => listener.once('connection', resolve));
    const c = await RawClient.login(t.port, 'alice', 'secret');
    expect((await c.command(`PORT 127,0,0,1,${RANGE[1] >> 8},${RANGE[1] & 255}`)).code).toBe(200);
    const data = await accepted;
    const pair: Pair = { data: [data.remotePort!, RANGE[1]], control: c.socket.localPort! };
    await retrSmall(c, data, pair);
    c.close();
    listener.close();
  });
});
