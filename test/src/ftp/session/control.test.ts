import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type ControlLine,
  encodeText,
  FRAMER_START,
  type FramerState,
  frameLines,
  frameLinesByByte,
  parseCommand,
} from '../../../../src/ftp/control.ts';

const bytes = (...parts: (string | number[])[]) =>
  Uint8Array.from(parts.flatMap((p) => (typeof p === 'string' ? [...Buffer.from(p, 'latin1')] : p)));
const text = (l: ControlLine) => `${Buffer.from(l.bytes).toString('latin1')}|${l.end}`;

/** Frames the chunks one after the other, as reads from a socket. */
function frame(chunks: Uint8Array[], max = 64): { lines: string[]; state: FramerState } {
  let state = FRAMER_START;
  const lines: string[] = [];
  for (const c of chunks) {
    const f = frameLines(state, c, max);
    state = f.state;
    lines.push(...f.lines.map(text));
  }
  return { lines, state };
}

const IAC = 255;

describe('control channel framing', () => {
  it.each([
    ['one CRLF line', [bytes('USER bob\r\n')], ['USER bob|CRLF'], ''],
    ['two lines in one read', [bytes('USER bob\r\nPASS x\r\n')], ['USER bob|CRLF', 'PASS x|CRLF'], ''],
    ['an LF-only line', [bytes('USER bob\n')], ['USER bob|LF'], ''],
    [
      'a line split across reads',
      [bytes('US'), bytes('ER b'), bytes('ob\r'), bytes('\n')],
      ['USER bob|CRLF'],
      '',
    ],
    ['CR and LF in two reads', [bytes('NOOP\r'), bytes('\n')], ['NOOP|CRLF'], ''],
    ['an unfinished line stays as rest', [bytes('USER bob\r\nPAS')], ['USER bob|CRLF'], 'PAS'],
    ['a CR inside a line is a byte', [bytes('A\rB\r\n')], ['A\rB|CRLF'], ''],
    ['an empty line', [bytes('\r\n')], ['|CRLF'], ''],
    ['a NUL byte is kept in the line', [bytes('CWD a', [0], 'b\r\n')], ['CWD a\u0000b|CRLF'], ''],
  ])('%s', (_name, chunks, lines, rest) => {
    const f = frame(chunks);
    expect(f.lines).toEqual(lines);
    expect(Buffer.from(f.state.rest).toString('latin1')).toBe(rest);
  });

  it.each([
    [
      'IAC IP IAC DM before ABOR (the Telnet Synch) is dropped',
      [bytes([IAC, 244, IAC, 242], 'ABOR\r\n')],
      ['ABOR|CRLF'],
    ],
    ['IAC IAC is one 0xFF data byte', [bytes('RETR a', [IAC, IAC], 'b\r\n')], ['RETR a\u00ffb|CRLF']],
    [
      'WILL/DO negotiation (3 bytes) is dropped',
      [bytes([IAC, 251, 1], 'NOOP', [IAC, 253, 3], '\r\n')],
      ['NOOP|CRLF'],
    ],
    ['a subnegotiation is dropped', [bytes('NO', [IAC, 250, 24, 0, 65, IAC, 240], 'OP\r\n')], ['NOOP|CRLF']],
    [
      'an IAC split across reads waits for its second byte',
      [bytes('NOOP', [IAC]), bytes([244], '\r\n')],
      ['NOOP|CRLF'],
    ],
    [
      'a negotiation split after its command byte',
      [bytes([IAC, 251]), bytes([1], 'QUIT\r\n')],
      ['QUIT|CRLF'],
    ],
  ])('Telnet: %s', (_name, chunks, lines) => {
    expect(frame(chunks).lines).toEqual(lines);
  });

  it('a line over the limit comes out once, cut, and the rest of it up to LF is skipped', () => {
    const long = 'X'.repeat(100);
    const f = frame([bytes(`STOR ${long}`), bytes(`${long}\r\nNOOP\r\n`)], 64);
    expect(f.lines).toEqual([`STOR ${'X'.repeat(59)}|LONG`, 'NOOP|CRLF']);
    expect(f.state).toEqual({ rest: new Uint8Array(0), skipping: false });
  });

  it('a line of exactly the limit is not long; one byte more is', () => {
    expect(frame([bytes(`${'a'.repeat(64)}\r\n`)], 64).lines).toEqual([`${'a'.repeat(64)}|CRLF`]);
    expect(frame([bytes(`${'a'.repeat(65)}\r\n`)], 64).lines).toEqual([`${'a'.repeat(64)}|LONG`]);
  });

  it('the limit is not crossed by the CR of CRLF arriving alone', () => {
    const f = frame([bytes(`${'a'.repeat(64)}\r`), bytes('\n')], 64);
    expect(f.lines).toEqual([`${'a'.repeat(64)}|CRLF`]);
  });

  it('endless Telnet noise without a line end is cut too, so the rest stays bounded', () => {
    const noise = Uint8Array.from({ length: 1000 }, (_, i) => (i % 2 === 0 ? IAC : 241)); // IAC NOP ...
    const f = frame([noise, noise], 64);
    expect(f.lines).toEqual(['|LONG']);
    expect(f.state.rest.length).toBe(0);
    expect(frame([noise, bytes('\r\nNOOP\r\n')], 64).lines).toEqual(['|LONG', 'NOOP|CRLF']);
  });

  it('an unfinished subnegotiation waits in rest', () => {
    const f = frame([bytes('NO', [IAC, 250, 24, 1])]);
    expect(f.lines).toEqual([]);
    expect([...f.state.rest]).toEqual([...bytes('NO', [IAC, 250, 24, 1])]);
  });

  it('never throws on random bytes, and its rest stays within twice the limit', () => {
    let seed = 7;
    const rand = () => {
      seed = (seed * 1103515245 + 12345) >>> 0;
      return seed >>> 24;
    };
    for (let run = 0; run < 200; run++) {
      const chunks = Array.from({ length: 5 }, () => Uint8Array.from({ length: rand() % 40 }, () => rand()));
      expect(frame(chunks, 16).state.rest.length).toBeLessThanOrEqual(32);
    }
  });
});

describe('the framer fast path (whole short lines, no Telnet)', () => {
  it('frames random reads exactly as the byte-by-byte rules do, the state carried along both ways', () => {
    // Mostly printable bytes with CR, LF and an occasional IAC; lines around the limit of 8 bytes.
    const ALPHABET = [...Buffer.from('AB \r\n\r\n'), 0, IAC];
    fc.assert(
      fc.property(
        fc.array(fc.array(fc.constantFrom(...ALPHABET), { maxLength: 30 }), { maxLength: 6 }),
        fc.integer({ min: 0, max: 10 }),
        (chunks, max) => {
          let fast = FRAMER_START;
          let ref = FRAMER_START;
          for (const c of chunks) {
            const a = frameLines(fast, Uint8Array.from(c), max);
            const b = frameLinesByByte(ref, Uint8Array.from(c), max);
            expect(a).toEqual(b);
            fast = a.state;
            ref = b.state;
          }
        },
      ),
      { numRuns: 2000 },
    );
  });
});

describe('command parsing', () => {
  it.each([
    ['USER bob', { verb: 'USER', name: 'USER', arg: 'bob' }],
    ['user bob', { verb: 'user', name: 'USER', arg: 'bob' }],
    ['opts utf8 on', { verb: 'opts', name: 'OPTS', arg: 'utf8 on' }],
    ['STOR  two spaces.txt ', { verb: 'STOR', name: 'STOR', arg: ' two spaces.txt ' }],
    ['PWD', { verb: 'PWD', name: 'PWD', arg: '' }],
    ['', { verb: '', name: '', arg: '' }],
  ])('%j', (line, expected) => {
    expect(parseCommand(Buffer.from(line), true)).toEqual({ ...expected, line });
  });

  it('UTF-8 arguments keep their characters; invalid UTF-8 is a value, not an error', () => {
    expect(parseCommand(Buffer.from('RETR café.txt'), true)).toMatchObject({ arg: 'café.txt' });
    expect(parseCommand(bytes('RETR caf', [0xe9], '.txt'), true)).toBe('not-utf8');
    expect(parseCommand(bytes('RETR caf', [0xe9], '.txt'), false)).toMatchObject({ arg: 'café.txt' });
  });

  it('reply text is UTF-8, or Latin-1 with ? beyond it', () => {
    expect([...encodeText('é', true)]).toEqual([0xc3, 0xa9]);
    expect([...encodeText('é€', false)]).toEqual([0xe9, 0x3f]);
  });

  it('ASCII copied by hand is what TextEncoder gives; the first non-ASCII character hands over to it', () => {
    const enc = new TextEncoder();
    for (const t of [
      '220 Microsoft FTP Service\r\n',
      '',
      'abc\u007f',
      'ab\u0080c',
      '257 "/café" is current\r\n',
    ])
      expect(encodeText(t, true)).toEqual(enc.encode(t));
    expect([...encodeText('ab\u0080€', false)]).toEqual([0x61, 0x62, 0x80, 0x3f]);
  });
});
