/**
 * The npm package basic-ftp against the emulator, in EPSV and PASV mode (basic-ftp has no active mode), and 50
 * of its clients transferring at once, every one of them getting byte-identical files.
 */

import { Readable, Writable } from 'node:stream';
import { Client, enterPassiveModeIPv4, enterPassiveModeIPv6, type FTPResponse } from 'basic-ftp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stat } from '../../../src/ftp/fs.ts';
import { content, emulator, type TestEmulator } from './helpers.ts';

const SIZES = [0, 1, 1024 * 1024] as const;
const FILES = Object.fromEntries(SIZES.map((n) => [`f${n}.bin`, content(n, `basic-${n}`)]));
const MODES = { EPSV: enterPassiveModeIPv6, PASV: enterPassiveModeIPv4 } as const;

let t: TestEmulator;

beforeAll(async () => {
  t = await emulator([63000, 63999], {
    files: { ...FILES, 'up/': null, 'docs/a.txt': 'a', 'docs/b.txt': 'bb' },
    limits: { maxConnectionsPerIp: 64 },
  });
});

afterAll(() => t.emu.close());

async function connect(mode: keyof typeof MODES): Promise<Client> {
  const client = new Client(20_000);
  client.prepareTransfer = MODES[mode];
  await client.access({ host: '127.0.0.1', port: t.port, user: 'alice', password: 'secret' });
  return client;
}

async function download(client: Client, path: string): Promise<{ bytes: Buffer; response: FTPResponse }> {
  const parts: Buffer[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      parts.push(chunk);
      done();
    },
  });
  const response = await client.downloadTo(sink, path);
  return { bytes: Buffer.concat(parts), response };
}

describe.each(Object.keys(MODES) as (keyof typeof MODES)[])('basic-ftp in %s mode', (mode) => {
  it('downloads and uploads 0 B, 1 B and 1 MB files byte for byte, and lists', async () => {
    const client = await connect(mode);
    try {
      for (const n of SIZES) {
        const { bytes, response } = await download(client, `f${n}.bin`);
        expect(response.code).toBe(226);
        expect(bytes.equals(FILES[`f${n}.bin`]!)).toBe(true);
        const body = content(n, `${mode}-basic-up-${n}`);
        const up = await client.uploadFrom(Readable.from([body]), `up/${mode}-${n}.bin`);
        expect(up.code).toBe(226);
        const node = stat(t.emu.fs(), `/up/${mode}-${n}.bin`);
        expect(node?.kind === 'file' && Buffer.from(node.data).equals(body)).toBe(true);
      }
      const list = await client.list('docs');
      expect(list.map((f) => [f.name, f.size, f.isDirectory])).toEqual([
        ['a.txt', 1, false],
        ['b.txt', 2, false],
      ]);
    } finally {
      client.close();
    }
  });
});

describe('50 basic-ftp clients at once', () => {
  it('all download the same 1 MB file and upload their own, byte for byte', async () => {
    const clients = await Promise.all(
      Array.from({ length: 50 }, (_, i) => connect(i % 2 === 0 ? 'EPSV' : 'PASV')),
    );
    expect(t.emu.connections).toBe(50);
    try {
      const results = await Promise.all(
        clients.map(async (client, i) => {
          const body = content(64 * 1024 + i, `many-${i}`);
          const [down, up] = [
            await download(client, 'f1048576.bin'),
            await client.uploadFrom(Readable.from([body]), `up/many-${i}.bin`),
          ];
          return { down: down.bytes, up: up.code, body };
        }),
      );
      results.forEach((r, i) => {
        expect(r.down.equals(FILES['f1048576.bin']!), `client ${i} download`).toBe(true);
        expect(r.up).toBe(226);
        const node = stat(t.emu.fs(), `/up/many-${i}.bin`);
        expect(node?.kind === 'file' && Buffer.from(node.data).equals(r.body), `client ${i} upload`).toBe(
          true,
        );
      });
    } finally {
      for (const c of clients) c.close();
    }
  });
});
