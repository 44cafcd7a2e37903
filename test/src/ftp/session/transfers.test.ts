/**
 * Transfers on the data connection: what is sent, in which order with the replies, flow control, uploads
 * ended by the client's FIN, locks and sharing violations, REST, ABOR, and the commands that wait meanwhile.
 */
import { describe, expect, it } from 'vitest';
import { SECOND } from '../../../../sim/time.ts';
import { logs, Net, replies, sent, trace } from './driver.ts';

/**
 * A logged-in session with a new established passive connection (#1, #2, ...). A well-behaved client first
 * closes its side of earlier data connections, so their close handshakes are done.
 */
function connected(net = new Net().login(), session = 'c1') {
  net.cmd('PASV', session);
  for (const c of net.server.sessions[session]!.closing) net.data('data-closed', c.id, session);
  const id = net.server.sessions[session]!.nextDataId - 1;
  net.accept(id, undefined, session);
  return net;
}

describe('downloads', () => {
  it('RETR sends the file, closes (FIN), and writes 226 in the same step (KB 2505047)', () => {
    const net = connected();
    const out = net.cmd('RETR a.txt');
    expect(sent(out, 1)).toBe('hello world');
    expect(trace(out, { logs: true })).toEqual([
      '> 125 Data connection already open; Transfer starting.',
      'send #1 11',
      'close #1',
      expect.stringMatching(/^log \d+ DataChannelClosed - - 0 0$/),
      '> 226 Transfer complete.',
      'log 21 RETR a.txt 226 0 0',
    ]);
    expect(logs(out).at(-1)).toMatchObject({ fullPath: '/a.txt', bytesSent: 11 });
  });

  it('an empty file: no send, just the close and 226', () => {
    const net = connected(new Net({ files: { 'empty.txt': '' } }).login());
    expect(trace(net.cmd('RETR empty.txt')).slice(1)).toEqual(['close #1', '> 226 Transfer complete.']);
  });

  it('flow control: one chunk per data-drained, the last one followed by close and 226', () => {
    const big = new Uint8Array(150_000).map((_, i) => i % 251);
    const net = connected(
      new Net({ files: { 'big.bin': big }, autoDrain: false, config: { sendChunkBytes: 65536 } }).login(),
    );
    expect(trace(net.cmd('RETR big.bin'))).toEqual([
      '> 125 Data connection already open; Transfer starting.',
      'send #1 65536',
    ]);
    expect(trace(net.cmd('NOOP'))).toEqual([]); // waits behind the transfer
    expect(trace(net.data('data-drained', 1))).toEqual(['send #1 65536']);
    expect(trace(net.data('data-drained', 1))).toEqual([
      'send #1 18928',
      'close #1',
      '> 226 Transfer complete.',
      '> 200 NOOP command successful.',
    ]);
    const all = net.all.flatMap((o) => (o.kind === 'data-send' ? [...o.bytes] : []));
    expect(Uint8Array.from(all)).toEqual(big);
  });

  it('a drained event for a connection that is not sending changes nothing', () => {
    const net = connected();
    expect(trace(net.data('data-drained', 1))).toEqual([]);
  });

  it('a download goes on after the client’s FIN (half-close)', () => {
    const net = connected(new Net({ autoDrain: false, config: { sendChunkBytes: 4 } }).login());
    net.cmd('RETR a.txt');
    expect(trace(net.data('data-peer-closed', 1))).toEqual([]);
    expect(trace(net.data('data-drained', 1))).toEqual(['send #1 4']);
  });

  it('a reset by the client during a download: 426, logged 10054/23', () => {
    const net = connected(new Net({ autoDrain: false, config: { sendChunkBytes: 4 } }).login());
    net.cmd('RETR a.txt');
    const out = net.data('data-reset', 1);
    expect(trace(out, { logs: true })).toEqual([
      expect.stringMatching(/^log \d+ DataChannelClosed - - 10054 23$/),
      '> 426 Connection closed; transfer aborted.',
      'log 21 RETR a.txt 426 10054 23',
    ]);
  });

  it('RETR of a missing file or a directory is 550 without any 1xx, and the connection stays for the next', () => {
    const net = connected();
    expect(replies(net.cmd('RETR gone.txt'))).toEqual(['550 The system cannot find the file specified. ']);
    expect(replies(net.cmd('RETR docs'))).toEqual(['550 Access is denied. ']);
    expect(replies(net.cmd('RETR'))).toEqual(['501 Invalid number of parameters.']);
    expect(replies(net.cmd('RETR a.txt'))[0]).toBe('125 Data connection already open; Transfer starting.');
  });

  it('LIST and NLST send the site’s listing; NLST with an argument prefixes it (facts §1)', () => {
    const net = new Net().login();
    connected(net);
    expect(sent(net.cmd('LIST'), 1)).toBe(
      '01-01-26  12:00AM                   11 a.txt\r\n01-01-26  12:00AM       <DIR>          docs\r\n',
    );
    connected(net);
    expect(sent(net.cmd('NLST docs'), 2)).toBe('docs/readme.md\r\n');
    connected(net);
    expect(sent(net.cmd('LIST -al docs'), 3)).toMatch(/ readme\.md\r\n$/);
    connected(net);
    expect(sent(net.cmd('NLST *.txt'), 4)).toBe('a.txt\r\n');
  });

  it('LIST of a missing path is 550', () => {
    expect(replies(connected().cmd('LIST nothere'))).toEqual([
      '550 The system cannot find the file specified. ',
    ]);
  });
});

describe('uploads', () => {
  it('STOR: 226 once the client’s FIN has arrived and the bytes are stored', () => {
    const net = connected();
    expect(trace(net.cmd('STOR up.txt'))).toEqual(['> 125 Data connection already open; Transfer starting.']);
    expect(trace(net.bytes(1, 'hello '))).toEqual([]);
    expect(trace(net.bytes(1, 'there'))).toEqual([]);
    expect(net.file('/up.txt')).toBe(''); // created when the upload opened it, filled when it completes
    const out = net.data('data-peer-closed', 1);
    expect(trace(out, { logs: true })).toEqual([
      'close #1',
      expect.stringMatching(/^log \d+ DataChannelClosed - - 0 0$/),
      '> 226 Transfer complete.',
      'log 21 STOR up.txt 226 0 0',
    ]);
    expect(logs(out).at(-1)).toMatchObject({ bytesRecv: 11, fullPath: '/up.txt' });
    expect(net.file('/up.txt')).toBe('hello there');
  });

  it('bytes and even the FIN sent before the STOR was processed belong to the upload', () => {
    const net = connected();
    net.bytes(1, 'early ');
    net.bytes(1, 'bird');
    net.data('data-peer-closed', 1);
    expect(trace(net.cmd('STOR up.txt'))).toEqual([
      '> 125 Data connection already open; Transfer starting.',
      'close #1',
      '> 226 Transfer complete.',
    ]);
    expect(net.file('/up.txt')).toBe('early bird');
  });

  it('STOR replaces, APPE appends, STOU picks a free name', () => {
    const net = new Net().login();
    connected(net);
    net.cmd('STOR a.txt');
    net.bytes(1, 'new');
    net.data('data-peer-closed', 1);
    expect(net.file('/a.txt')).toBe('new');
    connected(net);
    net.cmd('APPE a.txt');
    net.bytes(2, '+more');
    net.data('data-peer-closed', 2);
    expect(net.file('/a.txt')).toBe('new+more');
    connected(net);
    const stou = net.cmd('STOU a.txt');
    net.bytes(3, 'u');
    net.data('data-peer-closed', 3);
    expect(logs(stou)).toEqual([]);
    expect(net.file('/a.txt.1')).toBe('u');
    connected(net);
    net.cmd('STOU');
    net.data('data-peer-closed', 4);
    expect(net.file('/STOU.1')).toBe('');
  });

  it('STOR into a missing folder or onto a directory is refused before any 1xx', () => {
    const net = connected();
    expect(replies(net.cmd('STOR no/where.txt'))).toEqual([
      '550 The system cannot find the path specified. ',
    ]);
    expect(replies(net.cmd('STOR docs'))).toEqual(['550 Access is denied. ']);
    expect(replies(net.cmd('STOR'))).toEqual(['501 Invalid number of parameters.']);
  });

  it('a reset upload stores nothing (keepPartialUploads false) and releases its file', () => {
    const net = connected();
    net.cmd('STOR up.txt');
    net.bytes(1, 'partial');
    expect(trace(net.data('data-reset', 1))).toEqual(['> 426 Connection closed; transfer aborted.']);
    expect(net.file('/up.txt')).toBeUndefined();
    expect(net.server.fs.locks).toEqual([]);
  });

  it('a failed STOR over an existing file loses it; a failed APPE leaves the old content', () => {
    const net = new Net().login();
    connected(net);
    net.cmd('STOR a.txt');
    expect(net.file('/a.txt')).toBe(''); // truncated when opened
    net.data('data-reset', 1);
    expect(net.file('/a.txt')).toBeUndefined();
    net.cmd('MKD d');
    connected(net);
    net.cmd('STOR d/b.txt');
    net.bytes(2, 'old');
    net.data('data-peer-closed', 2);
    connected(net);
    net.cmd('APPE d/b.txt');
    net.bytes(3, '+new');
    net.data('data-reset', 3);
    expect(net.file('/d/b.txt')).toBe('old');
  });

  it('with keepPartialUploads the bytes that arrived are kept', () => {
    const net = connected(new Net({ config: { keepPartialUploads: true } }).login());
    net.cmd('STOR up.txt');
    net.bytes(1, 'partial');
    net.data('data-reset', 1);
    expect(net.file('/up.txt')).toBe('partial');
  });
});

describe('files held open (KB 2505047: sharing violations)', () => {
  const VIOLATION = '550 The process cannot access the file because it is being used by another process. ';

  it('RETR and STOR of a file another process holds: 550 with the trailing space, Win32 32', () => {
    const net = connected();
    net.feed({ kind: 'lock', lock: { path: '/a.txt', from: 0, until: null, owner: 'external' } });
    const out = net.cmd('RETR a.txt');
    expect(replies(out)).toEqual([VIOLATION]);
    expect(logs(out)[0]).toMatchObject({ status: '550', win32: 32 });
    expect(replies(net.cmd('STOR a.txt'))).toEqual([VIOLATION]);
    net.feed({ kind: 'unlock', path: '/a.txt', owner: 'external' });
    expect(replies(net.cmd('RETR a.txt'))[0]).toMatch(/^125 /);
  });

  it('a lock with a time window holds over [from, until)', () => {
    const net = new Net().login();
    net.feed({
      kind: 'lock',
      lock: { path: '/a.txt', from: 10 * SECOND, until: 20 * SECOND, owner: 'external' },
    });
    const size = (t: number) => {
      net.now = t;
      connected(net);
      return replies(net.cmd('RETR a.txt'))[0];
    };
    expect(size(10 * SECOND - 1)).toMatch(/^125 /);
    expect(size(10 * SECOND)).toBe(VIOLATION);
    expect(size(20 * SECOND - 1)).toBe(VIOLATION);
    expect(size(20 * SECOND)).toMatch(/^125 /);
  });

  it('an upload in progress holds its file: another session can neither read nor write it', () => {
    const net = new Net();
    net.login('a');
    net.login('b');
    connected(net, 'a');
    net.cmd('STOR a.txt', 'a');
    connected(net, 'b');
    expect(replies(net.cmd('RETR a.txt', 'b'))).toEqual([VIOLATION]);
    expect(replies(net.cmd('STOR a.txt', 'b'))).toEqual([VIOLATION]);
    expect(replies(net.cmd('DELE a.txt', 'b'))).toEqual([VIOLATION]);
    net.data('data-peer-closed', 1, 'a');
    expect(replies(net.cmd('RETR a.txt', 'b'))[0]).toMatch(/^125 /);
  });

  it('allowReadUploadsInProgress lets another session read a file being uploaded', () => {
    const net = new Net({ config: { allowReadUploadsInProgress: true } });
    net.login('a');
    net.login('b');
    connected(net, 'a');
    net.cmd('STOR a.txt', 'a');
    connected(net, 'b');
    expect(replies(net.cmd('RETR a.txt', 'b'))[0]).toMatch(/^125 /);
  });
});

describe('REST', () => {
  it('REST n then RETR sends from byte n', () => {
    const net = connected();
    net.cmd('REST 6');
    expect(sent(net.cmd('RETR a.txt'), 1)).toBe('world');
  });

  it('REST beyond the end: 550 The parameter is incorrect. (facts §1, FluentFTP #638)', () => {
    const net = connected();
    net.cmd('REST 12');
    expect(replies(net.cmd('RETR a.txt'))).toEqual(['550 The parameter is incorrect. ']);
  });

  it('REST applies to the next command only', () => {
    const net = connected();
    net.cmd('REST 6');
    net.cmd('NOOP');
    expect(sent(net.cmd('RETR a.txt'), 1)).toBe('hello world');
  });

  it('REST n then STOR keeps the first n bytes and writes after them', () => {
    const net = connected();
    net.cmd('REST 6');
    net.cmd('STOR a.txt');
    net.bytes(1, 'there');
    net.data('data-peer-closed', 1);
    expect(net.file('/a.txt')).toBe('hello there');
  });
});

describe('ABOR and commands during a transfer', () => {
  it('ABOR during a transfer: RST, 426 for the transfer, then 225 (RFC 959 §4.1.3)', () => {
    const net = connected();
    net.cmd('STOR up.txt');
    net.bytes(1, 'part');
    const out = net.send(Uint8Array.from([255, 244, 255, 242, ...Buffer.from('ABOR\r\n')]));
    expect(trace(out, { logs: true })).toEqual([
      'abort #1',
      expect.stringMatching(/^log \d+ DataChannelClosed - - 995 20$/),
      '> 426 Connection closed; transfer aborted.',
      'log 21 STOR up.txt 426 995 20',
      '> 225 ABOR command successful.',
      'log 21 ABOR - 225 0 0',
    ]);
    expect(net.file('/up.txt')).toBeUndefined();
  });

  it('ABOR with nothing in progress: 225 alone, and an unused connection is closed', () => {
    const net = connected();
    expect(trace(net.cmd('ABOR'))).toEqual(['close #1', '> 225 ABOR command successful.']);
    expect(trace(net.cmd('ABOR'))).toEqual(['> 225 ABOR command successful.']);
  });

  it('ABOR while the transfer waits for its connection', () => {
    const net = new Net().login();
    net.cmd('PASV');
    net.cmd('LIST');
    expect(trace(net.cmd('ABOR'))).toEqual([
      'stop-listening #1',
      '> 426 Connection closed; transfer aborted.',
      '> 225 ABOR command successful.',
    ]);
  });

  it('other commands wait for the transfer and are answered after its 226, in order', () => {
    const net = connected();
    net.cmd('STOR up.txt');
    expect(trace(net.send('PWD\r\nSYST\r\n'))).toEqual([]);
    expect(replies(net.data('data-peer-closed', 1))).toEqual([
      '226 Transfer complete.',
      '257 "/" is current directory.',
      '215 Windows_NT',
    ]);
  });

  it('QUIT during a transfer waits for it, then closes', () => {
    const net = connected();
    net.cmd('STOR up.txt');
    expect(trace(net.cmd('QUIT'))).toEqual([]);
    expect(trace(net.data('data-peer-closed', 1))).toEqual([
      'close #1',
      '> 226 Transfer complete.',
      '> 221 Goodbye.',
      'control-close',
    ]);
  });

  it('the client closing the control connection aborts the transfer (KB 254722)', () => {
    const net = connected();
    net.cmd('STOR up.txt');
    const out = net.feed({ kind: 'control-peer-closed', session: 'c1' });
    expect(trace(out, { logs: true })).toEqual([
      'abort #1',
      expect.stringMatching(/^log \d+ DataChannelClosed - - 64 0$/),
      'control-close',
      'log 21 ControlChannelClosed - - 0 0',
    ]);
    expect(net.server.fs.locks).toEqual([]);
    expect(net.server.sessions).toEqual({});
  });

  it('a control reset ends the session without a control-close; an idle data connection is closed gracefully', () => {
    const net = connected();
    expect(trace(net.feed({ kind: 'control-reset', session: 'c1' }))).toEqual(['close #1']);
  });

  it('a session that ends stops its listener and abandons a connect in progress', () => {
    const net = new Net().login();
    net.cmd('PASV');
    expect(trace(net.cmd('QUIT'))).toEqual(['> 221 Goodbye.', 'stop-listening #1', 'control-close']);
    net.login('c2');
    net.cmd('PORT 10,0,0,2,195,80', 'c2');
    expect(trace(net.feed({ kind: 'control-peer-closed', session: 'c2' }))).toEqual([
      'abort #1',
      'control-close',
    ]);
  });

  it('events for a data connection the session forgot are ignored', () => {
    const net = connected();
    net.cmd('RETR a.txt');
    net.data('data-closed', 1);
    const out = net.data('data-closed', 1);
    expect(out).toEqual([
      {
        kind: 'note',
        session: 'c1',
        note: { what: 'ignored', input: 'data-closed', why: 'data 1 is not known' },
      },
    ]);
  });
});
