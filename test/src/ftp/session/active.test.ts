/**
 * Active mode (PORT/EPRT) as FTP 7.5 runs it: the connect starts before the 200 reply and completes in the
 * background (KB 2505047); the transfer command gets 125 when it has completed, 150 when not.
 */
import { describe, expect, it } from 'vitest';
import { logs, Net, sent, trace } from './driver.ts';

const PORT = 'PORT 10,0,0,2,195,80'; // 10.0.0.2:50000

describe('PORT and EPRT', () => {
  it('PORT: the connect goes out before the 200 (KB 2505047)', () => {
    const net = new Net().login();
    expect(trace(net.cmd(PORT))).toEqual([
      'connect #1 :20 -> 10.0.0.2:50000',
      '> 200 PORT command successful.',
    ]);
  });

  it('EPRT: the same, with the EPRT text', () => {
    const net = new Net().login();
    expect(trace(net.cmd('EPRT |1|10.0.0.2|50000|'))).toEqual([
      'connect #1 :20 -> 10.0.0.2:50000',
      '> 200 EPRT command successful.',
    ]);
  });

  it('the connect leaves from activeDataPort', () => {
    const net = new Net({ config: { activeDataPort: 2020 } }).login();
    expect(trace(net.cmd(PORT))[0]).toBe('connect #1 :2020 -> 10.0.0.2:50000');
  });

  it.each([
    ['PORT 10,0,0,9,195,80', '501 Server cannot accept argument.'], // another host: no bounce (facts §4.2)
    ['PORT 10,0,0,2,195', '501 Server cannot accept argument.'],
    ['PORT 10,0,0,2,256,1', '501 Server cannot accept argument.'],
    ['PORT 10,0,0,2,0,0', '501 Server cannot accept argument.'],
    ['PORT', '501 Server cannot accept argument.'],
    ['EPRT |1|10.0.0.9|50000|', '501 Server cannot accept argument.'],
    ['EPRT |1|10.0.0.2|70000|', '501 Server cannot accept argument.'],
    ['EPRT 1|10.0.0.2|50000|', '501 Server cannot accept argument.'],
    ['EPRT |2|::1|50000|', '522 Network protocol not supported, use (1)'],
  ])('%s → %s and no connect', (line, reply) => {
    const net = new Net().login();
    expect(trace(net.cmd(line))).toEqual([`> ${reply}`]);
  });

  it('with matchClientAddressForPort off, PORT may name another host', () => {
    const net = new Net({ config: { matchClientAddressForPort: false } }).login();
    expect(trace(net.cmd('PORT 10,0,0,9,195,80'))).toEqual([
      'connect #1 :20 -> 10.0.0.9:50000',
      '> 200 PORT command successful.',
    ]);
  });
});

describe('125 or 150: whether the connection completed before the command (KB 2505047)', () => {
  it('connected before LIST → 125, then the listing, FIN, and 226 at once', () => {
    const net = new Net().login();
    net.cmd(PORT);
    expect(trace(net.data('data-connected', 1))).toEqual([]);
    const out = net.cmd('NLST');
    expect(trace(out)).toEqual([
      '> 125 Data connection already open; Transfer starting.',
      'send #1 13',
      'close #1',
      '> 226 Transfer complete.',
    ]);
    expect(sent(out, 1)).toBe('a.txt\r\ndocs\r\n');
  });

  it('LIST before the connection completes → 150; the transfer runs when it does', () => {
    const net = new Net().login();
    net.cmd(PORT);
    expect(trace(net.cmd('NLST'))).toEqual(['> 150 Opening ASCII mode data connection.']);
    expect(trace(net.data('data-connected', 1))).toEqual([
      'send #1 13',
      'close #1',
      '> 226 Transfer complete.',
    ]);
  });

  it('150 names the mode: BINARY for RETR under TYPE I, ASCII for listings', () => {
    const net = new Net().login();
    net.cmd('TYPE I');
    net.cmd(PORT);
    expect(trace(net.cmd('RETR a.txt'))[0]).toBe('> 150 Opening BINARY mode data connection.');
    net.data('data-connected', 1);
    net.cmd(PORT);
    expect(trace(net.cmd('LIST'))[0]).toBe('> 150 Opening ASCII mode data connection.');
  });

  it('the log: DataChannelOpened when connected, DataChannelClosed, then the command with 226', () => {
    const net = new Net().login();
    net.cmd(PORT);
    const out = [...net.data('data-connected', 1), ...net.cmd('RETR a.txt')];
    expect(trace(out, { logs: true })).toEqual([
      'log 20 DataChannelOpened - - 0 0',
      '> 125 Data connection already open; Transfer starting.',
      'send #1 11',
      'close #1',
      'log 20 DataChannelClosed - - 0 0',
      '> 226 Transfer complete.',
      'log 21 RETR a.txt 226 0 0',
    ]);
  });

  it('a new PORT closes a connection no command used (RFC 959 §3.2)', () => {
    const net = new Net().login();
    net.cmd(PORT);
    net.data('data-connected', 1);
    expect(trace(net.cmd('PORT 10,0,0,2,195,81'))).toEqual([
      'close #1',
      'connect #2 :20 -> 10.0.0.2:50001',
      '> 200 PORT command successful.',
    ]);
  });
});

describe('active connections that cannot be made', () => {
  it('a client port below 1024: 200, no connect, and the command fails with 425, Win32 87 (KB 2505047)', () => {
    const net = new Net().login();
    expect(trace(net.cmd('PORT 10,0,0,2,3,255'))).toEqual(['> 200 PORT command successful.']);
    const out = net.cmd('STOR file.txt');
    expect(trace(out)).toEqual(['> 425 Cannot open data connection.']);
    expect(logs(out)).toMatchObject([
      { method: 'STOR', uriStem: 'file.txt', status: '425', win32: 87, substatus: 0 },
    ]);
  });

  it('a refused connect before the command: the command fails at once with 425', () => {
    const net = new Net().login();
    net.cmd(PORT);
    net.feed({ kind: 'data-connect-failed', session: 'c1', data: 1, reason: 'refused' });
    const out = net.cmd('LIST');
    expect(trace(out)).toEqual(['> 425 Cannot open data connection.']);
    expect(logs(out)[0]).toMatchObject({ status: '425', win32: 10061 });
  });

  it('a connect that times out after the command: 150, then 425 (facts §1, OSCP transcript)', () => {
    const net = new Net().login();
    net.cmd(PORT);
    expect(trace(net.cmd('LIST'))).toEqual(['> 150 Opening ASCII mode data connection.']);
    const out = net.feed({ kind: 'data-connect-failed', session: 'c1', data: 1, reason: 'timeout' });
    expect(trace(out)).toEqual(['> 425 Cannot open data connection.']);
    expect(logs(out)[0]).toMatchObject({ method: 'LIST', status: '425', win32: 10060 });
  });

  it('no PORT or PASV at all: 425', () => {
    const net = new Net().login();
    expect(trace(net.cmd('RETR a.txt'))).toEqual(['> 425 Cannot open data connection.']);
  });

  it('a transfer uses the connection once: the next command needs a new PORT', () => {
    const net = new Net().login();
    net.cmd(PORT);
    net.data('data-connected', 1);
    net.cmd('RETR a.txt');
    expect(trace(net.cmd('RETR a.txt'))).toEqual(['> 425 Cannot open data connection.']);
  });
});
