/**
 * FTP 7.5's data channel on real sockets, seen from a raw client: the SYN of an active connection leaves
 * before the 200 reply; 125 or 150 by whether the data connection is established; 226 as soon as the server
 * has closed its side, without waiting for the client's; a passive connection is not established until the
 * previous one is fully closed; active mode to a port below 1024 fails with 425; active connections leave
 * from port 20 (the tests run as root) or from an ephemeral port when it cannot be had.
 */

import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  content,
  drain,
  emulator,
  kernelSockets,
  passivePort,
  RawClient,
  type TestEmulator,
  waitFor,
} from './helpers.ts';

const FILE = content(300_000, 'wire');

let t: TestEmulator;

beforeAll(async () => {
  t = await emulator([64000, 64499], { files: { 'file.bin': FILE, 'small.txt': 'small' } });
});

afterAll(() => t.emu.close());

/** A listening socket for active mode, and the connections it gets. */
async function activeListener(): Promise<{
  server: net.Server;
  port: number;
  next: () => Promise<net.Socket>;
}> {
  const waiting: net.Socket[] = [];
  const wanted: ((s: net.Socket) => void)[] = [];
  const server = net.createServer((s) => {
    const w = wanted.shift();
    if (w !== undefined) w(s);
    else waiting.push(s);
  });
  await new Promise<void>((resolve) => server.listen({ host: '127.0.0.1', port: 0 }, resolve));
  const port = (server.address() as net.AddressInfo).port;
  const next = () =>
    new Promise<net.Socket>((resolve) => {
      const s = waiting.shift();
      if (s !== undefined) resolve(s);
      else wanted.push(resolve);
    });
  return { server, port, next };
}

function portArg(port: number): string {
  return `127,0,0,1,${port >> 8},${port & 255}`;
}

const isInput = (kind: string, session?: string) => (e: (typeof t.observed)[number]) =>
  e.kind === 'input' &&
  e.input.kind === kind &&
  (session === undefined || ('session' in e.input && e.input.session === session));

describe('active mode', () => {
  it('starts the data connection (SYN sent) before it writes the 200 reply to PORT, from port 20', async () => {
    const listener = await activeListener();
    let atReply: { remote: number; state: string }[] | null = null;
    const from = t.observed.length;
    const c = await RawClient.login(t.port, 'alice', 'secret');
    // When the emulator writes the 200, the kernel must already hold its connection to our listener.
    t.tap = (e) => {
      if (
        e.kind === 'output' &&
        e.output.kind === 'control-write' &&
        e.output.code === 200 &&
        atReply === null
      ) {
        atReply = kernelSockets().filter((k) => k.remote === listener.port);
      }
    };
    try {
      expect(await c.command(`PORT ${portArg(listener.port)}`)).toEqual({
        code: 200,
        text: '200 PORT command successful.',
      });
    } finally {
      t.tap = null;
    }
    // SYN-SENT (02) or already ESTABLISHED (01): the connect had been issued.
    expect(atReply).not.toBeNull();
    expect(atReply!.map((k) => k.state)).toEqual([expect.stringMatching(/^0[12]$/)]);
    const data = await listener.next();
    expect(data.remotePort).toBe(20);
    await waitFor(t.observed, isInput('data-connected'), from);
    // The connection is established before RETR: 125.
    const got = drain(data);
    expect(await c.command('RETR file.bin')).toEqual({
      code: 125,
      text: '125 Data connection already open; Transfer starting.',
    });
    expect((await c.reply()).code).toBe(226);
    expect((await got).bytes.equals(FILE)).toBe(true);
    c.close();
    listener.server.close();
  });

  it('answers 200 to PORT with a port below 1024, connects nowhere, and fails the transfer with 425 (Win32 87)', async () => {
    const c = await RawClient.login(t.port, 'alice', 'secret');
    const from = t.observed.length;
    expect((await c.command('PORT 127,0,0,1,3,232')).code).toBe(200);
    expect(await c.command('RETR small.txt')).toEqual({
      code: 425,
      text: '425 Cannot open data connection.',
    });
    expect(t.observed.slice(from).some((e) => e.kind === 'output' && e.output.kind === 'data-connect')).toBe(
      false,
    );
    expect(t.log.at(-1)!.split(' ').slice(6, 11).join(' ')).toBe('RETR small.txt 425 87 0');
    c.close();
  });

  it('leaves from an ephemeral port when the active data port is taken', async () => {
    const taken = await activeListener();
    const e = await emulator([64000, 64499], {
      files: { 'small.txt': 'small' },
      config: { activeDataPort: taken.port },
    });
    const listener = await activeListener();
    const c = await RawClient.login(e.port, 'alice', 'secret');
    expect((await c.command(`PORT ${portArg(listener.port)}`)).code).toBe(200);
    const data = await listener.next();
    expect(data.remotePort).not.toBe(taken.port);
    const got = drain(data);
    expect((await c.command('RETR small.txt')).code).toBe(125);
    expect((await c.reply()).code).toBe(226);
    expect((await got).bytes.toString()).toBe('small');
    c.close();
    await e.emu.close();
    taken.server.close();
    listener.server.close();
  });
});

describe('passive mode', () => {
  it('answers 150 when the data connection is not up yet, then sends when it comes', async () => {
    const c = await RawClient.login(t.port, 'alice', 'secret');
    const port = passivePort(await c.command('PASV'));
    expect(await c.command('RETR file.bin')).toEqual({
      code: 150,
      text: '150 Opening ASCII mode data connection.',
    });
    const data = net.connect({ host: '127.0.0.1', port });
    const got = drain(data);
    expect((await c.reply()).code).toBe(226);
    expect((await got).bytes.equals(FILE)).toBe(true);
    c.close();
  });

  it('writes 226 once it has closed its side, before the client closes its own (data-closed comes later)', async () => {
    const c = await RawClient.login(t.port, 'alice', 'secret');
    const from = t.observed.length;
    const port = passivePort(await c.command('EPSV'));
    const data = net.connect({ host: '127.0.0.1', port, allowHalfOpen: true });
    const parts: Buffer[] = [];
    data.on('data', (b: Buffer) => parts.push(b));
    const eof = new Promise<void>((resolve) => data.once('end', () => resolve()));
    await waitFor(t.observed, isInput('data-accepted'), from);
    expect((await c.command('RETR file.bin')).code).toBe(125);
    // The client has not closed its side: 226 all the same, and the server's FIN (EOF) arrives.
    expect(await c.reply()).toEqual({ code: 226, text: '226 Transfer complete.' });
    await eof;
    expect(Buffer.concat(parts).equals(FILE)).toBe(true);
    const after226 = t.observed.length;
    expect(t.observed.slice(from).some(isInput('data-closed'))).toBe(false);
    // Order of the emulator's work: the FIN (data-close) is carried out before the 226 is written.
    const out = t.observed.slice(from).flatMap((e) => (e.kind === 'output' ? [e.output] : []));
    const close = out.findIndex((o) => o.kind === 'data-close');
    const reply = out.findIndex((o) => o.kind === 'control-write' && o.code === 226);
    expect(close).toBeGreaterThanOrEqual(0);
    expect(close).toBeLessThan(reply);
    data.end();
    await waitFor(t.observed, isInput('data-closed'), after226);
    c.close();
  });

  it('tells the model of a drain after each chunk but the last, which goes out with the FIN and the 226', async () => {
    const c = await RawClient.login(t.port, 'alice', 'secret');
    expect((await c.command('TYPE I')).code).toBe(200);
    const from = t.observed.length;
    const data = net.connect({ host: '127.0.0.1', port: passivePort(await c.command('PASV')) });
    const got = drain(data);
    expect((await c.command('RETR file.bin')).code).toBe(150);
    expect((await c.reply()).code).toBe(226);
    expect((await got).bytes.equals(FILE)).toBe(true);
    await waitFor(t.observed, isInput('data-closed'), from);
    // The model's data-sends and the driver's data-drained, in the order they happened.
    const flow = t.observed.slice(from).flatMap((e) => {
      if (e.kind === 'output' && (e.output.kind === 'data-send' || e.output.kind === 'data-close'))
        return [e.output.kind === 'data-send' ? `send ${e.output.bytes.length}` : 'close'];
      if (e.kind === 'input' && e.input.kind === 'data-drained') return ['drained'];
      return [];
    });
    // 300,000 bytes in chunks of 256 KiB: the second chunk is the last.
    expect(flow).toEqual(['send 262144', 'drained', 'send 37856', 'close']);
    c.close();
  });

  it('does not establish a passive connection until the previous data connection is fully closed', async () => {
    const c = await RawClient.login(t.port, 'alice', 'secret');
    // First transfer: the client reads it all but keeps its side of the connection open.
    const first = net.connect({
      host: '127.0.0.1',
      port: passivePort(await c.command('PASV')),
      allowHalfOpen: true,
    });
    first.resume();
    expect((await c.command('LIST')).code).toBe(150);
    expect((await c.reply()).code).toBe(226);
    // Second: the 227 comes at once (pasvWait 'accept'), the kernel completes the handshake, but the server
    // does not treat the connection as established: the transfer command gets 150, and no byte flows.
    const port = passivePort(await c.command('PASV'));
    const from = t.observed.length;
    const second = net.connect({ host: '127.0.0.1', port });
    await new Promise((resolve) => second.once('connect', resolve));
    await waitFor(t.observed, isInput('data-accepted'), from);
    const got = drain(second);
    expect((await c.command('RETR small.txt')).code).toBe(150);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(c.pending).toBe(0);
    // The previous connection closes: the held one is released, the transfer runs.
    first.end();
    expect(await c.reply()).toEqual({ code: 226, text: '226 Transfer complete.' });
    expect((await got).bytes.toString()).toBe('small');
    const kinds = t.observed
      .slice(from)
      .flatMap((e) =>
        e.kind === 'output' && e.output.kind === 'data-release'
          ? ['release']
          : e.kind === 'input' && e.input.kind === 'data-closed'
            ? ['closed']
            : [],
      );
    expect(kinds.slice(0, 2)).toEqual(['closed', 'release']);
    c.close();
  });
});
