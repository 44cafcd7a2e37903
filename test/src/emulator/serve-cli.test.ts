/**
 * `netstep serve` as a user runs it: a child process on a free port that serves a directory to curl, writes
 * the W3C log to a file, and exits 0 on SIGTERM; bad options are usage errors (exit 2).
 */

import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { main } from '../../../src/cli/main.ts';
import { curl, RawClient, requireClients } from './helpers.ts';

const NETSTEP = fileURLToPath(new URL('../../../bin/netstep.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'netstep-serve-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Served {
  readonly port: number;
  readonly stderr: () => string;
  readonly exited: Promise<number | null>;
  stop(): void;
}

/** Runs `netstep serve` in a child process and waits for the line that says where it listens. */
async function serve(args: string[], options: { uid?: number; gid?: number } = {}): Promise<Served> {
  const child = spawn(process.execPath, [NETSTEP, 'serve', '--port', '0', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    ...options,
  });
  let stderr = '';
  child.stderr.on('data', (b: Buffer) => {
    stderr += b.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const port = await new Promise<number>((resolve, reject) => {
    child.stderr.on('data', () => {
      const m = /listening on ftp:\/\/127\.0\.0\.1:(\d+)\//.exec(stderr);
      if (m !== null) resolve(Number(m[1]));
    });
    child.once('exit', () => reject(new Error(`netstep serve exited:\n${stderr}`)));
  });
  return { port, stderr: () => stderr, exited, stop: () => child.kill('SIGTERM') };
}

describe('netstep serve', () => {
  it('serves a directory, logs to a file, and exits 0 on SIGTERM', async () => {
    requireClients();
    writeFileSync(join(dir, 'hello.txt'), 'hello from disk\r\n');
    const log = join(dir, 'w3c.log');
    const s = await serve([
      '--user',
      'alice:pw',
      '--files',
      dir,
      '--log',
      log,
      '--pasv-ports',
      '65000-65199',
    ]);
    expect(s.stderr()).toMatch(
      /FTP 7\.5 model \(profile ftp75\) listening on ftp:\/\/127\.0\.0\.1:\d+\/; users: alice;/,
    );
    const got = await curl([`ftp://alice:pw@127.0.0.1:${s.port}/hello.txt`]);
    expect(got.code, got.stderr).toBe(0);
    expect(got.stdout.toString()).toBe('hello from disk\r\n');
    // Written while serving (the lines of a turn go out at its end), not only at the stop.
    expect(readFileSync(log, 'latin1')).toMatch(/ RETR hello\.txt 226 0 0 /);
    s.stop();
    expect(await s.exited).toBe(0);
    expect(s.stderr()).toMatch(/netstep serve: stopped\n$/);
    const lines = readFileSync(log, 'latin1').split('\r\n');
    expect(lines.slice(0, 2)).toEqual([
      '#Software: Microsoft Internet Information Services 7.5',
      '#Version: 1.0',
    ]);
    expect(lines.some((l) => / RETR hello\.txt 226 0 0 /.test(l))).toBe(true);
    expect(lines.at(-1)).toBe('');
  });

  it('without the right to bind port 20, sends active data from an ephemeral port and says so once', async () => {
    // As root (the tests' CI), the server runs as nobody; otherwise it is unprivileged already.
    const s = await serve(
      ['--anonymous', '--log', '/dev/null', '--pasv-ports', '65200-65399'],
      process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {},
    );
    const notice =
      /cannot bind port 20 for active data connections \(needs root or CAP_NET_BIND_SERVICE\); they leave from ephemeral ports/g;
    const c = await RawClient.login(s.port, 'anonymous', 'me@');
    for (let i = 0; i < 2; i++) {
      const listener = net.createServer();
      await new Promise<void>((resolve) => listener.listen({ host: '127.0.0.1', port: 0 }, resolve));
      const port = (listener.address() as net.AddressInfo).port;
      const accepted = new Promise<net.Socket>((resolve) => listener.once('connection', resolve));
      expect((await c.command(`PORT 127,0,0,1,${port >> 8},${port & 255}`)).code).toBe(200);
      const data = await accepted;
      expect(data.remotePort).toBeGreaterThan(1023);
      data.resume();
      // 125 or 150: the client has accepted, but the server may not have seen its connect complete yet.
      expect([125, 150]).toContain((await c.command('LIST')).code);
      expect((await c.reply()).code).toBe(226);
      listener.close();
    }
    c.close();
    s.stop();
    expect(await s.exited).toBe(0);
    expect(s.stderr().match(notice)).toHaveLength(1);
  });

  it.each([
    [['--bogus']],
    [['--port']],
    [['--port', '70000']],
    [['--host', '::1']],
    [['--profile', 'iis7']],
    [['--isolation', 'Everyone']],
    [['--timeouts', 'idle=1s']],
    [['--user', 'nobody']],
    [['--files', '/nonexistent/netstep']],
    [['--lock', 'a:b']],
    [['--pasv-ports', '10-20']],
    [['extra']],
  ])('refuses %j with exit 2', async (args) => {
    const error = vi.spyOn(console, 'error').mockImplementation(() => {});
    try {
      expect(await main(['serve', ...args])).toBe(2);
      expect(error.mock.calls[0]![0]).toMatch(/^netstep serve: /);
    } finally {
      error.mockRestore();
    }
  });
});
