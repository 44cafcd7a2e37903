/**
 * A small FTP world for the API's tests, built with the simulator's own pieces and a scripted client of a
 * few lines, so that these tests depend on the engine and the server model only: a client host and a server
 * host, 1 ms apart; the client logs in, downloads one file over an active (PORT) or a passive (PASV) data
 * connection, and quits. The client sends its next line on each final reply (2xx-5xx), as a simple client does.
 */
import { installNetwork } from '../../../sim/net/network.ts';
import { pathConfig } from '../../../sim/net/path-config.ts';
import type { AppCall } from '../../../sim/net/sockets.ts';
import * as net from '../../../sim/net/sockets.ts';
import { World } from '../../../sim/world.ts';
import { Simulation } from '../../../src/api/simulation.ts';
import { installFtpServer } from '../../../src/apps/ftp-server.ts';

export const CLIENT = '10.0.0.1';
export const SERVER = '10.0.0.2';

export interface FixtureOptions {
  readonly mode?: 'active' | 'passive';
  readonly profile?: 'ftp75' | 'iis6';
  readonly file?: string;
  readonly seed?: number;
  /** Command lines after login; default: the transfer of f.txt, then QUIT. */
  readonly script?: readonly string[];
}

export function ftpFixtureWorld(o: FixtureOptions = {}): World {
  const w = new World({ seed: o.seed ?? 1, trace: true, history: true });
  const link = pathConfig({ latency: '1ms' });
  installNetwork(
    w,
    {
      hosts: [
        { name: 'client', addr: CLIENT },
        { name: 'server', addr: SERVER },
      ],
      paths: [
        { from: 'client', to: 'server', config: link },
        { from: 'server', to: 'client', config: link },
      ],
    },
    net.deliver,
  );
  net.installSockets(w, { msl: 1_000_000_000 });
  installFtpServer(w, {
    host: 'server',
    config: {
      profile: o.profile ?? 'ftp75',
      users: { users: [{ name: 'alice', password: 'pw' }], anonymous: false, isolation: 'None' },
    },
    files: { 'f.txt': o.file ?? 'hello, world\r\n' },
  });
  const mode = o.mode ?? 'active';
  const transfer = mode === 'active' ? ['PORT 10,0,0,1,19,136', 'RETR f.txt'] : ['PASV', 'RETR f.txt'];
  const script = ['USER alice', 'PASS pw', ...(o.script ?? [...transfer, 'QUIT'])];
  const app = { type: 'fixture', id: 'client' };

  w.on('fixture:start', (world) => {
    if (mode === 'active') net.listen(world, 'client', 5000, { app, label: 'data' });
    net.connect(world, 'client', { addr: SERVER, port: 21 }, { app, label: 'ctrl' });
  });
  w.on('app:fixture', (world, { ev }: AppCall) => {
    const key = 'fixture:client';
    const s = world.get<{ ctrl: string; buf: string; next: number }>(key) ?? { ctrl: '', buf: '', next: 0 };
    if (ev.kind === 'connected' && ev.conn.includes('/ctrl#')) {
      world.set(key, { ...s, ctrl: ev.conn });
      return;
    }
    if (ev.kind === 'data' && ev.conn === s.ctrl) {
      let buf = s.buf + Buffer.from(ev.bytes).toString('latin1');
      let next = s.next;
      for (let i = buf.indexOf('\r\n'); i >= 0; i = buf.indexOf('\r\n')) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 2);
        const m = /^(\d{3}) /.exec(line);
        if (m === null || Number(m[1]) < 200) continue;
        const pasv = /\((\d+),(\d+),(\d+),(\d+),(\d+),(\d+)\)/.exec(line);
        if (m[1] === '227' && pasv) {
          const port = Number(pasv[5]) * 256 + Number(pasv[6]);
          net.connect(world, 'client', { addr: SERVER, port }, { app, label: 'data' });
        }
        if (next < script.length) net.send(world, s.ctrl, Buffer.from(`${script[next++]}\r\n`, 'latin1'));
      }
      world.set(key, { ...s, buf, next });
      return;
    }
    if (ev.kind === 'peer-closed') net.close(world, ev.conn);
  });
  w.schedule(0, 'fixture:start');
  return w;
}

export function ftpFixture(o: FixtureOptions = {}): Simulation {
  return new Simulation(ftpFixtureWorld(o), {
    name: `fixture-${o.mode ?? 'active'}`,
    profile: o.profile ?? 'ftp75',
  });
}
