/**
 * Passive mode (PASV/EPSV) as FTP 7.5 runs it: the listener, the 227/229 replies, the hold of a new data
 * connection until the previous one is fully closed (KB 2505047), and the reset of connections from a low
 * port or another address.
 */

import { describe, expect, it } from 'vitest';
import { MAX_LISTEN_TRIES } from '../../../../src/ftp/session-data.ts';
import { w3cLine } from '../../../../src/ftp/w3c.ts';
import { CLIENT, logs, Net, OTHER, SECOND, trace } from './driver.ts';

const FROM = { addr: CLIENT.addr, port: 50001 };

/** A logged-in session whose passive ports start at 50000 (the range is 50000-50009). */
function passiveNet(config = {}) {
  return new Net({ config: { passivePortLow: 50000, passivePortHigh: 50009, seed: 'p', ...config } }).login();
}

describe('PASV and EPSV', () => {
  it('PASV: listen, then 227 with the control connection’s address and the port', () => {
    const net = passiveNet();
    const out = net.cmd('PASV');
    const port = (out.find((o) => o.kind === 'data-listen') as { local: { port: number } }).local.port;
    expect(trace(out)).toEqual([
      `listen #1 :${port}`,
      `> 227 Entering Passive Mode (10,0,0,1,${port >> 8},${port & 255}).`,
    ]);
  });

  it('the 227 carries externalIp4Address when configured', () => {
    const net = passiveNet({ externalIp4Address: '203.0.113.7' });
    expect(trace(net.cmd('PASV'))[1]).toMatch(/^> 227 Entering Passive Mode \(203,0,113,7,195,\d+\)\.$/);
  });

  it('EPSV: 229 with the port only, no trailing period', () => {
    const net = passiveNet();
    expect(trace(net.cmd('EPSV'))[1]).toMatch(/^> 229 Entering Extended Passive Mode \(\|\|\|500\d\d\|\)$/);
  });

  it.each([
    ['EPSV 2', '522 Network protocol not supported, use (1)'],
    ['EPSV ALL', '200 EPSV ALL command successful.'],
  ])('%s → %s', (line, reply) => {
    expect(trace(passiveNet().cmd(line))).toEqual([`> ${reply}`]);
  });

  it('the reply waits for the driver to confirm the listener; a port taken elsewhere is skipped', () => {
    const net = passiveNet();
    net.autoListen = false;
    const first = trace(net.cmd('PASV'));
    expect(first).toEqual([expect.stringMatching(/^listen #1 :500\d\d$/)]);
    const port = Number(first[0]!.split(':')[1]);
    expect(trace(net.cmd('NOOP'))).toEqual([]); // queued behind the PASV
    expect(trace(net.feed({ kind: 'data-listen-failed', session: 'c1', data: 1 }))).toEqual([
      `listen #2 :${port + 1}`,
    ]);
    const ok = trace(net.feed({ kind: 'data-listening', session: 'c1', data: 2 }));
    expect(ok[0]).toMatch(/^> 227 Entering Passive Mode/);
    expect(ok[1]).toBe('> 200 NOOP command successful.');
  });

  it(`PASV is 425 once ${MAX_LISTEN_TRIES} ports in a row could not be listened on`, () => {
    const net = passiveNet({ passivePortHigh: 50099 });
    net.autoListen = false;
    net.cmd('PASV');
    let out: string[] = [];
    for (let id = 1; id <= MAX_LISTEN_TRIES; id++) {
      out = trace(net.feed({ kind: 'data-listen-failed', session: 'c1', data: id }));
      if (id < MAX_LISTEN_TRIES) expect(out).toEqual([expect.stringMatching(/^listen #\d+ :\d+$/)]);
    }
    expect(out).toEqual(['> 425 Cannot open data connection.']);
  });

  it('a range smaller than that is tried once over: 10 ports, 10 tries', () => {
    const net = passiveNet();
    net.autoListen = false;
    net.cmd('PASV');
    const tried: string[] = [];
    for (let id = 1; id <= 10; id++)
      tried.push(...trace(net.feed({ kind: 'data-listen-failed', session: 'c1', data: id })));
    expect(tried.filter((t) => t.startsWith('listen'))).toHaveLength(9);
    expect(tried.at(-1)).toBe('> 425 Cannot open data connection.');
  });

  it('a second PASV gives up the first listener', () => {
    const net = passiveNet();
    net.cmd('PASV');
    expect(trace(net.cmd('PASV'))[0]).toBe('stop-listening #1');
  });
});

describe('125 or 150 in passive mode', () => {
  it('the client connected before the command → 125', () => {
    const net = passiveNet();
    net.cmd('PASV');
    expect(trace(net.accept(1))).toEqual(['stop-listening #1']);
    expect(trace(net.cmd('RETR a.txt'))).toEqual([
      '> 125 Data connection already open; Transfer starting.',
      'send #1 11',
      'close #1',
      '> 226 Transfer complete.',
    ]);
  });

  it('the command before the connection → 150, and the transfer when it arrives', () => {
    const net = passiveNet();
    net.cmd('PASV');
    expect(trace(net.cmd('RETR a.txt'))).toEqual(['> 150 Opening ASCII mode data connection.']);
    expect(trace(net.accept(1))).toEqual([
      'stop-listening #1',
      'send #1 11',
      'close #1',
      '> 226 Transfer complete.',
    ]);
  });
});

describe('the new data connection waits for the previous one (KB 2505047)', () => {
  it('pasvWait accept: the 227 goes out, the listener holds connections until the old one is closed', () => {
    const net = passiveNet();
    net.cmd('PASV');
    net.accept(1);
    net.cmd('RETR a.txt'); // 226 sent; data #1 is closing (our FIN sent, the client has not closed yet)
    const pasv = net.cmd('PASV');
    expect(trace(pasv)).toEqual([
      expect.stringMatching(/^listen #2 :500\d\d held$/),
      expect.stringMatching(/^> 227 /),
    ]);
    // The client sends LIST at once; its connect is held, so the connection is not up: 150.
    expect(trace(net.cmd('LIST'))).toEqual(['> 150 Opening ASCII mode data connection.']);
    // The old connection finishes closing: the listener is released; then the client's connection completes.
    expect(trace(net.data('data-closed', 1))).toEqual(['release #2']);
    expect(trace(net.accept(2))).toEqual([
      'stop-listening #2',
      expect.stringMatching(/^send #2 \d+$/),
      'close #2',
      '> 226 Transfer complete.',
    ]);
  });

  it('a connection the driver completes while held waits, and is taken on release', () => {
    const net = passiveNet();
    net.cmd('PASV');
    net.accept(1);
    net.cmd('RETR a.txt');
    net.cmd('PASV');
    expect(trace(net.accept(2))).toEqual([]); // not established while held
    expect(trace(net.cmd('RETR a.txt'))).toEqual(['> 150 Opening ASCII mode data connection.']);
    expect(trace(net.data('data-closed', 1))).toEqual([
      'release #2',
      'stop-listening #2',
      'send #2 11',
      'close #2',
      '> 226 Transfer complete.',
    ]);
  });

  it('a reset of the old connection counts as disconnected too', () => {
    const net = passiveNet();
    net.cmd('PASV');
    net.accept(1);
    net.cmd('RETR a.txt');
    net.cmd('PASV');
    expect(trace(net.data('data-reset', 1))).toEqual(['release #2']);
  });

  it('no hold when the previous connection is already closed', () => {
    const net = passiveNet();
    net.cmd('PASV');
    net.accept(1);
    net.cmd('RETR a.txt');
    net.data('data-closed', 1);
    expect(trace(net.cmd('PASV'))[0]).toMatch(/^listen #2 :500\d\d$/);
  });

  it('scenario S7: a client that keeps the old connection open deadlocks until the data channel timeout, then 425', () => {
    const net = passiveNet();
    net.cmd('PASV');
    net.accept(1);
    net.cmd('RETR a.txt'); // the client reads the 226 but keeps data #1 open
    net.cmd('PASV');
    net.cmd('LIST');
    net.accept(2); // its connect completes in the driver (the emulator's case): still held
    expect(net.next()).toBe(30 * SECOND);
    expect(net.at(30 * SECOND - 1)).toEqual([]);
    expect(trace(net.at(30 * SECOND))).toEqual([
      'stop-listening #2',
      'abort #2',
      '> 425 Cannot open data connection.',
    ]);
    // Data #1 is still closing: the next PASV is held again.
    expect(trace(net.cmd('PASV'))[0]).toMatch(/^listen #3 :500\d\d held$/);
  });

  it('scenario S1: the connection completes before STOR is read → 125; a client that waits for 150 never sends', () => {
    const net = passiveNet();
    net.cmd('PASV');
    net.accept(1); // the SYN was sent with the STOR, and the accept completed first
    expect(trace(net.cmd('STOR tm.png'))).toEqual(['> 125 Data connection already open; Transfer starting.']);
    expect(net.at(30 * SECOND - 1)).toEqual([]);
    expect(trace(net.at(30 * SECOND))).toEqual(['abort #1', '> 425 Data channel timed out.']);
  });

  it('pasvWait reply: the 227 itself waits for the old connection to close', () => {
    const net = passiveNet({ pasvWait: 'reply' });
    net.cmd('PASV');
    net.accept(1);
    net.cmd('RETR a.txt');
    expect(trace(net.cmd('PASV'))).toEqual([]);
    expect(trace(net.cmd('NOOP'))).toEqual([]);
    expect(trace(net.data('data-closed', 1))).toEqual([
      expect.stringMatching(/^listen #2 :500\d\d$/),
      expect.stringMatching(/^> 227 /),
      '> 200 NOOP command successful.',
    ]);
  });

  it('PORT does not wait (the KB speaks of PASV and EPSV only)', () => {
    const net = passiveNet();
    net.cmd('PASV');
    net.accept(1);
    net.cmd('RETR a.txt');
    expect(trace(net.cmd('PORT 10,0,0,2,195,80'))).toEqual([
      'connect #2 :20 -> 10.0.0.2:50000',
      '> 200 PORT command successful.',
    ]);
  });
});

describe('connections that are reset (KB 2505047, facts §4.2)', () => {
  it('the KB example: passive STOR from a client port below 1024 — RST, 425, and the three log lines', () => {
    // The KB's log, with its values: client 123.456.789.0, server 123.1.1.1, data port 40063, 2012-01-15 02:08:16.
    const net = new Net({
      config: {
        passivePortLow: 40063,
        passivePortHigh: 40063,
        epochMs: Date.UTC(2012, 0, 15, 2, 8, 16),
        users: { users: [{ name: 'user01', password: 'pw' }], anonymous: false, isolation: 'None' },
      },
    });
    const client = { addr: '123.456.789.0', port: 3000 };
    net.feed({ kind: 'control-opened', session: 'c1', client, server: { addr: '123.1.1.1', port: 21 } });
    net.cmd('USER user01');
    net.cmd('PASS pw');
    net.cmd('PASV');
    expect(trace(net.cmd('STOR file.txt'))).toEqual(['> 150 Opening ASCII mode data connection.']);
    const out = net.accept(1, { addr: client.addr, port: 1023 });
    expect(trace(out)).toEqual(['stop-listening #1', 'abort #1', '> 425 Cannot open data connection.']);
    const lines = logs(out).map((e) =>
      w3cLine({ ...e, user: 'user01' }, { epochMs: Date.UTC(2012, 0, 15, 2, 8, 16) }),
    );
    const session = logs(out)[0]!.session;
    expect(lines).toEqual([
      `2012-01-15 02:08:16 123.456.789.0 user01 123.1.1.1 40063 DataChannelOpened - - 0 0 ${session} -`,
      `2012-01-15 02:08:16 123.456.789.0 user01 123.1.1.1 40063 DataChannelClosed - - 1236 38 ${session} -`,
      `2012-01-15 02:08:16 123.456.789.0 user01 123.1.1.1 21 STOR file.txt 425 1236 0 ${session} /file.txt`,
    ]);
    expect(net.file('/file.txt')).toBeUndefined();
  });

  it('the low-port connection before the command: the command fails at once with 425 1236', () => {
    const net = passiveNet();
    net.cmd('PASV');
    expect(trace(net.accept(1, { addr: CLIENT.addr, port: 20 }))).toEqual(['stop-listening #1', 'abort #1']);
    const out = net.cmd('LIST');
    expect(trace(out)).toEqual(['> 425 Cannot open data connection.']);
    expect(logs(out)[0]).toMatchObject({ method: 'LIST', status: '425', win32: 1236, substatus: 0 });
  });

  it('port 1024 is allowed', () => {
    const net = passiveNet();
    net.cmd('PASV');
    expect(trace(net.accept(1, { addr: CLIENT.addr, port: 1024 }))).toEqual(['stop-listening #1']);
  });

  it('a connection from another address is reset with substatus 38', () => {
    const net = passiveNet();
    net.cmd('PASV');
    net.cmd('LIST');
    const out = net.accept(1, OTHER);
    expect(trace(out, { logs: true })).toEqual([
      'stop-listening #1',
      expect.stringMatching(/^log 500\d\d DataChannelOpened - - 0 0$/),
      'abort #1',
      expect.stringMatching(/^log 500\d\d DataChannelClosed - - 1236 38$/),
      '> 425 Cannot open data connection.',
      'log 21 LIST - 425 1236 0',
    ]);
  });

  it('with matchClientAddressForPasv off another address may connect', () => {
    const net = passiveNet({ matchClientAddressForPasv: false });
    net.cmd('PASV');
    expect(trace(net.accept(1, OTHER))).toEqual(['stop-listening #1']);
  });
});

describe('passive ports', () => {
  const portOf = (out: ReturnType<Net['cmd']>) =>
    (out.find((o) => o.kind === 'data-listen') as { local: { port: number } } | undefined)?.local.port;

  it('start at a place fixed by the seed and go up one by one, wrapping in the range', () => {
    const a = passiveNet();
    const first = portOf(a.cmd('PASV'))!;
    expect(first).toBeGreaterThanOrEqual(50000);
    expect(first).toBeLessThanOrEqual(50009);
    const seq = [first];
    for (let i = 0; i < 12; i++) seq.push(portOf(a.cmd('PASV'))!);
    for (let i = 1; i < seq.length; i++) expect(seq[i]).toBe(50000 + ((seq[i - 1]! - 50000 + 1) % 10));
    expect(portOf(passiveNet().cmd('PASV'))).toBe(first); // same seed, same port
    const other = new Net({ config: { passivePortLow: 50000, passivePortHigh: 59999, seed: 'q' } }).login();
    const another = new Net({ config: { passivePortLow: 50000, passivePortHigh: 59999, seed: 'r' } }).login();
    expect(portOf(other.cmd('PASV'))).not.toBe(portOf(another.cmd('PASV')));
  });

  it('never give a port that another session listens on or is still closing on', () => {
    const net = new Net({ config: { passivePortLow: 50000, passivePortHigh: 50001 } });
    net.login('a');
    net.login('b');
    net.login('c');
    const pa = portOf(net.cmd('PASV', 'a'));
    const pb = portOf(net.cmd('PASV', 'b'));
    expect(pa).not.toBe(pb);
    expect(trace(net.cmd('PASV', 'c'))).toEqual(['> 425 Cannot open data connection.']);
    // a's connection carries a transfer and closes: its port stays taken until the close handshake is done.
    net.accept(1, FROM, 'a');
    net.cmd('RETR a.txt', 'a');
    expect(trace(net.cmd('PASV', 'c'))).toEqual(['> 425 Cannot open data connection.']);
    net.data('data-closed', 1, 'a');
    expect(portOf(net.cmd('PASV', 'c'))).toBe(pa);
  });

  it('the ports of an ended session are free again', () => {
    const net = new Net({ config: { passivePortLow: 50000, passivePortHigh: 50000 } });
    net.login('a');
    net.login('b');
    net.cmd('PASV', 'a');
    expect(trace(net.cmd('PASV', 'b'))).toEqual(['> 425 Cannot open data connection.']);
    net.cmd('QUIT', 'a');
    expect(portOf(net.cmd('PASV', 'b'))).toBe(50000);
  });
});
