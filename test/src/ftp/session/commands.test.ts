/**
 * Every command and its exact reply, table by table: feed control bytes to a logged-in session (or a fresh
 * one), compare the reply text byte for byte (CRLF and trailing spaces included).
 */
import { describe, expect, it } from 'vitest';
import type { FtpConfigInput } from '../../../../src/ftp/config.ts';
import { CLIENT, logs, Net, replies, SERVER } from './driver.ts';

/** A logged-in session (bob, on a remote client) after `before`; returns the replies to `line`. */
function run(line: string, before: string[] = [], config: FtpConfigInput = {}): string[] {
  const net = new Net({ config }).login();
  for (const b of before) net.cmd(b);
  return replies(net.cmd(line));
}

function wire(line: string, config: FtpConfigInput = {}): string {
  const net = new Net({ config }).login();
  return net
    .cmd(line)
    .flatMap((o) => (o.kind === 'control-write' ? [o.text] : []))
    .join('');
}

describe('connection and login', () => {
  it('greets with the banner, CRLF-terminated', () => {
    const out = new Net().open();
    expect(out.flatMap((o) => (o.kind === 'control-write' ? [o.text] : []))).toEqual([
      '220 Microsoft FTP Service\r\n',
    ]);
  });

  it('a banner message comes after the default line in the 220- form, or alone when suppressed', () => {
    expect(replies(new Net({ config: { bannerMessage: 'Welcome' } }).open())).toEqual([
      '220-Microsoft FTP Service|220 Welcome',
    ]);
    expect(
      replies(new Net({ config: { bannerMessage: 'Welcome', suppressDefaultBanner: true } }).open()),
    ).toEqual(['220 Welcome']);
  });

  it.each([
    ['USER bob', '331 Password required for bob.'],
    ['user bob', '331 Password required for bob.'],
    ['USER anonymous', '331 Anonymous access allowed, send identity (e-mail name) as password.'],
    ['USER ftp', '331 Anonymous access allowed, send identity (e-mail name) as password.'],
    ['USER', '501 Invalid number of parameters.'],
    ['PASS secret', '503 Login with USER first.'],
  ])('%s → %s', (line, reply) => {
    const net = new Net();
    net.open();
    expect(replies(net.cmd(line))).toEqual([reply]);
  });

  it('userReply short gives the newer 331 text', () => {
    const net = new Net({ config: { userReply: 'short' } });
    net.open();
    expect(replies(net.cmd('USER bob'))).toEqual(['331 Password required']);
  });

  it.each([
    ['bob', 'secret', '230 User logged in.'],
    ['bob', 'wrong', '530 User cannot log in.'],
    ['nobody', 'x', '530 User cannot log in.'],
    ['anonymous', 'IEUser@', '230 User logged in.'],
  ])('USER %s / PASS %s → %s', (user, password, reply) => {
    const net = new Net();
    net.open();
    net.cmd(`USER ${user}`);
    expect(replies(net.cmd(`PASS ${password}`))).toEqual([reply]);
  });

  it('a missing home directory under isolation is its own 530', () => {
    const net = new Net({
      config: {
        users: {
          users: [{ name: 'bob', password: 'secret' }],
          anonymous: false,
          isolation: 'IsolateAllDirectories',
        },
      },
    });
    net.open();
    net.cmd('USER bob');
    expect(replies(net.cmd('PASS secret'))).toEqual(['530 User cannot log in, home directory inaccessible.']);
  });

  it('after a failed PASS the client must start again with USER', () => {
    const net = new Net();
    net.open();
    net.cmd('USER bob');
    net.cmd('PASS wrong');
    expect(replies(net.cmd('PASS secret'))).toEqual(['503 Login with USER first.']);
  });

  it('a greeting message is sent as 230- lines before the usual text', () => {
    const net = new Net({ config: { greetingMessage: 'Hello\nthere' } });
    net.open();
    net.cmd('USER bob');
    expect(replies(net.cmd('PASS secret'))).toEqual(['230-Hello|there|230 User logged in.']);
  });

  it.each([
    'PWD',
    'CWD docs',
    'LIST',
    'NLST',
    'RETR a.txt',
    'STOR b.txt',
    'PORT 10,0,0,2,195,80',
    'PASV',
    'EPSV',
    'TYPE I',
    'SIZE a.txt',
    'MKD x',
    'STAT',
    'REST 0',
    'ABOR',
  ])('%s before login → 530 Please login with USER and PASS.', (line) => {
    const net = new Net();
    net.open();
    expect(replies(net.cmd(line))).toEqual(['530 Please login with USER and PASS.']);
  });

  it.each([
    ['SYST', '215 Windows_NT'],
    ['NOOP', '200 NOOP command successful.'],
    ['HOST ftp.example.com', '220 Host accepted.'],
    ['AUTH TLS', '534 Local policy on server does not allow TLS secure connections.'],
    ['QUIT', '221 Goodbye.'],
  ])('%s is answered before login', (line, reply) => {
    const net = new Net();
    net.open();
    expect(replies(net.cmd(line))).toEqual([reply]);
  });

  it('HOST after USER is out of sequence (RFC 7151)', () => {
    const net = new Net();
    net.open();
    net.cmd('USER bob');
    expect(replies(net.cmd('HOST ftp.example.com'))).toEqual(['503 Bad sequence of commands.']);
  });

  it('QUIT replies, logs, then closes the control connection', () => {
    const net = new Net().login();
    const out = net.cmd('QUIT');
    expect(
      out.filter((o) => o.kind !== 'note').map((o) => (o.kind === 'log' ? `log ${o.entry.method}` : o.kind)),
    ).toEqual(['control-write', 'log QUIT', 'control-close', 'log ControlChannelClosed']);
    expect(net.server.sessions).toEqual({});
  });

  it('an exit message replaces Goodbye', () => {
    expect(run('QUIT', [], { exitMessage: 'Bye now' })).toEqual(['221 Bye now']);
  });

  it('REIN logs out: the next command needs a login again', () => {
    const net = new Net().login();
    expect(replies(net.cmd('REIN'))).toEqual(['220 REIN command successful.']);
    expect(replies(net.cmd('PWD'))).toEqual(['530 Please login with USER and PASS.']);
  });
});

describe('informational commands', () => {
  it('FEAT is the FTP 7.5 list, feature lines indented by one space', () => {
    expect(wire('FEAT')).toBe(
      '211-Extended features supported:\r\n LANG EN*\r\n UTF8\r\n AUTH TLS;TLS-C;SSL;TLS-P;\r\n PBSZ\r\n' +
        ' PROT C;P;\r\n CCC\r\n HOST\r\n SIZE\r\n MDTM\r\n REST STREAM\r\n211 END\r\n',
    );
  });

  it('FEAT without UTF8 drops LANG and UTF8; without TLS drops the FTPS lines', () => {
    expect(run('FEAT', [], { allowUtf8: false, advertiseTls: false })).toEqual([
      '211-Extended features supported:| HOST| SIZE| MDTM| REST STREAM|211 END',
    ]);
  });

  it('HELP lists the verbs four spaces in, starred when unimplemented', () => {
    const [help] = run('HELP');
    const lines = help!.split('|');
    expect(lines[0]).toBe("214-The following commands are recognized (* ==>'s unimplemented).");
    expect(lines.slice(1, 4)).toEqual(['    ABOR', '    ACCT', '    ADAT *']);
    expect(lines).toContain('    XRMD');
    expect(lines.at(-1)).toBe('214 HELP command successful.');
    expect(lines).toHaveLength(2 + 53);
  });

  it.each([
    ['HELP DELE', '214 Syntax: dele <sp> file-name - (delete file)'],
    ['HELP dele', '214 Syntax: dele <sp> file-name - (delete file)'],
    ['HELP FROB', '501 Unknown command FROB.'],
  ])('%s → %s', (line, reply) => {
    expect(run(line)).toEqual([reply]);
  });

  it('HELP under iis6 leaves out what FTP 7 added', () => {
    const [help] = run('HELP', [], { profile: 'iis6' });
    expect(help).not.toContain('EPSV');
    expect(help).not.toContain('OPTS');
    expect(help).toContain('    XRMD');
  });

  it('OPTS UTF8 is refused on a site that does not allow UTF8', () => {
    expect(run('OPTS UTF8 ON', [], { allowUtf8: false })).toEqual(['501 Option not supported.']);
  });

  it('MDTM setting the time of a file another process holds open is a sharing violation', () => {
    const net = new Net().login();
    net.feed({ kind: 'lock', lock: { path: '/a.txt', from: 0, until: null, owner: 'external' } });
    expect(replies(net.cmd('MDTM 20240615123045 a.txt'))).toEqual([
      '550 The process cannot access the file because it is being used by another process. ',
    ]);
    expect(replies(net.cmd('MDTM a.txt'))).toEqual(['213 20260101000000']);
  });

  it('MDTM with an impossible date is 550 The parameter is incorrect.', () => {
    expect(run('MDTM 20241399000000 a.txt')).toEqual(['550 The parameter is incorrect. ']);
  });

  it('STAT gives the session status in the 211 multi-line form', () => {
    expect(run('STAT', ['TYPE I'])).toEqual([
      '211-Microsoft FTP Service status:| Connected to 10.0.0.2| Logged in as bob|' +
        ' TYPE: BINARY, FORM: Nonprint; STRUcture: File; transfer MODE: STREAM| No data connection|211 End of status.',
    ]);
  });

  it('STAT <path> lists over the control connection', () => {
    const [r] = run('STAT docs');
    expect(r).toMatch(/^213-Status of docs:\|01-01-26 {2}12:00AM +10 readme\.md\|213 End of status\.$/);
  });
});

describe('settings', () => {
  it.each([
    ['TYPE A', '200 Type set to A.'],
    ['TYPE I', '200 Type set to I.'],
    ['type i', '200 Type set to I.'],
    ['TYPE A N', '200 Type set to A.'],
    ['TYPE L 8', '200 Type set to I.'],
    ['TYPE E', '504 Command not implemented for that parameter.'],
    ['TYPE', '501 Invalid number of parameters.'],
    ['MODE S', '200 MODE S command successful.'],
    ['MODE B', '504 Command not implemented for that parameter.'],
    ['STRU F', '200 STRU F command successful.'],
    ['STRU R', '504 Command not implemented for that parameter.'],
    ['ALLO 1000', '200 ALLO command successful.'],
    ['REST 100', '350 Restarting at 100.'],
    ['REST abc', '501 Invalid number of parameters.'],
    ['OPTS UTF8 ON', '200 OPTS UTF8 command successful - UTF8 encoding now ON.'],
    ['opts utf8 off', '200 OPTS UTF8 command successful - UTF8 encoding now OFF.'],
    ['OPTS MLST type;', '501 Option not supported.'],
    ['LANG EN', '200 LANG command successful.'],
    ['LANG FR', '504 Command not implemented for that parameter.'],
    ['ACCT x', '202 Command not implemented, superfluous at this site.'],
    ['AUTH SSL', '534 Local policy on server does not allow TLS secure connections.'],
    ['AUTH KERBEROS', '504 Command not implemented for that parameter.'],
    ['PBSZ 0', '503 Bad sequence of commands.'],
    ['PROT P', '503 Bad sequence of commands.'],
    ['CCC', '503 Bad sequence of commands.'],
    ['SITE CHMOD 777 a', '502 Command not implemented.'],
    ['ADAT x', '502 Command not implemented.'],
  ])('%s → %s', (line, reply) => {
    expect(run(line)).toEqual([reply]);
  });
});

describe('file system commands', () => {
  it.each([
    ['PWD', [], '257 "/" is current directory.'],
    ['XPWD', ['CWD docs'], '257 "/docs" is current directory.'],
    ['CWD docs', [], '250 CWD command successful.'],
    ['XCWD docs', [], '250 XCWD command successful.'],
    ['CWD /docs/', [], '250 CWD command successful.'],
    ['CWD nothere', [], '550 The system cannot find the file specified. '],
    ['CWD no/where', [], '550 The system cannot find the path specified. '],
    ['CWD a.txt', [], '550 The directory name is invalid. '],
    ['CWD a*b', [], '550 The filename, directory name, or volume label syntax is incorrect. '],
    ['CDUP', ['CWD docs'], '250 CDUP command successful.'],
    ['XCUP', [], '250 XCUP command successful.'],
    ['MKD new', [], '257 "new" directory created.'],
    ['XMKD a"b', [], '550 The filename, directory name, or volume label syntax is incorrect. '],
    ['MKD docs', [], '550 Cannot create a file when that file already exists. '],
    ['MKD x/y', [], '550 The system cannot find the path specified. '],
    ['RMD docs', [], '550 The directory is not empty. '],
    ['RMD empty', ['MKD empty'], '250 RMD command successful.'],
    ['XRMD empty', ['MKD empty'], '250 XRMD command successful.'],
    ['DELE a.txt', [], '250 DELE command successful.'],
    ['DELE gone.txt', [], '550 The system cannot find the file specified. '],
    ['DELE docs', [], '550 Access is denied. '],
    ['RNFR a.txt', [], '350 Requested file action pending further information.'],
    ['RNFR gone.txt', [], '550 The system cannot find the file specified. '],
    ['RNTO b.txt', ['RNFR a.txt'], '250 RNTO command successful.'],
    ['RNTO docs', ['RNFR a.txt'], '550 Cannot create a file when that file already exists. '],
    ['RNTO b.txt', [], '503 Bad sequence of commands.'],
    ['RNTO b.txt', ['RNFR a.txt', 'NOOP'], '503 Bad sequence of commands.'],
    ['SIZE a.txt', [], '213 11'],
    ['SIZE docs', [], '550 Access is denied. '],
    ['SIZE gone', [], '550 The system cannot find the file specified. '],
    ['MDTM a.txt', [], '213 20260101000000'],
    ['MDTM 20240615123045 a.txt', [], '213 20240615123045'],
    ['MDTM a.txt', ['MDTM 20240615123045 a.txt'], '213 20240615123045'],
    ['MDTM docs', [], '550 Access is denied. '],
  ])('%s (after %j) → %s', (line, before, reply) => {
    expect(run(line, before)).toEqual([reply]);
  });

  it('the file system changes: MKD, RNFR/RNTO, DELE', () => {
    const net = new Net().login();
    net.cmd('MKD new');
    net.cmd('RNFR a.txt');
    net.cmd('RNTO new/b.txt');
    expect(net.file('/new/b.txt')).toBe('hello world');
    expect(net.file('/a.txt')).toBeUndefined();
    net.cmd('DELE new/b.txt');
    expect(net.file('/new/b.txt')).toBeUndefined();
  });

  it('RNTO onto an existing file is allowed with allowReplaceOnRename', () => {
    const net = new Net({
      config: { allowReplaceOnRename: true },
      files: { 'a.txt': 'A', 'b.txt': 'B' },
    }).login();
    net.cmd('RNFR a.txt');
    expect(replies(net.cmd('RNTO b.txt'))).toEqual(['250 RNTO command successful.']);
    expect(net.file('/b.txt')).toBe('A');
  });

  it('a client on the server itself sees the detailed error form (allowLocalDetailedErrors)', () => {
    const net = new Net();
    net.login('c1', 'bob', 'secret', { addr: SERVER.addr, port: 50000 });
    expect(replies(net.cmd('DELE docs'))).toEqual([
      '550-Access is denied.| Win32 error:   Access is denied.| Error details: File system denied the access.|550 End',
    ]);
    expect(replies(net.cmd('SIZE gone'))).toEqual([
      '550-The system cannot find the file specified.| Win32 error:   The system cannot find the file specified.|' +
        ' Error details: File system returned an error.|550 End',
    ]);
  });

  it('detailedErrors never / always', () => {
    const local = { addr: '127.0.0.1', port: 5000 };
    const never = new Net({ config: { detailedErrors: 'never' } }).login('c1', 'bob', 'secret', local);
    expect(replies(never.cmd('SIZE docs'))).toEqual(['550 Access is denied. ']);
    expect(run('SIZE docs', [], { detailedErrors: 'always' })[0]).toMatch(/^550-Access is denied\.\|/);
  });
});

describe('line rules', () => {
  it('an unknown verb is 500 Command not understood.', () => {
    expect(run('PRIV')).toEqual(['500 Command not understood.']);
    expect(run('XYZZY a b c')).toEqual(['500 Command not understood.']);
  });

  it.each(['constructor', 'toString', '__proto__', 'hasOwnProperty', 'valueOf x'])(
    '%s is an unknown command like any other',
    (line) => {
      expect(run(line)).toEqual(['500 Command not understood.']);
      expect(run(line, [], { profile: 'iis6' })).toEqual([`500 '${line}': command not understood`]);
    },
  );

  it('sessions may be named like Object’s properties', () => {
    const net = new Net();
    net.login('constructor');
    expect(replies(net.cmd('PWD', 'constructor'))).toEqual(['257 "/" is current directory.']);
    expect(replies(net.cmd('PWD', 'toString'))).toEqual([]);
  });

  it('an unknown verb is 500 before login too (not 530)', () => {
    const net = new Net();
    net.open();
    expect(replies(net.cmd('PRIV'))).toEqual(['500 Command not understood.']);
  });

  it('a line ended by LF alone gets 451 and is not run; the session goes on (KB 2505047)', () => {
    const net = new Net();
    net.open();
    expect(replies(net.send('USER bob\n'))).toEqual(['451 The parameter is incorrect.']);
    expect(replies(net.send('USER bob\r\nPASS secret\nPASS secret\r\n'))).toEqual([
      '331 Password required for bob.',
      '451 The parameter is incorrect.',
      '230 User logged in.',
    ]);
  });

  it('the 451 is logged with Win32 87', () => {
    const net = new Net();
    net.open();
    const [e] = logs(net.send('USER bob\n'));
    expect(e).toMatchObject({ method: 'USER', uriStem: 'bob', status: '451', win32: 87, substatus: 0 });
  });

  it('an over-long line gets one 500 and the session goes on', () => {
    const net = new Net({ config: { maxLineBytes: 100 } }).login();
    expect(replies(net.send(`RETR ${'x'.repeat(500)}\r\nNOOP\r\n`))).toEqual([
      '500 Command not understood.',
      '200 NOOP command successful.',
    ]);
  });

  it('bytes that are not UTF-8 get a 501 while UTF8 is on, and are read as Latin-1 once it is off', () => {
    const net = new Net({ files: { 'café.txt': 'x' } }).login();
    const latin1 = Uint8Array.from([...Buffer.from('SIZE caf'), 0xe9, ...Buffer.from('.txt\r\n')]);
    expect(replies(net.send(latin1))).toEqual([
      '501 No mapping for the Unicode character exists in the target multi-byte code page.',
    ]);
    net.cmd('OPTS UTF8 OFF');
    expect(replies(net.send(latin1))).toEqual(['213 1']);
    expect(replies(new Net({ files: { 'café.txt': 'x' } }).login().cmd('SIZE café.txt'))).toEqual(['213 1']);
  });

  it('a NUL in a path is an invalid name, not a crash', () => {
    expect(run('CWD a\u0000b')).toEqual([
      '550 The filename, directory name, or volume label syntax is incorrect. ',
    ]);
  });

  it('Telnet IAC sequences around a command are ignored', () => {
    const net = new Net().login();
    const bytes = Uint8Array.from([255, 244, 255, 242, ...Buffer.from('NOOP\r\n')]);
    expect(replies(net.send(bytes))).toEqual(['200 NOOP command successful.']);
  });

  it('commands split across reads and several in one read are answered in order', () => {
    const net = new Net().login();
    expect(replies(net.send('NO'))).toEqual([]);
    expect(replies(net.send('OP\r\nSYST\r\nPW'))).toEqual(['200 NOOP command successful.', '215 Windows_NT']);
    expect(replies(net.send('D\r\n'))).toEqual(['257 "/" is current directory.']);
  });

  it('the control connection of an ended session ignores late bytes', () => {
    const net = new Net().login();
    net.cmd('QUIT');
    const out = net.cmd('NOOP');
    expect(replies(out)).toEqual([]);
    expect(out).toEqual([
      {
        kind: 'note',
        session: 'c1',
        note: { what: 'ignored', input: 'control-bytes', why: 'no such session (it has ended)' },
      },
    ]);
  });

  it('a second control-opened for a live session is the driver’s mistake', () => {
    const net = new Net();
    net.open();
    expect(() => net.open()).toThrow(/open already/);
    expect(CLIENT.port).toBe(50000);
  });
});
