/**
 * Emulator benchmark: throughput of 1 MB RETRs over loopback with 1 and with 50 clients at once, from
 * `netstep serve` and, in the same run, from pyftpdlib (Debian's python3-pyftpdlib, a Python FTP server whose
 * RETR uses sendfile). Both servers run as their own process, serving the same 1 MB file to anonymous users;
 * the clients are a minimal raw FTP client in this process (PASV, RETR, bytes counted and dropped), the same
 * for both, so the figures compare the servers. Figures, not a test: nothing fails on a slow machine.
 */

import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { report } from './util.ts';

const FILE_BYTES = 1024 * 1024;
/** RETRs per client: enough for a few seconds of work at loopback speeds. */
const ONE_CLIENT_RETRS = 100;
const MANY_CLIENTS = 50;
const MANY_CLIENT_RETRS = 4;
const ROUNDS = 3;

const PYFTPDLIB = `
import sys
from pyftpdlib.authorizers import DummyAuthorizer
from pyftpdlib.handlers import FTPHandler
from pyftpdlib.servers import FTPServer
import logging
logging.basicConfig(level=logging.ERROR)
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
    if (!/^1[25]0 /.test(first)) throw new Error(`RETR: ${first}`);
    await Promise.all([eof, this.expect(226)]);
    return bytes;
  }

  close(): void {
    this.socket.destroy();
  }
}

/** CPU seconds (user + system) a process has used, from /proc (Linux; 0 elsewhere). */
function cpuSeconds(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (USER_HZ = 100)
  } catch {
    return 0;
  }
}

interface Figure {
  /** Wall-clock throughput. */
  readonly mbPerSecond: number;
  /** The server's CPU time per MB sent: steadier than throughput on a busy machine. */
  readonly cpuMsPerMb: number;
}

/** MB/s of `clients` clients each doing `retrs` RETRs of the file, all at once, and the server's CPU per MB. */
async function throughput(server: Server, clients: number, retrs: number): Promise<Figure> {
  const port = server.port;
  const open = await Promise.all(Array.from({ length: clients }, () => RawClient.open(port)));
  const cpu0 = cpuSeconds(server.child.pid!);
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
  for (const c of open) c.close();
  const bytes = totals.reduce((a, b) => a + b, 0);
  if (bytes !== clients * retrs * FILE_BYTES)
    throw new Error(`received ${bytes} bytes, expected ${clients * retrs * FILE_BYTES}`);
  const mb = bytes / 1024 / 1024;
  return { mbPerSecond: mb / seconds, cpuMsPerMb: (cpu * 1000) / mb };
}

export async function emulatorBench(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'netstep-bench-'));
  const file = Buffer.alloc(FILE_BYTES);
  for (let i = 0; i < file.length; i++) file[i] = (i * 2654435761) >>> 24;
  writeFileSync(join(dir, 'file.bin'), file);
  const netstep = fileURLToPath(new URL('../bin/netstep.js', import.meta.url));
  const servers: Server[] = [];
  try {
    servers.push(
      await startServer(
        'netstep serve',
        process.execPath,
        [
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
          '61000-62999',
        ],
        /listening on ftp:\/\/127\.0\.0\.1:(\d+)\//,
      ),
    );
    servers.push(
      await startServer(
        'pyftpdlib',
        '/usr/bin/python3',
        ['-c', PYFTPDLIB, dir, '63000', '64999'],
        /^port (\d+)$/m,
      ),
    );
    // Rounds alternate between the servers and each keeps its best figure, so that a burst of load from
    // elsewhere on the machine does not fall on one server only.
    const best: Record<string, Figure[]> = {};
    const better = (a: Figure, b: Figure): Figure => ({
      mbPerSecond: Math.max(a.mbPerSecond, b.mbPerSecond),
      cpuMsPerMb: Math.min(a.cpuMsPerMb, b.cpuMsPerMb),
    });
    for (const s of servers) {
      await throughput(s, 1, 5); // warm-up
      const none = { mbPerSecond: 0, cpuMsPerMb: Number.POSITIVE_INFINITY };
      best[s.name] = [none, none];
    }
    for (let round = 0; round < ROUNDS; round++) {
      for (const s of servers) {
        const b = best[s.name]!;
        b[0] = better(b[0]!, await throughput(s, 1, ONE_CLIENT_RETRS));
        b[1] = better(b[1]!, await throughput(s, MANY_CLIENTS, MANY_CLIENT_RETRS));
      }
    }
    const rows: [string, string][] = [];
    const label = ['1 client', `${MANY_CLIENTS} clients`];
    for (const s of servers) {
      best[s.name]!.forEach((f, i) => {
        rows.push([
          `${s.name}, ${label[i]}`,
          `${f.mbPerSecond.toFixed(0)} MB/s, server CPU ${f.cpuMsPerMb.toFixed(2)} ms/MB`,
        ]);
      });
    }
    const [ours, theirs] = [best['netstep serve']!, best.pyftpdlib!];
    label.forEach((l, i) => {
      const mbs = ours[i]!.mbPerSecond / theirs[i]!.mbPerSecond;
      const cpu = theirs[i]!.cpuMsPerMb / ours[i]!.cpuMsPerMb;
      rows.push([
        `ratio netstep / pyftpdlib, ${l} (goal >= 1)`,
        `${mbs.toFixed(2)} by MB/s, ${cpu.toFixed(2)} by CPU per MB`,
      ]);
    });
    report(
      `emulator: 1 MB RETRs over loopback (PASV), ${ONE_CLIENT_RETRS} by 1 client, ${MANY_CLIENT_RETRS} each by ${MANY_CLIENTS}, best of ${ROUNDS} rounds`,
      rows,
    );
  } finally {
    for (const s of servers) s.child.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await emulatorBench();
