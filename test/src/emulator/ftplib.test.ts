/**
 * Python's ftplib against the emulator: login, LIST, NLST, RETR and STOR of 0 B, 1 B and 1 MB files compared
 * byte for byte, in PASV, EPSV, PORT and EPRT mode; a passive data connection from a port below 1024 is reset
 * and the command gets 425; the sharing violation; a wrong password.
 */

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stat } from '../../../src/ftp/fs.ts';
import {
  content,
  emulator,
  ftplib,
  type PyMode,
  requireClients,
  sha256,
  type TestEmulator,
} from './helpers.ts';

const SIZES = [0, 1, 1024 * 1024] as const;
const FILES = Object.fromEntries(SIZES.map((n) => [`files/f${n}.bin`, content(n, `served-${n}`)]));

let t: TestEmulator;

beforeAll(async () => {
  requireClients();
  t = await emulator([61000, 61999], {
    files: { ...FILES, 'locked.txt': 'held by another process', 'up/': null },
    locks: ['locked.txt'],
  });
});

afterAll(() => t.emu.close());

describe.each<PyMode>(['pasv', 'epsv', 'port', 'eprt'])('ftplib in %s mode', (mode) => {
  it('RETRs 0 B, 1 B and 1 MB files byte for byte', async () => {
    const results = await ftplib(
      t.port,
      mode,
      SIZES.map((n) => ({ op: 'retr', path: `files/f${n}.bin` })),
    );
    expect(results[0]!.replies.at(-1)).toBe('230 User logged in.');
    for (const [i, n] of SIZES.entries()) {
      const r = results[i + 1]!;
      expect(r.error).toBeUndefined();
      expect(r.size).toBe(n);
      expect(r.sha256).toBe(sha256(FILES[`files/f${n}.bin`]!));
      // TYPE I, PASV/EPSV/PORT/EPRT, then the transfer's preliminary and final replies.
      expect(r.replies.slice(-2).map((x) => x.slice(0, 3))).toEqual([
        expect.stringMatching(/^1(25|50)$/),
        '226',
      ]);
    }
  });

  it('STORs 0 B, 1 B and 1 MB files that the site then holds byte for byte', async () => {
    const results = await ftplib(
      t.port,
      mode,
      SIZES.map((n) => ({ op: 'stor', path: `up/${mode}-${n}.bin`, size: n, seed: `${mode}-${n}` })),
    );
    for (const [i, n] of SIZES.entries()) {
      expect(results[i + 1]!.error).toBeUndefined();
      expect(results[i + 1]!.replies.at(-1)).toBe('226 Transfer complete.');
      const node = stat(t.emu.fs(), `/up/${mode}-${n}.bin`);
      expect(node?.kind).toBe('file');
      expect(Buffer.from(node?.kind === 'file' ? node.data : []).equals(content(n, `${mode}-${n}`))).toBe(
        true,
      );
    }
  });

  it('lists with LIST (MS-DOS style) and NLST', async () => {
    const [, list, nlst] = await ftplib(t.port, mode, [
      { op: 'list', path: 'files' },
      { op: 'nlst', path: 'files' },
    ]);
    expect(list!.lines).toHaveLength(3);
    expect(list!.lines![2]).toMatch(/^\d\d-\d\d-\d\d {2}\d\d:\d\d[AP]M {14}1048576 f1048576\.bin$/);
    expect(nlst!.lines).toEqual(['files/f0.bin', 'files/f1.bin', 'files/f1048576.bin']);
  });
});

describe('ftplib against FTP 7.5 rules', () => {
  it('gets a reset data connection and 425 when its passive data connection comes from a port below 1024', async () => {
    const [, low] = await ftplib(t.port, 'pasv', [
      { op: 'low_port', command: 'RETR files/f1.bin', port: 1000 },
    ]);
    expect(low!.error).toBeUndefined();
    expect(low!.local_port).toBeLessThan(1024);
    expect(low!.data_end).toBe('reset');
    expect(low!.final).toMatch(/^425 /);
    // KB 2505047's three log lines: DataChannelOpened 0 0, DataChannelClosed 1236 38, the command 425 1236 0.
    const lines = t.log.filter((l) => / (DataChannel\w+|RETR) /.test(l)).slice(-3);
    expect(lines.map((l) => l.split(' ').slice(6, 11).join(' '))).toEqual([
      'DataChannelOpened - - 0 0',
      'DataChannelClosed - - 1236 38',
      'RETR files/f1.bin 425 1236 0',
    ]);
  });

  it('gets the sharing violation for a file held open by another process, and the session goes on', async () => {
    const [, retr, stor, after] = await ftplib(t.port, 'pasv', [
      { op: 'retr', path: 'locked.txt' },
      { op: 'stor', path: 'locked.txt', size: 1, seed: 'x' },
      { op: 'retr', path: 'files/f1.bin' },
    ]);
    for (const r of [retr!, stor!]) {
      expect(r.error).toMatch(
        /^error_perm: 550-The process cannot access the file because it is being used by another process\./,
      );
      expect(r.error).toContain(
        ' Win32 error:   The process cannot access the file because it is being used by another process.',
      );
    }
    expect(after!.sha256).toBe(sha256(FILES['files/f1.bin']!));
  });

  it('gets 530 for a wrong password, then logs in', async () => {
    const [login] = await ftplib(t.port, 'pasv', [], { user: 'alice', password: 'wrong' });
    expect(login!.error).toBe('error_perm: 530 User cannot log in.');
    const [ok] = await ftplib(t.port, 'pasv', []);
    expect(ok!.replies).toEqual(['331 Password required for alice.', '230 User logged in.']);
  });
});
