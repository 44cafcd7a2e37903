import { describe, expect, it } from 'vitest';
import { formatReply, R, type ReplyName, replyOf, tagOf } from '../../../../src/ftp/replies.ts';

const wire = (r: { code: number; lines: readonly string[] }) => formatReply(r);

describe('the reply form (RFC 959 §4.2)', () => {
  it.each([
    [{ code: 200, lines: ['NOOP command successful.'] }, '200 NOOP command successful.\r\n'],
    [
      { code: 211, lines: ['Extended features supported:', ' SIZE', 'END'] },
      '211-Extended features supported:\r\n SIZE\r\n211 END\r\n',
    ],
    [
      { code: 213, lines: ['Status of x:', '226 looks like a code', 'End of status.'] },
      '213-Status of x:\r\n 226 looks like a code\r\n213 End of status.\r\n',
    ],
    [{ code: 220, lines: ['a\r\nb'] }, '220 a  b\r\n'],
  ])('%j', (reply, text) => {
    expect(wire(reply)).toBe(text);
  });
});

describe('the reply table', () => {
  it('every entry has a source and a tag, and a 3-digit code', () => {
    for (const [name, e] of Object.entries(R)) {
      expect(e.source.length, name).toBeGreaterThan(10);
      expect(['VERIFIED', 'INFERRED'], name).toContain(e.tag);
      expect(e.code, name).toBeGreaterThanOrEqual(100);
      expect(e.code, name).toBeLessThan(600);
    }
  });

  // The texts the facts sheet marks VERIFIED (§1), byte for byte, under ftp75.
  it.each<[ReplyName, object | undefined, string]>([
    ['banner', { message: null, suppressDefault: false }, '220 Microsoft FTP Service\r\n'],
    ['hostAccepted', undefined, '220 Host accepted.\r\n'],
    ['userPassword', { user: 'robert' }, '331 Password required for robert.\r\n'],
    ['userPasswordShort', undefined, '331 Password required\r\n'],
    [
      'userAnonymous',
      undefined,
      '331 Anonymous access allowed, send identity (e-mail name) as password.\r\n',
    ],
    ['loggedIn', { user: 'robert', anonymous: false }, '230 User logged in.\r\n'],
    ['loginFailed', { user: 'robert' }, '530 User cannot log in.\r\n'],
    ['homeInaccessible', undefined, '530 User cannot log in, home directory inaccessible.\r\n'],
    ['notLoggedIn', undefined, '530 Please login with USER and PASS.\r\n'],
    ['syst', undefined, '215 Windows_NT\r\n'],
    ['optsUtf8', { on: true }, '200 OPTS UTF8 command successful - UTF8 encoding now ON.\r\n'],
    ['pwd', { path: '/test01' }, '257 "/test01" is current directory.\r\n'],
    ['fileActionOk', { verb: 'XRMD' }, '250 XRMD command successful.\r\n'],
    ['typeSet', { type: 'A' }, '200 Type set to A.\r\n'],
    ['commandOk', { what: 'PORT' }, '200 PORT command successful.\r\n'],
    ['portRejected', undefined, '501 Server cannot accept argument.\r\n'],
    [
      'passive',
      { addr: '192.168.253.245', port: 49363 },
      '227 Entering Passive Mode (192,168,253,245,192,211).\r\n',
    ],
    ['extendedPassive', { port: 6446 }, '229 Entering Extended Passive Mode (|||6446|)\r\n'],
    ['alreadyOpen', undefined, '125 Data connection already open; Transfer starting.\r\n'],
    ['opening', { binary: false, name: 'x', size: 1 }, '150 Opening ASCII mode data connection.\r\n'],
    ['opening', { binary: true, name: null, size: null }, '150 Opening BINARY mode data connection.\r\n'],
    ['transferComplete', undefined, '226 Transfer complete.\r\n'],
    ['cannotOpen', undefined, '425 Cannot open data connection.\r\n'],
    [
      'minBandwidth',
      undefined,
      '425 Data channel timed out due to not meeting the minimum bandwidth requirement.\r\n',
    ],
    ['fileStatus', { value: '305225' }, '213 305225\r\n'],
    ['win32Error', { win32: 2 }, '550 The system cannot find the file specified. \r\n'],
    [
      'win32Error',
      { win32: 32 },
      '550 The process cannot access the file because it is being used by another process. \r\n',
    ],
    ['directoryCreated', { name: 'test02' }, '257 "test02" directory created.\r\n'],
    ['renamePending', undefined, '350 Requested file action pending further information.\r\n'],
    ['goodbye', { message: null }, '221 Goodbye.\r\n'],
    ['helpVerb', { verb: 'DELE' }, '214 Syntax: dele <sp> file-name - (delete file)\r\n'],
    ['unknownCommand', { line: 'PRIV' }, '500 Command not understood.\r\n'],
    ['lfOnly', undefined, '451 The parameter is incorrect.\r\n'],
    ['badParameters', undefined, '501 Invalid number of parameters.\r\n'],
  ])('ftp75 %s', (name, params, text) => {
    expect(tagOf('ftp75', name)).toBe('VERIFIED');
    expect(wire(replyOf('ftp75', name, ...((params === undefined ? [] : [params]) as [])))).toBe(text);
  });

  it.each<[ReplyName, object | undefined, string]>([
    ['loggedIn', { user: 'bob', anonymous: false }, '230 User bob logged in.\r\n'],
    ['loggedIn', { user: 'anonymous', anonymous: true }, '230 Anonymous user logged in.\r\n'],
    ['unknownCommand', { line: 'EPSV' }, "500 'EPSV': command not understood\r\n"],
    [
      'opening',
      { binary: false, name: '/bin/ls', size: null },
      '150 Opening ASCII mode data connection for /bin/ls.\r\n',
    ],
    [
      'opening',
      { binary: true, name: 'a.bin', size: 5 },
      '150 Opening BINARY mode data connection for a.bin(5 bytes).\r\n',
    ],
    ['feat', { utf8: true, tls: true }, '211-FEAT\r\n    SIZE\r\n    MDTM\r\n211 END\r\n'],
    ['cannotOpen', undefined, "425 Can't open data connection.\r\n"],
    ['userPassword', { user: 'bob' }, '331 Password required for bob.\r\n'],
  ])('iis6 %s', (name, params, text) => {
    expect(wire(replyOf('iis6', name, ...((params === undefined ? [] : [params]) as [])))).toBe(text);
  });

  it('a path with a quote is quoted with the quote doubled (RFC 959 §4.2)', () => {
    expect(wire(replyOf('ftp75', 'pwd', { path: '/a"b' }))).toBe('257 "/a""b" is current directory.\r\n');
  });

  it('the tag of a text follows the profile that sends it', () => {
    expect(tagOf('ftp75', 'loginFailed')).toBe('VERIFIED');
    expect(tagOf('iis6', 'loginFailed')).toBe('INFERRED');
    expect(tagOf('iis6', 'syst')).toBe('VERIFIED');
  });
});
