/**
 * curl against the emulator: downloads and uploads of 0 B, 1 B and 1 MB files compared byte for byte, listings,
 * in EPSV (curl's default), PASV (--disable-epsv), EPRT (--ftp-port) and PORT (--ftp-port --disable-eprt).
 */

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stat } from '../../../src/ftp/fs.ts';
import { content, curl, emulator, requireClients, type TestEmulator } from './helpers.ts';

const SIZES = [0, 1, 1024 * 1024] as const;
const FILES = Object.fromEntries(SIZES.map((n) => [`f${n}.bin`, content(n, `curl-${n}`)]));

const MODES = {
  EPSV: [],
  PASV: ['--disable-epsv'],
  EPRT: ['--ftp-port', '127.0.0.1'],
  PORT: ['--ftp-port', '127.0.0.1', '--disable-eprt'],
} as const;

let t: TestEmulator;
let base: string;

beforeAll(async () => {
  requireClients();
  t = await emulator([62000, 62999], { files: { ...FILES, 'up/': null, 'docs/readme.txt': 'read me' } });
  base = `ftp://alice:secret@127.0.0.1:${t.port}`;
});

afterAll(() => t.emu.close());

describe.each(Object.keys(MODES) as (keyof typeof MODES)[])('curl in %s mode', (mode) => {
  const flags = [...MODES[mode], '--verbose'];

  it.each(SIZES)('downloads a %i B file byte for byte', async (n) => {
    const r = await curl([...flags, `${base}/f${n}.bin`]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.equals(FILES[`f${n}.bin`]!)).toBe(true);
    // curl's transcript shows the command that opened the data channel in this mode.
    expect(r.stderr).toMatch(new RegExp(`> ${mode}`));
    expect(r.stderr).toMatch(/< 226 Transfer complete\./);
  });

  it.each(SIZES)('uploads a %i B file that the site then holds byte for byte', async (n) => {
    const body = content(n, `${mode}-up-${n}`);
    const r = await curl([...flags, '-T', '-', `${base}/up/${mode}-${n}.bin`], body);
    expect(r.code, r.stderr).toBe(0);
    const node = stat(t.emu.fs(), `/up/${mode}-${n}.bin`);
    expect(node?.kind === 'file' && Buffer.from(node.data).equals(body)).toBe(true);
  });

  it('lists a directory (LIST) and its names (NLST)', async () => {
    const list = await curl([...flags, `${base}/docs/`]);
    expect(list.code, list.stderr).toBe(0);
    // curl turns the listing's CRLF line ends into LF (an ASCII-mode transfer).
    expect(list.stdout.toString()).toMatch(/^\d\d-\d\d-\d\d {2}\d\d:\d\d[AP]M {20}7 readme\.txt\r?\n$/);
    const nlst = await curl([...flags, '--list-only', `${base}/docs/`]);
    expect(nlst.stdout.toString()).toMatch(/^readme\.txt\r?\n$/);
  });
});

describe('curl and the emulator limits', () => {
  it('fails with 530 for a wrong password (curl exit 67)', async () => {
    const r = await curl(['--verbose', `ftp://alice:wrong@127.0.0.1:${t.port}/f1.bin`]);
    expect(r.code).toBe(67);
    expect(r.stderr).toMatch(/< 530 User cannot log in\./);
  });
});
