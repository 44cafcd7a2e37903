/**
 * The order of a data connection's FIN and the 226 reply on real sockets (issue #8). FTP 7.5 closes the data
 * connection and then sends 226 (KB 2505047), and the model gives its outputs in that order; the emulator
 * must hand them to the kernel in that order too. node issues a socket's shutdown() a turn of the event loop
 * after end(), so writing the 226 in the same turn sent it first.
 *
 * What the tests look at is the kernel's own state, not the client's events (on loopback a client may see
 * the 226 before the EOF whatever the server did): at the instant the emulator hands the 226 to its control
 * socket, the server's end of the data connection must already have left ESTABLISHED (/proc/net/tcp: the
 * shutdown() has been made). The capture test (wire-capture.test.ts) shows the same order on the wire.
 */

import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  drain,
  emulator,
  kernelSockets,
  passivePort,
  RawClient,
  type TestEmulator,
  waitFor,
} from './helpers.ts';

const RANGE = [65400, 65499] as const;
/** /proc/net/tcp states (include/net/tcp_states.h). */
const ESTABLISHED = '01';
const FIN_WAIT1 = '04';
const FIN_WAIT2 = '05';

/**
 * Larger than all the buffers of a loopback connection whose receiver does not read (the sender's at most
 * net.ipv4.tcp_wmem's 4 MiB, the receiver's its initial 128 KiB, which grows only as the application reads),
 * and sent in one data-send (sendChunkBytes), so that the model closes while most of it is still in node.
 */
const BIG = Buffer.alloc(32 * 1024 * 1024, 0x5a);

let t: TestEmulator;

beforeAll(async () => {
  t = await emulator(RANGE, {
    files: { 'small.txt': 'small', 'file.bin': Buffer.alloc(300_000, 7), 'big.bin': BIG },
    config: { sendChunkBytes: BIG.length },
  });
});

afterAll(() => t.emu.close());

/**
 * Runs `transfer` and returns the /proc/net/tcp state of the server's end of the data connection (local port
 * `serverPort`, remote port `clientPort()`) at the instant the emulator hands the 226 to the kernel.
 */
async function stateAt226(
  serverPort: number,
  clientPort: () => number,
  transfer: () => Promise<void>,
): Promise<string[] | null> {
  let seen: string[] | null = null;
  t.tap = (e) => {
    if (e.kind === 'output' && e.output.kind === 'control-write' && e.output.code === 226 && seen === null) {
      seen = kernelSockets()
        .filter((k) => k.local === serverPort && k.remote === clientPort())
        .map((k) => k.state);
    }
  };
  try {
    await transfer();
  } finally {
    t.tap = null;
  }
  return seen;
}

describe('FIN before 226', () => {
  it('passive: the server has shut its side of the data connection when it writes the 226', async () => {
    const c = await RawClient.login(t.port, 'alice', 'secret');
    const port = passivePort(await c.command('PASV'));
    // The client keeps its side open: the server's end can only be in FIN-WAIT-1 or -2 once it has sent FIN.
    const data = net.connect({ host: '127.0.0.1', port, allowHalfOpen: true });
    await new Promise((resolve) => data.once('connect', resolve));
    const got = drain(data);
    const states = await stateAt226(
      port,
      () => data.localPort!,
      async () => {
        expect((await c.command('RETR file.bin')).code).toBe(125);
        expect(await c.reply()).toEqual({ code: 226, text: '226 Transfer complete.' });
      },
    );
    expect(states).toEqual([expect.stringMatching(new RegExp(`^(${FIN_WAIT1}|${FIN_WAIT2})$`))]);
    data.end();
    expect((await got).bytes.length).toBe(300_000);
    c.close();
  });

  it('active: the same, for a connection the server opened (from port 20)', async () => {
    const listener = net.createServer({ allowHalfOpen: true });
    await new Promise<void>((resolve) => listener.listen({ host: '127.0.0.1', port: 0 }, resolve));
    const lport = (listener.address() as net.AddressInfo).port;
    const accepted = new Promise<net.Socket>((resolve) => listener.once('connection', resolve));
    const c = await RawClient.login(t.port, 'alice', 'secret');
    expect((await c.command(`PORT 127,0,0,1,${lport >> 8},${lport & 255}`)).code).toBe(200);
    const data = await accepted;
    const got = drain(data);
    const states = await stateAt226(
      data.remotePort!,
      () => lport,
      async () => {
        expect((await c.command('RETR small.txt')).code).toBe(125);
        expect((await c.reply()).code).toBe(226);
      },
    );
    expect(states).toEqual([expect.stringMatching(new RegExp(`^(${FIN_WAIT1}|${FIN_WAIT2})$`))]);
    data.end();
    expect((await got).bytes.toString()).toBe('small');
    c.close();
    listener.close();
  });

  it('holds the 226 while the last bytes wait for a client that does not read, and sends it once they are in', async () => {
    const c = await RawClient.login(t.port, 'alice', 'secret');
    const port = passivePort(await c.command('PASV'));
    const data = net.connect({ host: '127.0.0.1', port });
    data.pause(); // reads nothing yet: the kernel's buffers fill, the rest of the file waits in node
    await new Promise((resolve) => data.once('connect', resolve));
    const from = t.observed.length;
    expect((await c.command('RETR big.bin')).code).toBe(125);
    // The model has closed the connection and given its 226 ...
    await waitFor(t.observed, (e) => e.kind === 'output' && e.output.kind === 'data-close', from);
    await new Promise((resolve) => setTimeout(resolve, 100));
    // ... but the FIN cannot go before the bytes it follows, and the 226 waits for the FIN.
    expect(c.pending).toBe(0);
    expect(kernelSockets().filter((k) => k.local === port && k.remote === data.localPort)).toEqual([
      expect.objectContaining({ state: ESTABLISHED }),
    ]);
    const got = drain(data);
    data.resume();
    expect(await c.reply()).toEqual({ code: 226, text: '226 Transfer complete.' });
    const { bytes, end } = await got;
    expect(end).toBe('eof');
    expect(bytes.equals(BIG)).toBe(true);
    c.close();
  });

  it('resets the data connection of a client that reads nothing for the data channel timeout, then sends the 226', async () => {
    const e = await emulator(RANGE, {
      files: { 'big.bin': BIG },
      config: { sendChunkBytes: BIG.length, dataChannelTimeout: '300ms' },
    });
    try {
      const c = await RawClient.login(e.port, 'alice', 'secret');
      const port = passivePort(await c.command('PASV'));
      const data = net.connect({ host: '127.0.0.1', port });
      data.pause();
      data.on('error', () => {});
      await new Promise((resolve) => data.once('connect', resolve));
      expect((await c.command('RETR big.bin')).code).toBe(125);
      expect((await c.reply()).code).toBe(226);
      // The 226 was written a data channel timeout after the model closed the connection, the reset between.
      const close = e.observed.find((o) => o.kind === 'output' && o.output.kind === 'data-close')!;
      const reply = e.observed.find(
        (o) => o.kind === 'output' && o.output.kind === 'control-write' && o.output.code === 226,
      )!;
      expect((reply.at - close.at) / 1e6).toBeGreaterThanOrEqual(290);
      const reset = e.observed.findIndex((o) => o.kind === 'input' && o.input.kind === 'data-reset');
      expect(reset).toBeGreaterThan(e.observed.indexOf(close));
      expect(reset).toBeLessThan(e.observed.indexOf(reply));
      // The server's end is gone (reset), not half-closed.
      expect(kernelSockets().filter((k) => k.local === port && k.remote === data.localPort)).toEqual([]);
      expect(e.notices).toEqual([
        expect.stringMatching(
          /^data connection to 127\.0\.0\.1:\d+ reset: the client read nothing of its last \d+ bytes for the data channel timeout$/,
        ),
      ]);
      c.close();
      data.destroy();
    } finally {
      await e.emu.close();
    }
  });
});
