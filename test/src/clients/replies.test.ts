import { describe, expect, it } from 'vitest';
import {
  eprtArgument,
  parseEpsv,
  parsePasv,
  parseReplies,
  portArgument,
} from '../../../src/clients/replies.ts';

describe('parseReplies: RFC 959 §4.2 replies off the control connection', () => {
  it.each([
    ['one line', '220 Microsoft FTP Service\r\n', [{ code: 220, text: 'Microsoft FTP Service' }], ''],
    [
      'two in one read',
      '331 Password required\r\n230 User logged in.\r\n',
      [
        { code: 331, text: 'Password required' },
        { code: 230, text: 'User logged in.' },
      ],
      '',
    ],
    ['half a line is kept as rest', '226 Transfer comp', [], '226 Transfer comp'],
    ['a line without its LF is incomplete', '226 Transfer complete.\r', [], '226 Transfer complete.\r'],
    ['a bare LF ends a line too', '200 OK\n', [{ code: 200, text: 'OK' }], ''],
    [
      'the trailing space of a Win32 text is kept',
      '550 Access is denied. \r\n',
      [{ code: 550, text: 'Access is denied. ' }],
      '',
    ],
    [
      'multi-line: ends at the same code and a space',
      '211-Extended features supported:\r\n LANG EN*\r\n UTF8\r\n211 END\r\n',
      [{ code: 211, text: 'Extended features supported:\n LANG EN*\n UTF8\nEND' }],
      '',
    ],
    [
      'multi-line: a line starting with another code does not end it',
      '211-a\r\n226 not the end\r\n211-still not\r\n211 END\r\n',
      [{ code: 211, text: 'a\n226 not the end\n211-still not\nEND' }],
      '',
    ],
    ['multi-line: incomplete until its last line', '211-a\r\n b\r\n', [], '211-a\r\n b\r\n'],
    [
      'UTF-8 text is decoded',
      '257 "/d\xc3\xa9j\xc3\xa0" is current directory.\r\n',
      [{ code: 257, text: '"/déjà" is current directory.' }],
      '',
    ],
  ])('%s', (_what, input, replies, rest) => {
    const r = parseReplies(input);
    expect(r.replies).toEqual(replies);
    expect(r.rest).toBe(rest);
  });

  it('a line that is no reply is skipped and reported, never thrown', () => {
    const r = parseReplies('hello there\r\n200 OK\r\n');
    expect(r.replies).toEqual([{ code: 200, text: 'OK' }]);
    expect(r.junk).toEqual(['hello there']);
  });

  it.each([
    ['a code of two digits', '22 short\r\n'],
    ['a code of four digits', '2200 long\r\n'],
    ['a code and nothing after it', '220\r\n'],
    ['a letter in the code', '2x0 OK\r\n'],
    ['another separator', '220_OK\r\n'],
    ['non-ASCII digits', '\u0662\u0662\u0660 OK\r\n'],
  ])('no reply head: %s', (_what, input) => {
    const r = parseReplies(input);
    expect(r.replies).toEqual([]);
    expect(r.junk).toEqual([input.slice(0, -2)]);
  });

  it('a code and a space with no text is a reply with empty text', () => {
    expect(parseReplies('220 \r\n').replies).toEqual([{ code: 220, text: '' }]);
  });

  it('feeding the bytes one at a time gives the same replies', () => {
    const input = '150 Opening\r\n211-x\r\n y\r\n211 z\r\n226 Done\r\n';
    const all: unknown[] = [];
    let rest = '';
    for (const ch of input) {
      const r = parseReplies(rest + ch);
      all.push(...r.replies);
      rest = r.rest;
    }
    expect(all).toEqual(parseReplies(input).replies);
    expect(rest).toBe('');
  });
});

describe('data endpoints', () => {
  it.each([
    ['Entering Passive Mode (192,168,1,20,255,190).', { addr: '192.168.1.20', port: 65470 }],
    ['Entering Passive Mode (10,0,0,2,0,21)', { addr: '10.0.0.2', port: 21 }],
    ['=10,0,0,2,4,1', { addr: '10.0.0.2', port: 1025 }],
    ['leading zeros (010,000,000,002,004,001)', { addr: '10.0.0.2', port: 1025 }],
    ['the first six numbers count: 1,2,3,4,5,6,7', { addr: '1.2.3.4', port: 1286 }],
    ['Entering Passive Mode (10,0,0,256,4,1)', null],
    ['Entering Passive Mode', null],
  ])('227 %s', (text, ep) => {
    expect(parsePasv(text)).toEqual(ep);
  });

  it.each([
    ['Entering Extended Passive Mode (|||6446|)', 6446],
    ['Entering Extended Passive Mode (!!!6446!)', 6446],
    ['Entering Extended Passive Mode (|||0|)', null],
    ['Entering Extended Passive Mode (||6446|)', null],
  ])('229 %s', (text, port) => {
    expect(parseEpsv(text)).toBe(port);
  });

  it('PORT and EPRT arguments (RFC 959 §4.1.2, RFC 2428 §2)', () => {
    expect(portArgument('192.168.1.10', 40000)).toBe('192,168,1,10,156,64');
    expect(eprtArgument('192.168.1.10', 40000)).toBe('|1|192.168.1.10|40000|');
  });
});
