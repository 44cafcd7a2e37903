/**
 * The emulator's two rules over a model step's outputs, on outputs written out by hand (as a trace reads):
 * which reply a failed login holds, and how an upload cut by the memory limit is answered and logged.
 */

import { describe, expect, it } from 'vitest';
import { failedLogins, storageExceeded } from '../../../src/emulator/policies.ts';
import type { FtpOutput } from '../../../src/ftp/io.ts';
import type { LogEntry } from '../../../src/ftp/w3c.ts';

const GUID = { c1: '11111111-1111-4111-8111-111111111111', c2: '22222222-2222-4222-8222-222222222222' };
const SESSIONS = new Map(Object.entries(GUID).map(([id, guid]) => [guid, id]));

function reply(session: 'c1' | 'c2', code: number, text: string): FtpOutput {
  const line = `${code} ${text}\r\n`;
  return { kind: 'control-write', session, code, text: line, bytes: Buffer.from(line) };
}

function log(session: 'c1' | 'c2', method: string, status: string, more: Partial<LogEntry> = {}): FtpOutput {
  return {
    kind: 'log',
    entry: {
      at: 0,
      clientIp: '127.0.0.1',
      user: '-',
      serverIp: '127.0.0.1',
      serverPort: 21,
      method,
      uriStem: '',
      status,
      win32: 0,
      substatus: 0,
      session: GUID[session],
      fullPath: '',
      ...more,
    },
  };
}

describe('failedLogins', () => {
  it("holds the 530 that answers a PASS, found by the command's log line", () => {
    const outputs = [
      reply('c1', 331, 'Password required for alice.'),
      log('c1', 'USER', '331'),
      reply('c1', 530, 'User cannot log in.'),
      log('c1', 'pass', '530', { win32: 1326, substatus: 41 }),
      reply('c1', 331, 'Password required for alice.'),
      log('c1', 'USER', '331'),
    ];
    expect([...failedLogins(outputs, SESSIONS)]).toEqual([2]);
  });

  it('holds nothing for a 530 to another command, or when there is no delay', () => {
    const outputs = [reply('c1', 530, 'Please login with USER and PASS.'), log('c1', 'LIST', '530')];
    expect(failedLogins(outputs, SESSIONS).size).toBe(0);
    const failed = [reply('c1', 530, 'User cannot log in.'), log('c1', 'PASS', '530')];
    expect(failedLogins(failed, null).size).toBe(0);
  });

  it("holds each session's own reply when two fail in one step", () => {
    const outputs = [
      reply('c2', 530, 'User cannot log in.'),
      reply('c1', 530, 'User cannot log in.'),
      log('c1', 'PASS', '530'),
      log('c2', 'PASS', '530'),
    ];
    expect([...failedLogins(outputs, SESSIONS)].sort()).toEqual([0, 1]);
  });
});

describe('storageExceeded', () => {
  const cut = { kind: 'data-reset', session: 'c1', data: 3 } as const;
  const model: FtpOutput[] = [
    log('c1', 'DataChannelClosed', '', { serverPort: 61000, win32: 10054, substatus: 23 }),
    reply('c1', 426, 'Connection closed; transfer aborted.'),
    log('c1', 'STOR', '426', { uriStem: 'big.bin', win32: 10054, substatus: 23 }),
    reply('c2', 426, 'Connection closed; transfer aborted.'),
    log('c2', 'STOR', '426', { win32: 10054, substatus: 23 }),
  ];

  it('answers 552 instead of 426 and logs a full disk, for the cut session only', () => {
    const out = storageExceeded(model, cut, GUID.c1, 1000);
    expect(
      out.map((o) =>
        o.kind === 'control-write'
          ? o.text
          : `${o.kind === 'log' && o.entry.method} ${o.kind === 'log' && [o.entry.status, o.entry.win32, o.entry.substatus].join(' ')}`,
      ),
    ).toEqual([
      'DataChannelClosed  112 22',
      '552 Requested file action aborted. Exceeded storage allocation (the emulator keeps at most 1000 bytes of uploads in memory).\r\n',
      'STOR 552 112 3',
      '426 Connection closed; transfer aborted.\r\n',
      'STOR 426 10054 23',
    ]);
    const rewritten = out[1]!;
    expect(rewritten.kind === 'control-write' && Buffer.from(rewritten.bytes).toString()).toBe(
      rewritten.kind === 'control-write' && rewritten.text,
    );
  });
});
