/**
 * The iis6 profile on the wire, beside ftp75: the same emulator driver, the model's other profile. IIS 6
 * accepts LF-only lines, opens an active data connection on the transfer command (after its 150) rather than
 * at PORT, allows client ports below 1024, and has no EPSV.
 */

import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { curl, emulator, RawClient, requireClients, type TestEmulator } from './helpers.ts';

let t: TestEmulator;

beforeAll(async () => {
  requireClients();
  t = await emulator([60000, 60499], { config: { profile: 'iis6' }, files: { 'a.txt': 'iis6 file' } });
});

afterAll(() => t.emu.close());

describe('the iis6 profile', () => {
  it('accepts an LF-only line', async () => {
    const c = await RawClient.login(t.port);
    c.send('USER alice\n');
    expect(await c.reply()).toEqual({ code: 331, text: '331 Password required for alice.' });
    c.close();
  });

  it('opens the active data connection on RETR, after the 150, not at PORT', async () => {
    const c = await RawClient.login(t.port, 'alice', 'secret');
    const listener = net.createServer();
    await new Promise<void>((resolve) => listener.listen({ host: '127.0.0.1', port: 0 }, resolve));
    const port = (listener.address() as net.AddressInfo).port;
    let connected = false;
    const accepted = new Promise<net.Socket>((resolve) =>
      listener.once('connection', (s) => {
        connected = true;
        resolve(s);
      }),
    );
    expect((await c.command(`PORT 127,0,0,1,${port >> 8},${port & 255}`)).code).toBe(200);
    expect((await c.command('NOOP')).code).toBe(200);
    expect(connected).toBe(false);
    expect((await c.command('RETR a.txt')).code).toBe(150);
    const data = await accepted;
    const parts: Buffer[] = [];
    data.on('data', (b: Buffer) => parts.push(b));
    expect((await c.reply()).code).toBe(226);
    expect(Buffer.concat(parts).toString()).toBe('iis6 file');
    c.close();
    listener.close();
  });

  it('serves curl in PASV mode, and answers EPSV as an unknown command', async () => {
    const got = await curl(['--disable-epsv', `ftp://alice:secret@127.0.0.1:${t.port}/a.txt`]);
    expect(got.code, got.stderr).toBe(0);
    expect(got.stdout.toString()).toBe('iis6 file');
    const c = await RawClient.login(t.port, 'alice', 'secret');
    expect((await c.command('EPSV')).code).toBe(500);
    c.close();
  });
});
