/** A command line's bytes: the ASCII copy of encodeLine against TextEncoder, which it stands in for. */

import { describe, expect, it } from 'vitest';
import { encodeLine } from '../../../src/clients/bytes.ts';

describe('encodeLine', () => {
  it.each([
    ['an empty line', ''],
    ['a command with CRLF', 'RETR pub/data.bin\r\n'],
    ['a command with LF alone', 'NLST -l\n'],
    ['every ASCII character, DEL included', String.fromCharCode(...Array.from({ length: 128 }, (_, i) => i))],
    ['a Latin-1 letter (two UTF-8 bytes)', 'CWD déjà\r\n'],
    ['the first code point past ASCII', 'CWD \u0080\r\n'],
    ['CJK (three bytes)', 'RETR 文件.txt\r\n'],
    ['a surrogate pair (four bytes)', 'STOR 🙂\r\n'],
    ['a lone surrogate (U+FFFD)', 'STOR \ud800x\r\n'],
    ['non-ASCII after a long ASCII run', `${'a'.repeat(1000)}é`],
  ])('%s: the bytes TextEncoder gives', (_what, text) => {
    expect(encodeLine(text)).toEqual(new TextEncoder().encode(text));
  });
});
