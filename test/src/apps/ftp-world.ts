/**
 * A simulated client host and an FTP 7.5 server host for the adapter's integration tests, and a raw
 * client application driven by the test: it sends command lines, opens data connections, and records
 * what it gets.
 */
import { installNetwork } from '../../../sim/net/network.ts';
import { pathConfig } from '../../../sim/net/path-config.ts';
import type { AppCall } from '../../../sim/net/sockets.ts';
import * as net from '../../../sim/net/sockets.ts';
import type { Endpoint } from '../../../sim/tcp/segment.ts';
import { World } from '../../../sim/world.ts';
import { type FtpServerSpec, installFtpServer } from '../../../src/apps/ftp-server.ts';

export const CLIENT_ADDR = '10.0.0.1';
export const SERVER_ADDR = '10.0.0.2';
export const USERS = {
  users: [{ name: 'alice', password: 'pw' }],
  anonymous: false,
  isolation: 'None' as const,
};

export interface RawClient {
  world: World;
  /** Every reply line the client read on its control connection. */
  replies: string[];
  /** Bytes read on each data connection, by connection name. */
  received: Map<string, Uint8Array[]>;
  ctrl: string;
  /** Sends a command line (CRLF added unless `raw`). */
  send(line: string, raw?: boolean): void;
  /** Opens a data connection from the client to the server's port. */
  dataConnect(port: number, localPort?: number): string;
  /** Listens for an active-mode data connection. */
  dataListen(port: number): void;
  /** Runs until the client has read a reply with this code (after the ones already read). */
  until(code: number): void;
}

export function ftpWorld(server: Partial<FtpServerSpec> = {}, latency = '1ms', trace = true): RawClient {
  const w = new World({ seed: 7, trace });
  const config = pathConfig({ latency });
  installNetwork(
    w,
    {
      hosts: [
        { name: 'client', addr: CLIENT_ADDR },
        { name: 'server', addr: SERVER_ADDR },
      ],
      paths: [
        { from: 'client', to: 'server', config },
        { from: 'server', to: 'client', config },
      ],
    },
    net.deliver,
  );
  net.installSockets(w, { msl: 1_000_000_000 });
  installFtpServer(w, { host: 'server', ...server, config: { users: USERS, ...server.config } });
  const replies: string[] = [];
  const received = new Map<string, Uint8Array[]>();
  let pending = '';
  w.on('app:raw', (_world, { ev }: AppCall) => {
    if (ev.kind === 'data' && ev.conn === client.ctrl) {
      pending += Buffer.from(ev.bytes).toString('latin1');
      let i = pending.indexOf('\r\n');
      while (i >= 0) {
        replies.push(pending.slice(0, i));
        pending = pending.slice(i + 2);
        i = pending.indexOf('\r\n');
      }
    } else if (ev.kind === 'data') {
      received.set(ev.conn, [...(received.get(ev.conn) ?? []), ev.bytes]);
    } else if (ev.kind === 'peer-closed' && ev.conn !== client.ctrl) {
      net.close(_world, ev.conn);
    }
  });
  const app = { type: 'raw', id: 'c' };
  const target: Endpoint = { addr: SERVER_ADDR, port: 21 };
  const client: RawClient = {
    world: w,
    replies,
    received,
    ctrl: net.connect(w, 'client', target, { app, label: 'ctrl' }),
    send(line, raw = false) {
      w.input(`send ${line}`, (world) =>
        net.send(world, client.ctrl, Buffer.from(raw ? line : `${line}\r\n`, 'latin1')),
      );
    },
    dataConnect(port, localPort) {
      let name = '';
      w.input('data connect', (world) => {
        name = net.connect(world, 'client', { addr: SERVER_ADDR, port }, { app, label: 'data', localPort });
      });
      return name;
    },
    dataListen(port) {
      w.input('data listen', (world) => net.listen(world, 'client', port, { app, label: 'data' }));
    },
    until(code) {
      const start = replies.length;
      w.run({
        untilState: () => replies.slice(start).some((r) => r.startsWith(`${code} `)),
        maxSteps: 1_000_000,
      });
    },
  };
  return client;
}

export function login(c: RawClient): void {
  c.until(220);
  c.send('USER alice');
  c.until(331);
  c.send('PASS pw');
  c.until(230);
}
