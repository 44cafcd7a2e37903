/**
 * No path leaves a user's root, end to end: an isolated user tries every traversal trick (.., backslashes,
 * absolute paths, percent-encoding, NUL, drive letters) with CWD, RETR, LIST and STOR, and never sees or
 * touches a byte outside her home; nothing of the real disk is reachable.
 */

import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stat } from '../../../src/ftp/fs.ts';
import { drain, emulator, passivePort, RawClient, type Reply, type TestEmulator } from './helpers.ts';

let t: TestEmulator;
let c: RawClient;

beforeAll(async () => {
  t = await emulator([60500, 60999], {
    config: {
      users: {
        users: [
          { name: 'alice', password: 'secret' },
          { name: 'bob', password: 'secret' },
        ],
        anonymous: false,
        isolation: 'IsolateAllDirectories',
      },
    },
    files: {
      'secret.txt': 'ROOT SECRET',
      'LocalUser/bob/bob.txt': 'BOB SECRET',
      'LocalUser/alice/mine.txt': 'alice data',
      'LocalUser/alice/sub/x.txt': 'x',
    },
  });
  c = await RawClient.login(t.port, 'alice', 'secret');
});

afterAll(async () => {
  c.close();
  await t.emu.close();
});

/** A transfer command over a fresh passive connection: its replies and the bytes that came. */
async function transfer(line: string, upload?: string): Promise<{ replies: Reply[]; data: string }> {
  const port = passivePort(await c.command('PASV'));
  const socket = net.connect({ host: '127.0.0.1', port });
  const got = drain(socket);
  const first = await c.command(line);
  const replies = [first];
  if (first.code < 200) {
    if (upload !== undefined) socket.end(upload);
    replies.push(await c.reply());
  } else {
    socket.destroy();
  }
  return { replies, data: (await got).bytes.toString() };
}

const TRICKS = [
  '../secret.txt',
  '../../secret.txt',
  '..\\..\\secret.txt',
  '\\..\\..\\secret.txt',
  '/../../secret.txt',
  '/secret.txt',
  'sub/../../../secret.txt',
  '%2e%2e/%2e%2e/secret.txt',
  '%2e%2e%2f%2e%2e%2fsecret.txt',
  '..%5c..%5csecret.txt',
  '../../LocalUser/bob/bob.txt',
  '..\\bob\\bob.txt',
  '/LocalUser/bob/bob.txt',
  'C:\\secret.txt',
  '\\\\server\\share\\secret.txt',
  '/etc/passwd',
  '../../../../../../etc/passwd',
  'mine.txt\u0000../../secret.txt',
  '../secret.txt\u0000',
];

describe('an isolated user', () => {
  it('starts in her home, which she sees as /', async () => {
    expect(await c.command('PWD')).toEqual({ code: 257, text: '257 "/" is current directory.' });
  });

  it.each(['..', '../..', '..\\..', '\\..\\..\\', '/../..', '%2e%2e', '/LocalUser', '...', 'C:\\', '/etc'])(
    'cannot CWD out of her home with %j',
    async (arg) => {
      await c.command(`CWD ${arg}`);
      expect(await c.command('PWD')).toEqual({ code: 257, text: '257 "/" is current directory.' });
      await c.command('CWD /');
    },
  );

  it.each(TRICKS)('cannot RETR %j from outside her home', async (path) => {
    const { replies, data } = await transfer(`RETR ${path}`);
    expect(replies.at(-1)!.code).toBeGreaterThanOrEqual(500);
    expect(data).not.toMatch(/SECRET|root:/);
  });

  it.each(['..', '../..', '..\\..', '/', '%2e%2e'])('lists only her home with LIST %j', async (path) => {
    const { replies, data } = await transfer(`LIST ${path}`);
    if (replies.at(-1)!.code === 226) {
      const names = data
        .trim()
        .split('\r\n')
        .map((l) => l.slice(39));
      expect(names).toEqual(['mine.txt', 'sub']);
    }
    expect(data).not.toMatch(/secret|LocalUser|bob/i);
  });

  it.each(['../../evil.txt', '..\\..\\evil.txt', '/../evil.txt', '../bob/evil.txt'])(
    'cannot STOR %j outside her home',
    async (path) => {
      await transfer(`STOR ${path}`, 'EVIL');
      const fs = t.emu.fs();
      expect(stat(fs, '/evil.txt')).toBeUndefined();
      expect(stat(fs, '/LocalUser/evil.txt')).toBeUndefined();
      expect(stat(fs, '/LocalUser/bob/evil.txt')).toBeUndefined();
      const bob = stat(fs, '/LocalUser/bob');
      expect(bob?.kind === 'dir' ? [...bob.children.keys()] : []).toEqual(['bob.txt']);
    },
  );

  it('still reads her own files', async () => {
    const { replies, data } = await transfer('RETR mine.txt');
    expect(replies.map((r) => r.code)).toEqual([150, 226]);
    expect(data).toBe('alice data');
  });
});
