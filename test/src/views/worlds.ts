/**
 * Real simulated worlds for the view tests, built straight on the engine (network, sockets, the FTP server
 * model) with two tiny applications of the test's own, so the views are checked on traces the simulator
 * itself writes:
 * - an FTP client that logs in anonymously, downloads one file in passive mode and quits;
 * - a bulk sender and a sink over plain TCP, optionally on a lossy path.
 */

import { installNetwork } from '../../../sim/net/network.ts';
import { pathConfig } from '../../../sim/net/path-config.ts';
import type { AppCall } from '../../../sim/net/sockets.ts';
import * as net from '../../../sim/net/sockets.ts';
import { World } from '../../../sim/world.ts';
import { installFtpServer } from '../../../src/apps/ftp-server.ts';

export const HOSTS = [
  { name: 'client', addr: '10.0.0.1' },
  { name: 'server', addr: '10.0.0.2' },
];

function twoHosts(seed: number | string, path: Parameters<typeof pathConfig>[0]): World {
  const w = new World({ seed });
  const config = pathConfig(path);
  installNetwork(
    w,
    {
      hosts: HOSTS,
      paths: [
        { from: 'client', to: 'server', config },
        { from: 'server', to: 'client', config },
      ],
    },
    net.deliver,
  );
  net.installSockets(w, {});
  return w;
}

export const FILE = 'The quick brown fox jumps over the lazy dog.\r\n'.repeat(100);

/** Anonymous login, PASV, RETR a.txt, QUIT, against the FTP 7.5 model (or iis6). Runs to the end. */
export function ftpDownload(o: { seed?: number | string; profile?: 'ftp75' | 'iis6' } = {}): World {
  const w = twoHosts(o.seed ?? 1, { latency: '1ms', bandwidth: '10Mbps' });
  installFtpServer(w, {
    host: 'server',
    config: { profile: o.profile ?? 'ftp75', users: { users: [], anonymous: true, isolation: 'None' } },
    files: { 'a.txt': FILE },
  });
  const say = (world: World, conn: string, line: string) =>
    net.send(world, conn, new TextEncoder().encode(`${line}\r\n`));
  let pending = '';
  w.on('app:ftp-client', (world, { app, ev }: AppCall) => {
    if (app === 'data') {
      if (ev.kind === 'peer-closed') net.close(world, ev.conn);
      return;
    }
    if (ev.kind === 'peer-closed') net.close(world, ev.conn);
    if (ev.kind !== 'data') return;
    pending += new TextDecoder().decode(ev.bytes);
    for (let end = pending.indexOf('\r\n'); end >= 0; end = pending.indexOf('\r\n')) {
      const line = pending.slice(0, end);
      pending = pending.slice(end + 2);
      if (line[3] !== ' ') continue; // a middle line of a multi-line reply
      const code = line.slice(0, 3);
      if (code === '220') say(world, ev.conn, 'USER anonymous');
      else if (code === '331') say(world, ev.conn, 'PASS guest@example.com');
      else if (code === '230') say(world, ev.conn, 'PASV');
      else if (code === '227') {
        const [, p1, p2] = /,(\d+),(\d+)\)/.exec(line)!;
        const port = Number(p1) * 256 + Number(p2);
        net.connect(
          world,
          'client',
          { addr: '10.0.0.2', port },
          { app: { type: 'ftp-client', id: 'data' }, label: 'data' },
        );
        say(world, ev.conn, 'RETR a.txt');
      } else if (code === '226') say(world, ev.conn, 'QUIT');
    }
  });
  net.connect(
    w,
    'client',
    { addr: '10.0.0.2', port: 21 },
    { app: { type: 'ftp-client', id: 'ctrl' }, label: 'ctrl' },
  );
  w.run();
  return w;
}

/** `bytes` bytes from client to server over one connection, then both close. Runs to the end. */
export function bulkTransfer(o: { seed?: number | string; bytes?: number; loss?: number } = {}): World {
  const w = twoHosts(o.seed ?? 1, {
    latency: '1ms',
    bandwidth: '10Mbps',
    ...(o.loss ? { loss: o.loss } : {}),
  });
  const data = Uint8Array.from({ length: o.bytes ?? 50_000 }, (_, i) => (i * 31 + 7) & 0xff);
  w.on('app:bulk', (world, { app, ev }: AppCall) => {
    if (app === 'sender' && ev.kind === 'connected') {
      net.send(world, ev.conn, data);
      net.close(world, ev.conn);
    }
    if (app === 'sink' && ev.kind === 'peer-closed') net.close(world, ev.conn);
  });
  net.listen(w, 'server', 5001, { app: { type: 'bulk', id: 'sink' } });
  net.connect(w, 'client', { addr: '10.0.0.2', port: 5001 }, { app: { type: 'bulk', id: 'sender' } });
  w.run();
  return w;
}
