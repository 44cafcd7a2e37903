/**
 * Parser fuzz: random byte streams on the control channel of the pure FTP server (no network). Streams mix
 * real commands with noise: random bytes, NUL, Telnet IAC sequences (IAC IAC, IP/DM, WILL/DO, a
 * subnegotiation, a sequence cut at the end), over-long lines, LF-only and CR-only ends, bytes that are not
 * UTF-8. Whatever arrives, and however it is split into reads, the session never throws, answers every
 * command line it parsed with exactly one final reply (at most one 1xx before it), and ends (by QUIT or by a
 * timeout); and the replies do not depend on where the stream was split.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { FtpConfigInput } from '../../../src/ftp/config.ts';
import { pairReplies } from '../../../src/fuzz/invariants/replies.ts';
import { Loopback, SESSION } from './loopback.ts';

const ascii = (s: string) => new TextEncoder().encode(s);
const MAX_LINE = 256;

const CONFIG = (profile: 'ftp75' | 'iis6'): FtpConfigInput => ({
  profile,
  maxLineBytes: MAX_LINE,
  users: { users: [{ name: 'bob', password: 'pw' }], anonymous: true, isolation: 'None' },
});

const COMMANDS = [
  'USER anonymous',
  'PASS a@b.c',
  'USER bob',
  'PASS pw',
  'PASS wrong',
  'PASV',
  'EPSV',
  'EPSV ALL',
  'PORT 10,0,0,1,156,64',
  'PORT 10,0,0,1,0,80',
  'EPRT |1|10.0.0.1|40000|',
  'LIST',
  'NLST -l',
  'NLST -r',
  'RETR a.txt',
  'RETR big.bin',
  'RETR nope',
  'STOR up.txt',
  'APPE up.txt',
  'STOU',
  'REST 3',
  'TYPE I',
  'TYPE A',
  'ABOR',
  'NOOP',
  'FEAT',
  'HELP',
  'STAT',
  'SYST',
  'OPTS UTF8 ON',
  'OPTS UTF8 OFF',
  'CWD sub',
  'CDUP',
  'PWD',
  'MKD x',
  'RMD x',
  'SIZE a.txt',
  'MDTM a.txt',
  'RNFR a.txt',
  'RNTO b.txt',
  'DELE b.txt',
  'AUTH TLS',
  'PBSZ 0',
  'PROT P',
  'HOST ftp.example',
  'REIN',
  'ALLO 10',
  'MODE S',
  'STRU F',
  'XPWD',
  'retr a.txt',
  'list',
  '',
  ' ',
  'QUIT',
  // A transfer behind its data-channel command, so that transfers run often rather than by luck.
  'PASV\r\nRETR a.txt',
  'EPSV\r\nLIST',
  'PORT 10,0,0,1,156,64\r\nSTOR up.txt',
  'PASV\r\nRETR big.bin\r\nABOR',
  'TYPE I\r\nREST 5\r\nPASV\r\nRETR a.txt',
  'EPRT |1|10.0.0.1|40001|\r\nNLST',
  'PASV\r\nAPPE up.txt',
];

/** One piece of a stream: a command with an end, or noise. */
const piece: fc.Arbitrary<readonly number[]> = fc.oneof(
  {
    weight: 8,
    arbitrary: fc
      .tuple(fc.constantFrom(...COMMANDS), fc.constantFrom('\r\n', '\r\n', '\r\n', '\n', '\r', ''))
      .map(([c, end]) => [...ascii(c + end)]),
  },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 24 }).map((b) => [...b]) },
  { weight: 1, arbitrary: fc.constantFrom([0], [0, 0x0d, 0x0a], [0x55, 0x53, 0x00, 0x45, 0x52, 0x0d, 0x0a]) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      [0xff, 0xff], // IAC IAC: a 0xFF data byte
      [0xff, 0xf4, 0xff, 0xf2], // IAC IP IAC DM: the Telnet Synch before ABOR
      [0xff, 0xfb, 0x01], // IAC WILL ECHO
      [0xff, 0xfd, 0x03], // IAC DO SGA
      [0xff, 0xfa, 0x18, 0x00, 0x41, 0xff, 0xf0], // a subnegotiation
      [0xff, 0xfa, 0x18, 0xff, 0xff, 0x41], // an unfinished subnegotiation
      [0xff], // a lone IAC, perhaps at the very end
    ),
  },
  {
    weight: 1,
    arbitrary: fc
      .tuple(
        fc.constantFrom('CWD ', 'RETR ', 'MKD ', 'USER '),
        fc.constantFrom(
          [0xc3, 0x28],
          [0x80],
          [0xed, 0xa0, 0x80],
          [0xf8, 0x88, 0x80, 0x80, 0x80],
          [0xc3, 0xa9],
        ),
      )
      .map(([c, bad]) => [...ascii(c), ...bad, 0x0d, 0x0a]),
  },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.integer({ min: MAX_LINE - 4, max: 3 * MAX_LINE }), fc.constantFrom('\r\n', '\n', ''))
      .map(([n, end]) => [...ascii(`NOOP ${'x'.repeat(n)}${end}`)]),
  },
);

/** Most streams log in first, so that the commands behind the login (transfers, PASV, ABOR) run too. */
const LOGIN = [...ascii('USER anonymous\r\nPASS a@b.c\r\n')];
const stream = fc
  .tuple(fc.boolean(), fc.boolean(), fc.array(piece, { maxLength: 30 }))
  .map(([login, again, ps]) => Uint8Array.from([...(login || again ? LOGIN : []), ...ps.flat()]));

/** Cuts a stream at the given positions (sorted, deduplicated, inside the stream). */
function cut(bytes: Uint8Array, at: readonly number[]): Uint8Array[] {
  const points = [...new Set(at.map((p) => p % (bytes.length + 1)))].sort((a, b) => a - b);
  const chunks: Uint8Array[] = [];
  let from = 0;
  for (const p of points) {
    chunks.push(bytes.subarray(from, p));
    from = p;
  }
  chunks.push(bytes.subarray(from));
  return chunks;
}

/**
 * Feeds the chunks. `interleave`: the client and transport answer after each read (realistic timing);
 * otherwise all answers come after the last read, so that only the split differs between two plays.
 */
function play(profile: 'ftp75' | 'iis6', chunks: readonly Uint8Array[], interleave = false): Loopback {
  const l = new Loopback(CONFIG(profile));
  for (const c of chunks) {
    l.send(c);
    if (interleave) l.flush();
  }
  l.send(new Uint8Array(0));
  return l;
}

function replyText(l: Loopback): string {
  return l.replies.map((r) => new TextDecoder('latin1').decode(r)).join('');
}

describe.each(['ftp75', 'iis6'] as const)(
  'the control channel of the pure server (%s) under random bytes',
  (profile) => {
    it('never throws, answers every parsed line exactly once, and the session ends', () => {
      fc.assert(
        fc.property(stream, fc.array(fc.nat(), { maxLength: 8 }), (bytes, at) => {
          const l = play(profile, cut(bytes, at), true);
          expect(l.settle()).toBeLessThan(1000);
          expect(l.open).toBe(false);
          expect(pairReplies(SESSION, l.events, true).violation).toBeNull();
          expect(l.events[0]).toMatchObject({ kind: 'reply', code: 220 });
        }),
        { numRuns: 300, seed: 7 },
      );
    });

    it('gives the same replies and log however the stream is split into reads', () => {
      fc.assert(
        fc.property(stream, fc.array(fc.nat(), { minLength: 1, maxLength: 12 }), (bytes, at) => {
          const whole = play(profile, [bytes]);
          const split = play(profile, cut(bytes, at));
          whole.settle();
          split.settle();
          expect(replyText(split)).toBe(replyText(whole));
          expect(split.logs).toEqual(whole.logs);
        }),
        { numRuns: 300, seed: 11 },
      );
    });

    it('gives the same replies with the stream split at every single position', () => {
      const bytes = Uint8Array.from([
        ...ascii('USER anonymous\r\nPASS x@y\r\nOPTS UTF8 ON\r\n'),
        ...[0xff, 0xf4, 0xff, 0xf2],
        ...ascii('CWD '),
        0xc3,
        0x28,
        ...ascii('\r\nNOOP\nTYPE I\r\n'),
        ...[0xff, 0xfa, 0x18, 0x00, 0xff, 0xf0, 0xff, 0xff, 0x0d, 0x0a],
        ...ascii(`${'A'.repeat(MAX_LINE + 3)}\r\nPASV\r\nRETR a.txt\r\nQUIT\r\n`),
      ]);
      const expected = play(profile, [bytes]);
      expected.settle();
      expect(expected.events.filter((e) => e.kind === 'command').length).toBeGreaterThanOrEqual(10);
      for (let p = 0; p <= bytes.length; p++) {
        const l = play(profile, [bytes.subarray(0, p), bytes.subarray(p)]);
        l.settle();
        expect(replyText(l), `split at ${p}`).toBe(replyText(expected));
      }
      // And one byte per read.
      const bytewise = play(
        profile,
        [...bytes].map((b) => Uint8Array.of(b)),
      );
      bytewise.settle();
      expect(replyText(bytewise)).toBe(replyText(expected));
    });
  },
);
