/**
 * Emulator benchmark: throughput of 1 MB RETRs over loopback with 1 and with 50 clients at once, from
 * `netstep serve` and, in the same run, from pyftpdlib (Debian's python3-pyftpdlib, a Python FTP server whose
 * RETR uses sendfile) and from the node:net floor (bench/emulator-floor.ts: the socket work netstep serve
 * does for a RETR, with no FTP model). Each server runs as its own process, serving the same 1 MB file to
 * anonymous users; the clients are a minimal raw FTP client in this process (PASV, RETR, bytes counted and
 * dropped), the same for all, so the figures compare the servers. Figures, not a test: nothing fails on a
 * slow machine.
 *
 * How the figures are taken, the same way for every server:
 * - netstep serve and the floor run with the node flags of the netstep command (the first line of
 *   bin/netstep.js), as a user's `netstep serve` does.
 * - A first round of each kind (1 client, then 50) is a warm-up: node compiles the code a RETR runs as it
 *   goes (its first 500 RETRs cost netstep two to three times the CPU of later ones), CPython does not. Its
 *   figures are printed as "first round" so that a fresh server's speed stays in view; the comparison is
 *   made on the rounds after it, which alternate between the servers, each server keeping its best figure,
 *   so that a burst of load from elsewhere on the machine does not fall on one server only.
 * - CPU time is read from /proc/PID/task/<thread>/schedstat (nanoseconds, every thread of the process):
 *   /proc/PID/stat counts in 10 ms ticks, a tenth of a round's CPU time. The client's CPU per MB is printed
 *   beside the server's: the client runs in this process, and a server that makes it work harder (smaller
 *   sends wake it more often) is slowed by that too.
 *
 * Where the difference lies (measured on a 2-core VM, medians of late rounds of 300 RETRs, three runs):
 * - The floor is as fast as pyftpdlib: server CPU 0.49-0.54 ms per MB against 0.51-0.59 with 1 client,
 *   0.28-0.32 against 0.32-0.34 with 50. So node's sockets, with a listener per PASV and write(2) rather
 *   than sendfile, cost no more than pyftpdlib's whole server. Nor much less: by MB/s the floor reaches
 *   0.78-1.18 of pyftpdlib (best-of-rounds figures, eight runs on two days; a ninth, where other work fell on
 *   pyftpdlib's rounds, left out), so a goal of at least pyftpdlib's throughput leaves the FTP model no time.
 * - netstep serve: 0.70-0.74 and 0.42-0.43. The floor feeding the FTP model the same inputs beside its own
 *   work (nine per RETR; the outputs dropped) costs 0.68-0.72 and 0.37-0.45: the model is nearly all of the
 *   difference, the driver the rest.
 * - The model's steps for one RETR take 16-25 µs in a loop on their own, 100-130 µs of CPU inside the server.
 *   Fed to a second model right after the first, the same inputs cost less than half there: the code runs
 *   cold. In the loop, a 20 µs sleep between inputs (the server's thread sleeps in epoll between a client's
 *   events, and this machine's vCPU with it) makes the steps 2.6 times as dear; a 256 KiB copy between them
 *   1.4 times; a system call alone, nothing. Making the loop's steps cheaper (freezing a session field by
 *   field rather than with a for-in took 15% off them) showed nothing measurable in the server.
 * - Tried and dropped: sendfile(2) from a memfd copy of the file, in a native module. The server's copy went
 *   but the client's receive cost more (our reading: memfd pages are 4 KiB shmem on this kernel), and
 *   throughput fell: 704-960 MB/s against 952-1142 with write(2), 50 clients. Send chunks of 512 KiB and
 *   4 MiB, Nagle on the data sockets, and V8 flags (less inlining, single-threaded GC, semi-spaces of 1 to
 *   16 MB) changed nothing beyond the noise; without Turbofan (--max-opt=1 or --no-opt) the server took
 *   0.88-0.93 ms per MB, against 0.69-0.70 with it.
 */

import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { report } from './util.ts';

const FILE_BYTES = 1024 * 1024;
/** RETRs per client: a round takes a few tenths of a second at loopback speeds. */
const ONE_CLIENT_RETRS = 200;
const MANY_CLIENTS = 50;
const MANY_CLIENT_RETRS = 6;
/** Rounds compared, after the first (warm-up) round: enough for each server to meet a quiet moment. */
const ROUNDS = 5;
/** bench/emulator-floor.ts: the socket work of netstep serve on node:net, with no FTP model. */
const FLOOR = 'node:net floor';

/**
 * pyftpdlib as its own command line runs it, logging at INFO (a line per transfer and per session), the log
 * thrown away as netstep's W3C log is (--log /dev/null): each server does the logging it does by default.
 */
const PYFTPDLIB = `
import os, sys
from pyftpdlib.authorizers import DummyAuthorizer
from pyftpdlib.handlers import FTPHandler
from pyftpdlib.servers import FTPServer
import logging
logging.basicConfig(level=logging.INFO, stream=open(os.devnull, "w"))
authorizer = DummyAuthorizer()
authorizer.add_anonymous(sys.argv[1])
FTPHandler.authorizer = authorizer
FTPHandler.passive_ports = range(int(sys.argv[2]), int(sys.argv[3]))
server = FTPServer(("127.0.0.1", 0), FTPHandler)
server.max_cons = 256
server.max_cons_per_ip = 256
print("port", server.socket.getsockname()[1], flush=True)
server.serve_forever()
`;

interface Server {
  readonly name: string;
  readonly port: number;
  readonly child: ChildProcess;
}

/** Starts a server process and waits for the line that gives its port. */
function startServer(name: string, cmd: string, args: string[], portLine: RegExp): Promise<Server> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let seen = '';
    const look = (chunk: Buffer) => {
      seen += chunk.toString();
      const m = portLine.exec(seen);
      if (m !== null) resolve({ name, port: Number(m[1]), child });
    };
    child.stdout!.on('data', look);
    child.stderr!.on('data', look);
    child.once('exit', (code) => reject(new Error(`${name} exited (${code}) before listening:\n${seen}`)));
  });
}

/** A minimal FTP client: one control connection, RETRs over PASV, replies read line by line. */
class RawClient {
  private buf = '';
  private waiting: ((line: string) => void) | null = null;
  private lines: string[] = [];

  private constructor(private readonly socket: net.Socket) {
    socket.setEncoding('latin1');
    socket.on('data', (s: string) => {
      this.buf += s;
      for (let i = this.buf.indexOf('\r\n'); i >= 0; i = this.buf.indexOf('\r\n')) {
        const line = this.buf.slice(0, i);
        this.buf = this.buf.slice(i + 2);
        // The final line of a reply: three digits and a space.
        if (!/^\d{3} /.test(line)) continue;
        if (this.waiting !== null) {
          const w = this.waiting;
          this.waiting = null;
          w(line);
        } else this.lines.push(line);
      }
    });
  }

  static async open(port: number): Promise<RawClient> {
    const socket = net.connect({ host: '127.0.0.1', port });
    await new Promise((resolve, reject) => socket.once('connect', resolve).once('error', reject));
    const c = new RawClient(socket);
    await c.expect(220);
    await c.command('USER anonymous', 331);
    await c.command('PASS bench@', 230);
    await c.command('TYPE I', 200);
    return c;
  }

  reply(): Promise<string> {
    const line = this.lines.shift();
    if (line !== undefined) return Promise.resolve(line);
    return new Promise((resolve) => {
      this.waiting = resolve;
    });
  }

  async expect(code: number): Promise<string> {
    const line = await this.reply();
    if (!line.startsWith(String(code))) throw new Error(`expected ${code}, got ${line}`);
    return line;
  }

  command(line: string, code: number): Promise<string> {
    this.socket.write(`${line}\r\n`);
    return this.expect(code);
  }

  /** PASV, RETR: resolves with the bytes received once both the data EOF and the 226 have come. */
  async retr(path: string): Promise<number> {
    const pasv = await this.command('PASV', 227);
    const m = /\((\d+),(\d+),(\d+),(\d+),(\d+),(\d+)\)/.exec(pasv)!;
    const data = net.connect({ host: '127.0.0.1', port: Number(m[5]) * 256 + Number(m[6]) });
    let bytes = 0;
    data.on('data', (b: Buffer) => {
      bytes += b.length;
    });
    const eof = new Promise<void>((resolve, reject) =>
      data.once('close', () => resolve()).once('error', reject),
    );
    this.socket.write(`RETR ${path}\r\n`);
    const first = await this.reply();
    // 125 when the data connection was up before the RETR was read, 150 when it was not (both are FTP 7.5's).
    if (!/^1(25|50) /.test(first)) throw new Error(`RETR: ${first}`);
    await Promise.all([eof, this.expect(226)]);
    return bytes;
  }

  close(): void {
    this.socket.destroy();
  }
}

/**
 * CPU seconds a process has used, all its threads (Linux; 0 elsewhere): the first field of each thread's
 * schedstat is its time on a CPU in nanoseconds. A thread that has ended drops out of the sum, so a
 * difference is taken over threads that live through the measurement (node's and Python's do).
 */
function cpuSeconds(pid: number | 'self'): number {
  let ns = 0;
  try {
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      ns += Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ')[0]);
    }
  } catch {
    return 0;
  }
  return ns / 1e9;
}

interface Figure {
  /** Wall-clock throughput. */
  readonly mbPerSecond: number;
  /** The server's CPU time per MB sent: steadier than throughput on a busy machine. */
  readonly cpuMsPerMb: number;
  /** This process's (the clients') CPU time per MB received. */
  readonly clientCpuMsPerMb: number;
}

/** MB/s of `clients` clients each doing `retrs` RETRs of the file, all at once, and CPU per MB on each side. */
async function throughput(server: Server, clients: number, retrs: number): Promise<Figure> {
  const port = server.port;
  const open = await Promise.all(Array.from({ length: clients }, () => RawClient.open(port)));
  const cpu0 = cpuSeconds(server.child.pid!);
  const client0 = cpuSeconds('self');
  const t0 = process.hrtime.bigint();
  const totals = await Promise.all(
    open.map(async (c) => {
      let total = 0;
      for (let i = 0; i < retrs; i++) total += await c.retr('file.bin');
      return total;
    }),
  );
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpu = cpuSeconds(server.child.pid!) - cpu0;
  const clientCpu = cpuSeconds('self') - client0;
  for (const c of open) c.close();
  const bytes = totals.reduce((a, b) => a + b, 0);
  if (bytes !== clients * retrs * FILE_BYTES)
    throw new Error(`received ${bytes} bytes, expected ${clients * retrs * FILE_BYTES}`);
  const mb = bytes / 1024 / 1024;
  return {
    mbPerSecond: mb / seconds,
    cpuMsPerMb: (cpu * 1000) / mb,
    clientCpuMsPerMb: (clientCpu * 1000) / mb,
  };
}

export async function emulatorBench(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'netstep-bench-'));
  const file = Buffer.alloc(FILE_BYTES);
  for (let i = 0; i < file.length; i++) file[i] = (i * 2654435761) >>> 24;
  writeFileSync(join(dir, 'file.bin'), file);
  const netstep = fileURLToPath(new URL('../bin/netstep.js', import.meta.url));
  const floor = fileURLToPath(new URL('./emulator-floor.ts', import.meta.url));
  const servers: Server[] = [];
  try {
    servers.push(
      await startServer(
        'netstep serve',
        process.execPath,
        [
          ...cliFlags(netstep),
          netstep,
          'serve',
          '--port',
          '0',
          '--anonymous',
          '--files',
          dir,
          '--log',
          '/dev/null',
          '--max-per-ip',
          '128',
          '--pasv-ports',
          '61000-62499',
        ],
        /listening on ftp:\/\/127\.0\.0\.1:(\d+)\//,
      ),
    );
    servers.push(
      await startServer(
        'pyftpdlib',
        '/usr/bin/python3',
        ['-c', PYFTPDLIB, dir, '62500', '63999'],
        /^port (\d+)$/m,
      ),
    );
    servers.push(
      await startServer(
        FLOOR,
        process.execPath,
        [...cliFlags(netstep), '--import', 'tsx', floor, join(dir, 'file.bin'), '64000', '65499'],
        /listening on ftp:\/\/127\.0\.0\.1:(\d+)\//,
      ),
    );
    const kinds = [
      { label: '1 client', clients: 1, retrs: ONE_CLIENT_RETRS },
      { label: `${MANY_CLIENTS} clients`, clients: MANY_CLIENTS, retrs: MANY_CLIENT_RETRS },
    ];
    const first: Record<string, Figure[]> = {};
    const best: Record<string, Figure[]> = {};
    const better = (a: Figure, b: Figure): Figure => ({
      mbPerSecond: Math.max(a.mbPerSecond, b.mbPerSecond),
      cpuMsPerMb: Math.min(a.cpuMsPerMb, b.cpuMsPerMb),
      clientCpuMsPerMb: Math.min(a.clientCpuMsPerMb, b.clientCpuMsPerMb),
    });
    for (let round = 0; round <= ROUNDS; round++) {
      for (const s of servers) {
        const figures: Figure[] = [];
        for (const k of kinds) figures.push(await throughput(s, k.clients, k.retrs));
        if (round === 0) first[s.name] = figures;
        else best[s.name] = round === 1 ? figures : figures.map((f, i) => better(best[s.name]![i]!, f));
      }
    }
    const show = (f: Figure) =>
      `${f.mbPerSecond.toFixed(0)} MB/s, server CPU ${f.cpuMsPerMb.toFixed(2)} ms/MB, client CPU ${f.clientCpuMsPerMb.toFixed(2)} ms/MB`;
    const rows: [string, string][] = [];
    for (const s of servers) {
      kinds.forEach((k, i) => {
        rows.push([`${s.name}, ${k.label}`, show(best[s.name]![i]!)]);
      });
    }
    for (const s of servers) {
      kinds.forEach((k, i) => {
        rows.push([`${s.name}, ${k.label}, first round`, show(first[s.name]![i]!)]);
      });
    }
    const ratios = (label: string, ours: Figure[], theirs: Figure[]) =>
      kinds.forEach((k, i) => {
        const mbs = ours[i]!.mbPerSecond / theirs[i]!.mbPerSecond;
        const cpu = theirs[i]!.cpuMsPerMb / ours[i]!.cpuMsPerMb;
        rows.push([`${label}, ${k.label}`, `${mbs.toFixed(2)} by MB/s, ${cpu.toFixed(2)} by CPU per MB`]);
      });
    ratios('ratio netstep / pyftpdlib (goal >= 1)', best['netstep serve']!, best.pyftpdlib!);
    ratios('ratio node:net floor / pyftpdlib', best[FLOOR]!, best.pyftpdlib!);
    report(
      `emulator: 1 MB RETRs over loopback (PASV), ${ONE_CLIENT_RETRS} by 1 client, ${MANY_CLIENT_RETRS} each by ${MANY_CLIENTS}; a first round, then the best of ${ROUNDS}`,
      rows,
    );
  } finally {
    for (const s of servers) s.child.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The node flags on the first line of bin/netstep.js (`#!/usr/bin/env -S node --flag ...`). */
function cliFlags(script: string): string[] {
  const shebang = readFileSync(script, 'utf8').split('\n', 1)[0]!;
  return shebang.split(/\s+/).filter((w) => w.startsWith('--'));
}

if (import.meta.url === `file://${process.argv[1]}`) await emulatorBench();
