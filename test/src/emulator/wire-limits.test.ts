/**
 * The control channel and the emulator's limits, seen from a raw client: LF-only lines get 451; a wrong
 * password's 530 comes only after the delay, and pipelined commands wait behind it; connection limits give
 * 421; uploads beyond the memory limit get 552; commands pipelined behind a transfer are read only as the
 * model takes them; over-long lines; timeouts close idle and unauthenticated connections; close() ends all.
 */

import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stat } from '../../../src/ftp/fs.ts';
import { emulator, passivePort, RawClient, type TestEmulator } from './helpers.ts';

const RANGE = [64500, 64999] as const;

let t: TestEmulator;

beforeAll(async () => {
  t = await emulator(RANGE, {
    files: { 'a.txt': 'aaa', 'locked.txt': 'in use' },
    locks: ['locked.txt'],
    limits: { loginFailDelay: '300ms' },
    config: { detailedErrors: 'never' },
  });
});

afterAll(() => t.emu.close());

describe('the control channel', () => {
  it('answers an LF-only line with 451 and goes on', async () => {
    const c = await RawClient.login(t.port);
    c.send('USER alice\n');
    expect(await c.reply()).toEqual({ code: 451, text: '451 The parameter is incorrect.' });
    expect(await c.command('USER alice')).toEqual({ code: 331, text: '331 Password required for alice.' });
    c.close();
  });

  it('answers an over-long line once and goes on', async () => {
    const c = await RawClient.login(t.port, 'alice', 'secret');
    c.send(`NOOP ${'x'.repeat(20_000)}\r\n`);
    expect((await c.reply()).code).toBeGreaterThanOrEqual(500);
    expect((await c.command('NOOP')).code).toBe(200);
    c.close();
  });

  it('gives the sharing violation 550 with its trailing space for a file open in another process', async () => {
    const c = await RawClient.login(t.port, 'alice', 'secret');
    passivePort(await c.command('PASV'));
    expect(await c.command('RETR locked.txt')).toEqual({
      code: 550,
      text: '550 The process cannot access the file because it is being used by another process. ',
    });
    t.emu.unlock('locked.txt');
    const port = passivePort(await c.command('PASV'));
    const data = net.connect({ host: '127.0.0.1', port });
    data.resume();
    expect((await c.command('RETR locked.txt')).code).toBe(150);
    expect((await c.reply()).code).toBe(226);
    t.emu.lock('locked.txt');
    expect((await c.command('RETR locked.txt')).code).toBe(550);
    c.close();
  });

  it('reads commands pipelined behind a transfer only as fast as the model takes them', async () => {
    const c = await RawClient.login(t.port, 'alice', 'secret');
    const port = passivePort(await c.command('PASV'));
    const from = t.observed.length;
    // RETR waits for its data connection; 100 NOOPs arrive behind it in one write.
    c.send(`RETR a.txt\r\n${'NOOP\r\n'.repeat(100)}`);
    expect((await c.reply()).code).toBe(150);
    await new Promise((resolve) => setTimeout(resolve, 100));
    const fed = t.observed.slice(from).filter((e) => e.kind === 'input' && e.input.kind === 'control-bytes');
    // The RETR line, then 32 queued lines (the driver's MAX_QUEUED_LINES); the rest waits unread.
    expect(fed).toHaveLength(33);
    const data = net.connect({ host: '127.0.0.1', port });
    data.resume();
    expect((await c.reply()).code).toBe(226);
    for (let i = 0; i < 100; i++) expect((await c.reply()).code).toBe(200);
    c.close();
  });
});

describe('a wrong password', () => {
  it('gets 530 only after the delay; commands sent behind it wait for it', async () => {
    const c = await RawClient.login(t.port);
    const t0 = process.hrtime.bigint();
    c.send('USER alice\r\nPASS wrong\r\nUSER alice\r\nPASS secret\r\n');
    expect((await c.reply()).code).toBe(331);
    expect(await c.reply()).toEqual({ code: 530, text: '530 User cannot log in.' });
    const waited = Number(process.hrtime.bigint() - t0) / 1e6;
    expect(waited).toBeGreaterThanOrEqual(300);
    expect((await c.reply()).code).toBe(331);
    expect((await c.reply()).code).toBe(230);
    c.close();
  });
});

describe('connection limits', () => {
  it('turns away connections over the total and per-address limits with 421', async () => {
    const e = await emulator(RANGE, { limits: { maxConnections: 3, maxConnectionsPerIp: 2 } });
    const a = await RawClient.login(e.port);
    const b = await RawClient.login(e.port);
    const perIp = await RawClient.connect(e.port);
    expect(await perIp.reply()).toEqual({
      code: 421,
      text: '421 Too many connections from your address, closing control connection.',
    });
    await perIp.closed;
    const other = await RawClient.connect(e.port, '127.0.0.2');
    expect((await other.reply()).code).toBe(220);
    const total = await RawClient.connect(e.port, '127.0.0.3');
    expect(await total.reply()).toEqual({
      code: 421,
      text: '421 Too many connections, closing control connection.',
    });
    await total.closed;
    // One leaves: a new one is let in.
    a.close();
    while (e.emu.connections > 2) await new Promise((resolve) => setImmediate(resolve));
    const again = await RawClient.connect(e.port);
    expect((await again.reply()).code).toBe(220);
    for (const c of [b, other, again]) c.close();
    await e.emu.close();
  });
});

describe('uploads held in memory', () => {
  it('cuts an upload past the limit with 552, keeps nothing of it, and takes a smaller one', async () => {
    const e = await emulator(RANGE, { limits: { maxUploadBytes: 100_000 } });
    const c = await RawClient.login(e.port, 'alice', 'secret');
    const port = passivePort(await c.command('PASV'));
    const data = net.connect({ host: '127.0.0.1', port });
    data.on('error', () => {});
    expect((await c.command('STOR big.bin')).code).toBe(150);
    data.end(Buffer.alloc(200_000, 1));
    const reply = await c.reply();
    expect(reply.code).toBe(552);
    expect(reply.text).toMatch(/^552 Requested file action aborted\. Exceeded storage allocation/);
    expect(stat(e.emu.fs(), '/big.bin')).toBeUndefined();
    expect(e.log.slice(-2).map((l) => l.split(' ').slice(6, 11).join(' '))).toEqual([
      'DataChannelClosed - - 112 22',
      'STOR big.bin 552 112 3',
    ]);
    const port2 = passivePort(await c.command('PASV'));
    const data2 = net.connect({ host: '127.0.0.1', port: port2 });
    expect((await c.command('STOR small.bin')).code).toBe(150);
    data2.end(Buffer.alloc(50_000, 2));
    expect((await c.reply()).code).toBe(226);
    const node = stat(e.emu.fs(), '/small.bin');
    expect(node?.kind === 'file' ? node.data.length : -1).toBe(50_000);
    c.close();
    await e.emu.close();
  });
});

describe('timeouts', () => {
  it('closes an unauthenticated connection after unauthenticatedTimeout (substatus 16)', async () => {
    const e = await emulator(RANGE, { config: { unauthenticatedTimeout: '300ms' } });
    const c = await RawClient.login(e.port);
    const t0 = process.hrtime.bigint();
    expect((await c.reply()).code).toBe(421);
    await c.closed;
    expect(Number(process.hrtime.bigint() - t0) / 1e6).toBeGreaterThanOrEqual(250);
    expect(e.log.at(-1)!.split(' ').slice(6, 11).join(' ')).toBe('ControlChannelClosed - - 121 16');
    await e.emu.close();
  });

  it('closes an idle logged-in connection after controlChannelTimeout (substatus 14)', async () => {
    const e = await emulator(RANGE, { config: { controlChannelTimeout: '300ms' } });
    const c = await RawClient.login(e.port, 'alice', 'secret');
    expect((await c.reply()).code).toBe(421);
    await c.closed;
    expect(e.log.at(-1)!.split(' ').slice(6, 11).join(' ')).toBe('ControlChannelClosed - - 121 14');
    await e.emu.close();
  });

  it('fails a transfer whose data connection never comes after dataChannelTimeout (425, substatus 15)', async () => {
    const e = await emulator(RANGE, { files: { 'a.txt': 'a' }, config: { dataChannelTimeout: '300ms' } });
    const c = await RawClient.login(e.port, 'alice', 'secret');
    passivePort(await c.command('PASV'));
    expect((await c.command('RETR a.txt')).code).toBe(150);
    expect((await c.reply()).code).toBe(425);
    expect(e.log.at(-1)!.split(' ').slice(6, 11)).toEqual(['RETR', 'a.txt', '425', '121', '15']);
    expect((await c.command('NOOP')).code).toBe(200);
    c.close();
    await e.emu.close();
  });
});

describe('close()', () => {
  it('closes every connection and frees the port', async () => {
    const e = await emulator(RANGE);
    const c = await RawClient.login(e.port, 'alice', 'secret');
    passivePort(await c.command('PASV'));
    await e.emu.close();
    await c.closed;
    const again = net.connect({ host: '127.0.0.1', port: e.port });
    const err = await new Promise<NodeJS.ErrnoException>((resolve) => again.once('error', resolve));
    expect(err.code).toBe('ECONNREFUSED');
  });
});
