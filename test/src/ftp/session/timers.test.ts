/**
 * Timers as data: each timeout is checked at exactly t-1 (nothing) and t (it fires), with the substatus it
 * logs (facts §3.4, §4.1). Calling handleTimeout early is harmless.
 */
import { describe, expect, it } from 'vitest';
import { SECOND } from '../../../../sim/time.ts';
import { handleTimeout } from '../../../../src/ftp/index.ts';
import { logs, Net, trace } from './driver.ts';

/** A logged-in session with an established passive connection #1 at time `t0`. */
function connected(config = {}, t0 = 0) {
  const net = new Net({ config });
  net.now = t0;
  net.login();
  net.cmd('PASV');
  net.accept(1);
  return net;
}

describe('control channel timers', () => {
  it('unauthenticated: 30 s after the connection, 421 and close, substatus 16', () => {
    const net = new Net();
    net.open();
    net.now = 10 * SECOND;
    net.cmd('USER bob'); // activity does not extend the login deadline
    expect(net.next()).toBe(30 * SECOND);
    expect(net.at(30 * SECOND - 1)).toEqual([]);
    const out = net.at(30 * SECOND);
    expect(trace(out, { logs: true })).toEqual([
      '> 421 Timeout (30 seconds): closing control connection.',
      'control-close',
      'log 21 ControlChannelClosed - - 121 16',
    ]);
    expect(net.server.sessions).toEqual({});
    expect(net.next()).toBeNull();
  });

  it('a login stops the unauthenticated timer', () => {
    const net = new Net().login();
    expect(net.next()).toBe(120 * SECOND);
    expect(net.at(30 * SECOND)).toEqual([]);
  });

  it('control idle: 120 s after the last command, substatus 14', () => {
    const net = new Net().login();
    net.now = 50 * SECOND;
    net.cmd('NOOP');
    expect(net.next()).toBe(170 * SECOND);
    expect(net.at(170 * SECOND - 1)).toEqual([]);
    expect(trace(net.at(170 * SECOND), { logs: true })).toEqual([
      '> 421 Timeout (120 seconds): closing control connection.',
      'control-close',
      'log 21 ControlChannelClosed - - 121 14',
    ]);
  });

  it('bytes of an unfinished line are not activity; a complete line is', () => {
    const net = new Net().login();
    net.now = 100 * SECOND;
    net.send('NO');
    expect(net.next()).toBe(120 * SECOND);
    net.send('OP\r\n');
    expect(net.next()).toBe(220 * SECOND);
  });

  it('the control idle timer sleeps during a transfer and restarts at its end', () => {
    const net = connected({}, 0);
    net.cmd('STOR up.txt');
    net.now = 100 * SECOND;
    net.bytes(1, 'x');
    net.now = 125 * SECOND;
    net.bytes(1, 'y');
    expect(net.at(125 * SECOND)).toEqual([]);
    net.now = 150 * SECOND;
    net.data('data-peer-closed', 1);
    expect(net.next()).toBe(270 * SECOND);
  });

  it('timeouts are configurable', () => {
    const net = new Net({ config: { unauthenticatedTimeout: '5s' } });
    net.open();
    expect(net.at(5 * SECOND - 1)).toEqual([]);
    expect(replies(net.at(5 * SECOND))).toEqual(['421 Timeout (5 seconds): closing control connection.']);
  });
});

describe('data channel timers', () => {
  it('a transfer waiting for its connection: 425 after dataChannelTimeout, substatus 15 (scenario S7)', () => {
    const net = new Net().login();
    net.now = 5 * SECOND;
    net.cmd('PASV');
    net.cmd('LIST');
    expect(net.next()).toBe(35 * SECOND);
    expect(net.at(35 * SECOND - 1)).toEqual([]);
    const out = net.at(35 * SECOND);
    expect(trace(out)).toEqual(['stop-listening #1', '> 425 Cannot open data connection.']);
    expect(logs(out).at(-1)).toMatchObject({ method: 'LIST', status: '425', win32: 121, substatus: 15 });
  });

  it('an active connect that never completes: 425 after dataChannelTimeout, and the connect is abandoned', () => {
    const net = new Net().login();
    net.cmd('PORT 10,0,0,2,195,80');
    net.cmd('RETR a.txt');
    expect(net.at(30 * SECOND - 1)).toEqual([]);
    expect(trace(net.at(30 * SECOND))).toEqual(['abort #1', '> 425 Cannot open data connection.']);
  });

  it('a transfer that moves nothing for dataChannelTimeout: reset, 425 Data channel timed out., 15', () => {
    const net = connected();
    net.cmd('STOR up.txt');
    net.now = 10 * SECOND;
    net.bytes(1, 'x'.repeat(10_000)); // above 240 B/s, so only the idle rule can fire
    expect(net.next()).toBe(40 * SECOND);
    expect(net.at(40 * SECOND - 1)).toEqual([]);
    const out = net.at(40 * SECOND);
    expect(trace(out, { logs: true })).toEqual([
      'abort #1',
      expect.stringMatching(/^log \d+ DataChannelClosed - - 121 15$/),
      '> 425 Data channel timed out.',
      'log 21 STOR up.txt 425 121 15',
    ]);
    expect(net.file('/up.txt')).toBeUndefined();
  });

  it('a download stalled by the client’s window (no data-drained) times out the same way', () => {
    const net = connected({ sendChunkBytes: 4 });
    net.autoDrain = false;
    expect(trace(net.cmd('RETR a.txt'))).toEqual([
      '> 125 Data connection already open; Transfer starting.',
      'send #1 4',
    ]);
    expect(net.at(30 * SECOND - 1)).toEqual([]);
    const out = net.at(30 * SECOND);
    expect(trace(out)).toEqual(['abort #1', '> 425 Data channel timed out.']);
    expect(logs(out).at(-1)).toMatchObject({ method: 'RETR', substatus: 15, bytesSent: 4 });
  });

  it('minimum bandwidth: slower than 240 B/s on average since the first byte → 425, substatus 50', () => {
    const net = connected();
    net.cmd('STOR up.txt');
    // 2400 bytes at t=1 s: the average falls below 240 B/s at 1 s + 10 s, but the rule waits a whole
    // dataChannelTimeout after the first byte: the deadline is 31 s. Bytes every 20 s keep the idle timer away.
    net.now = 1 * SECOND;
    net.bytes(1, 'x'.repeat(2400));
    net.now = 21 * SECOND;
    net.bytes(1, 'x'.repeat(100));
    expect(net.next()).toBe(31 * SECOND);
    expect(net.at(31 * SECOND - 1)).toEqual([]);
    const out = net.at(31 * SECOND);
    expect(replies(out)).toEqual([
      '425 Data channel timed out due to not meeting the minimum bandwidth requirement.',
    ]);
    expect(logs(out).at(-1)).toMatchObject({ status: '425', win32: 121, substatus: 50 });
  });

  it('the bandwidth deadline moves with the bytes: at the minimum rate exactly, it is never reached early', () => {
    const net = connected();
    net.cmd('STOR up.txt');
    for (let t = 1; t <= 60; t++) {
      net.now = t * SECOND;
      net.bytes(1, 'x'.repeat(240));
      expect(net.at(t * SECOND)).toEqual([]);
    }
    // 60 × 240 bytes since t=1 s: the average drops below 240 B/s after 1 s + 60 s.
    expect(net.next()).toBe(61 * SECOND);
  });

  it('minBytesPerSecond 0 turns the rule off', () => {
    const net = connected({ minBytesPerSecond: 0 });
    net.cmd('STOR up.txt');
    net.now = 1 * SECOND;
    net.bytes(1, 'x');
    expect(net.next()).toBe(31 * SECOND);
    expect(replies(net.at(31 * SECOND))).toEqual(['425 Data channel timed out.']);
  });

  it('an open connection that no command uses is closed after dataChannelTimeout (15), without a reply', () => {
    const net = connected();
    expect(net.at(30 * SECOND - 1)).toEqual([]);
    expect(trace(net.at(30 * SECOND), { logs: true })).toEqual([
      'close #1',
      expect.stringMatching(/^log \d+ DataChannelClosed - - 121 15$/),
    ]);
    expect(replies(net.cmd('LIST'))).toEqual(['425 Cannot open data connection.']);
  });

  it('pasvWait reply: a PASV waiting for the old connection gets 425 after dataChannelTimeout', () => {
    const net = connected({ pasvWait: 'reply' });
    net.cmd('RETR a.txt');
    net.now = 2 * SECOND;
    net.cmd('PASV');
    expect(net.at(32 * SECOND - 1)).toEqual([]);
    const out = net.at(32 * SECOND);
    expect(replies(out)).toEqual(['425 Cannot open data connection.']);
    expect(logs(out).at(-1)).toMatchObject({ method: 'PASV', status: '425', substatus: 15 });
  });

  it('iis6: a 226 waiting for the close handshake is sent after dataChannelTimeout at the latest', () => {
    const net = connected({ profile: 'iis6' });
    net.cmd('RETR a.txt');
    expect(net.at(30 * SECOND - 1)).toEqual([]);
    expect(trace(net.at(30 * SECOND))).toEqual(['abort #1', '> 226 Transfer complete.']);
  });

  it("iis6: so is an upload's, its bytes stored at the client's FIN", () => {
    const net = connected({ profile: 'iis6' });
    net.cmd('STOR up.txt');
    net.bytes(1, 'xy');
    net.now = SECOND;
    // The client's FIN: every byte is in, and stored before the server starts its own close.
    expect(trace(net.data('data-peer-closed', 1))).toEqual(['close #1']);
    expect(net.file('/up.txt')).toBe('xy');
    expect(net.at(31 * SECOND - 1)).toEqual([]);
    const out = net.at(31 * SECOND);
    expect(trace(out)).toEqual(['abort #1', '> 226 Transfer complete.']);
    expect(logs(out).at(-1)).toMatchObject({ method: 'STOR', status: '226', win32: 0 });
    expect(net.file('/up.txt')).toBe('xy');
  });

  it('iis6: that reset writes no second DataChannelClosed line (one pair per data connection)', () => {
    const net = connected({ profile: 'iis6' });
    net.cmd('RETR a.txt');
    net.at(30 * SECOND);
    const methods = logs(net.all).map((e) => e.method);
    expect(methods.filter((m) => m === 'DataChannelOpened')).toHaveLength(1);
    expect(methods.filter((m) => m === 'DataChannelClosed')).toHaveLength(1);
    expect(methods.at(-1)).toBe('RETR');
  });
});

describe('handleTimeout and nextDeadline', () => {
  it('calling handleTimeout when nothing is due returns the same server and no outputs', () => {
    const net = new Net().login();
    const step = handleTimeout(net.server, 119 * SECOND);
    expect(step.outputs).toEqual([]);
    expect(step.server).toBe(net.server);
  });

  it('a late call fires everything that is due, session by session in the order they opened', () => {
    const net = new Net();
    net.login('a');
    net.now = 10 * SECOND;
    net.open('b');
    const out = net.at(500 * SECOND);
    expect(trace(out)).toEqual([
      '> 421 Timeout (120 seconds): closing control connection.',
      'control-close',
      '> 421 Timeout (30 seconds): closing control connection.',
      'control-close',
    ]);
    expect(
      out.filter((o) => o.kind === 'control-close').map((o) => (o as { session: string }).session),
    ).toEqual(['a', 'b']);
  });

  it('nextDeadline is the earliest of all sessions', () => {
    const net = new Net();
    net.login('a');
    net.now = 10 * SECOND;
    net.open('b');
    expect(net.next()).toBe(40 * SECOND);
  });
});

function replies(out: ReturnType<Net['at']>): string[] {
  return trace(out)
    .filter((l) => l.startsWith('> '))
    .map((l) => l.slice(2));
}
