/**
 * The emulator's options and site loading, without sockets: the command line's compact forms, the limits,
 * the default passive range, and copying a directory into the in-memory site.
 */

import { mkdirSync, mkdtempSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { UsageError } from '../../../sim/errors.ts';
import { SECOND } from '../../../sim/time.ts';
import {
  checkHost,
  defaultPassiveRange,
  parseBytes,
  parsePortRange,
  parseTimeouts,
  parseUser,
  resolveLimits,
} from '../../../src/emulator/options.ts';
import { loadDirectory, siteBytes, siteSize } from '../../../src/emulator/site.ts';
import { fsFromEntries, writeFile } from '../../../src/ftp/fs.ts';

describe('--timeouts', () => {
  it.each([
    [
      'control=120s,data=30s,unauth=30s,minrate=240',
      {
        controlChannelTimeout: '120s',
        dataChannelTimeout: '30s',
        unauthenticatedTimeout: '30s',
        minBytesPerSecond: 240,
      },
    ],
    ['data=500ms', { dataChannelTimeout: '500ms' }],
    ['minrate=0', { minBytesPerSecond: 0 }],
  ])('reads %j', (text, settings) => {
    expect(parseTimeouts(text)).toEqual(settings);
  });

  it.each(['control', 'idle=30s', 'data=30', 'minrate=fast', 'control=1s=2s', ''])('refuses %j', (text) => {
    expect(() => parseTimeouts(text)).toThrow(UsageError);
  });
});

describe('--pasv-ports, --user, sizes, --host', () => {
  it('reads a port range', () => {
    expect(parsePortRange('50000-50100')).toEqual({ passivePortLow: 50000, passivePortHigh: 50100 });
    expect(() => parsePortRange('50000')).toThrow(UsageError);
  });

  it('reads users, with a password that holds colons and a domain', () => {
    expect(parseUser('alice:se:cret')).toEqual({ name: 'alice', password: 'se:cret' });
    expect(parseUser('CONTOSO\\bob:pw')).toEqual({ domain: 'CONTOSO', name: 'bob', password: 'pw' });
    expect(parseUser('carol:')).toEqual({ name: 'carol', password: '' });
    for (const bad of ['alice', ':pw', '\\bob:pw', 'CONTOSO\\:pw'])
      expect(() => parseUser(bad)).toThrow(UsageError);
  });

  it('reads sizes in bytes and binary units', () => {
    expect(parseBytes('1048576', 'x')).toBe(1048576);
    expect(parseBytes('512MiB', 'x')).toBe(512 * 1024 * 1024);
    expect(parseBytes('1GiB', 'x')).toBe(1024 ** 3);
    expect(parseBytes('1.5KiB', 'x')).toBe(1536);
    for (const bad of ['0', '-1', '1GB', 'lots']) expect(() => parseBytes(bad, 'x')).toThrow(UsageError);
  });

  it('listens on IPv4 addresses only (the model is IPv4)', () => {
    expect(checkHost('0.0.0.0')).toBe('0.0.0.0');
    for (const bad of ['::1', 'localhost', '256.0.0.1']) expect(() => checkHost(bad)).toThrow(UsageError);
  });
});

describe('limits', () => {
  it('defaults to 256 connections, 64 per address, 1 GiB of uploads and a 1 s login delay', () => {
    expect(resolveLimits()).toEqual({
      maxConnections: 256,
      maxConnectionsPerIp: 64,
      maxUploadBytes: 1024 ** 3,
      loginFailDelay: SECOND,
    });
  });

  it('takes a login delay as text, and refuses limits below 1', () => {
    expect(resolveLimits({ loginFailDelay: '250ms' }).loginFailDelay).toBe(250_000_000);
    expect(() => resolveLimits({ maxConnections: 0 })).toThrow(UsageError);
    expect(() => resolveLimits({ loginFailDelay: 'soon' })).toThrow(UsageError);
  });

  it('keeps passive ports above the system ephemeral range by default', () => {
    const { passivePortLow, passivePortHigh } = defaultPassiveRange();
    expect(passivePortHigh).toBe(65535);
    expect(passivePortLow).toBeGreaterThanOrEqual(49152);
    expect(passivePortLow).toBeLessThan(65535);
  });
});

describe('--files', () => {
  const dir = mkdtempSync(join(tmpdir(), 'netstep-site-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  mkdirSync(join(dir, 'docs'));
  writeFileSync(join(dir, 'docs', 'a.txt'), 'hello');
  writeFileSync(join(dir, 'Readme.md'), 'readme');
  writeFileSync(join(dir, 'README.MD'), 'twin');
  writeFileSync(join(dir, 'bad:name'), 'x');
  writeFileSync(join(dir, 'trailing.'), 'x');
  symlinkSync('/etc/passwd', join(dir, 'passwd'));
  const epochMs = Date.UTC(2026, 0, 1);
  utimesSync(join(dir, 'docs', 'a.txt'), new Date(epochMs - 90_000), new Date(epochMs - 90_000));

  it('copies files and directories, with modification times before the epoch as negative model times', () => {
    const site = loadDirectory(dir, epochMs);
    expect(Object.keys(site.entries).sort()).toEqual(['README.MD', 'docs/', 'docs/a.txt']);
    expect(Buffer.from(site.entries['docs/a.txt']!.data as Uint8Array).toString()).toBe('hello');
    expect(site.entries['docs/a.txt']!.mtime).toBe(-90 * SECOND);
  });

  it('skips, and says why: symbolic links, names Windows refuses, and case twins', () => {
    expect(loadDirectory(dir, epochMs).skipped).toEqual([
      'Readme.md: same name as README.MD when case is ignored (NTFS)',
      'bad:name: not a valid Windows name',
      'passwd: a symbolic link (not followed)',
      'trailing.: not a valid Windows name',
    ]);
  });

  it('refuses a path that is not a directory', () => {
    expect(() => loadDirectory(join(dir, 'docs', 'a.txt'), epochMs)).toThrow(UsageError);
    expect(() => loadDirectory(join(dir, 'missing'), epochMs)).toThrow(UsageError);
  });
});

describe('site size', () => {
  it('counts files and bytes, and follows updates', () => {
    const fs = fsFromEntries({ 'a.txt': 'abc', 'd/b.bin': new Uint8Array(10), 'e/': null }, 0);
    expect(siteSize(fs)).toEqual({ files: 2, bytes: 13 });
    const written = writeFile(fs, '/d/c.bin', new Uint8Array(5), 1, 'create');
    expect(written.ok && siteBytes(written.value)).toBe(18);
    expect(siteBytes(fs)).toBe(13);
  });
});
