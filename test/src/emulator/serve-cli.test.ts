/**
 * `netstep serve` as a user runs it: a child process on a free port that serves a directory to curl, writes
 * the W3C log to a file, and exits 0 on SIGTERM; bad options are usage errors (exit 2).
 */

import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { main } from '../../../src/cli/main.ts';
import { curl, requireClients } from './helpers.ts';

const NETSTEP = fileURLToPath(new URL('../../../bin/netstep.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'netstep-serve-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('netstep serve', () => {
  it('serves a directory, logs to a file, and exits 0 on SIGTERM', async () => {
    requireClients();
    writeFileSync(join(dir, 'hello.txt'), 'hello from disk\r\n');
    const log = join(dir, 'w3c.log');
    const child = spawn(
      process.execPath,
      [
        NETSTEP,
        'serve',
        '--port',
        '0',
        '--user',
        'alice:pw',
        '--files',
        dir,
        '--log',
        log,
        '--pasv-ports',
        '60000-60499',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stderr = '';
    child.stderr.on('data', (b: Buffer) => {
      stderr += b.toString();
    });
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const port = await new Promise<number>((resolve, reject) => {
      const look = () => {
        const m = /listening on ftp:\/\/127\.0\.0\.1:(\d+)\//.exec(stderr);
        if (m !== null) resolve(Number(m[1]));
      };
      child.stderr.on('data', look);
      child.once('exit', () => reject(new Error(`netstep serve exited:\n${stderr}`)));
    });
    expect(stderr).toMatch(
      /FTP 7\.5 model \(profile ftp75\) listening on ftp:\/\/127\.0\.0\.1:\d+\/; users: alice;/,
    );
    const got = await curl([`ftp://alice:pw@127.0.0.1:${port}/hello.txt`]);
    expect(got.code, got.stderr).toBe(0);
    expect(got.stdout.toString()).toBe('hello from disk\r\n');
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(stderr).toMatch(/netstep serve: stopped\n$/);
    const lines = readFileSync(log, 'latin1').split('\r\n');
    expect(lines.slice(0, 2)).toEqual([
      '#Software: Microsoft Internet Information Services 7.5',
      '#Version: 1.0',
    ]);
    expect(lines.some((l) => / RETR hello\.txt 226 0 0 /.test(l))).toBe(true);
    expect(lines.at(-1)).toBe('');
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
