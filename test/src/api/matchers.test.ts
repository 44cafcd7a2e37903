import { beforeAll, describe, expect, it } from 'vitest';
import '../../../src/vitest.ts';
import { UsageError } from '../../../sim/errors.ts';
import * as tcp from '../../../sim/tcp/index.ts';
import { command, dataSyn, enters, fin, reply } from '../../../src/api/index.ts';
import { first } from '../../../src/api/search.ts';
import type { Simulation } from '../../../src/api/simulation.ts';
import { ftpFixture } from './fixture.ts';

/** The message of the assertion error that `check` throws. */
function failure(check: () => void): string {
  try {
    check();
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('the assertion passed; a failure was expected');
}

/** The lines of the message that are ladder lines (a time, then a lane), and those marked '▶'. */
function ladder(message: string): { lines: string[]; marked: string[] } {
  const lines = message.split('\n').filter((l) => /^[▶ ] +\d+\.\d{3} {2}[│├┤◆!◇•#]/.test(l));
  return { lines, marked: lines.filter((l) => l.startsWith('▶')) };
}

let sim: Simulation;
beforeAll(() => {
  sim = ftpFixture({ mode: 'active' });
  sim.runToIdle();
});

describe('toBeInTcpState', () => {
  it('passes on a Simulation with a connection name, a snapshot, a Conn or a TCB', () => {
    const s = ftpFixture();
    s.stepUntil(dataSyn());
    expect(s).toBeInTcpState('SYN-SENT', 'server/data#2');
    expect(s).not.toBeInTcpState('ESTABLISHED', 'server/data#2');
    expect(s.conn('server/ctrl#1')).toBeInTcpState('ESTABLISHED');
    expect(s.world.get('conn:server/data#2')).toBeInTcpState('SYN-SENT');
    expect(tcp.createTcb({ addr: '10.0.0.1', port: 1 }, { addr: '10.0.0.2', port: 2 }, {})).toBeInTcpState(
      'CLOSED',
    );
    expect(sim).toBeInTcpState('CLOSED', 'server/data#2'); // gone: closed
  });

  it('fails with the state it is in, since when, and the ladder around that change', () => {
    const message = failure(() => expect(sim).toBeInTcpState('TIME-WAIT', 'server/data#2'));
    const last = sim.findLast(enters('CLOSED', 'server/data#2'))!;
    expect(message.split('\n')[0]).toBe(
      `expected server/data#2 to be in TCP state TIME-WAIT, but it is CLOSED since #${last.seq} at ${(last.at / 1e6).toFixed(3)}ms`,
    );
    const { lines, marked } = ladder(message);
    expect(lines.length).toBeGreaterThan(3);
    expect(marked).toHaveLength(1);
    expect(marked[0]).toContain('data#2 TIME-WAIT → CLOSED ◆');
    expect(message).toContain('client 10.0.0.1');
  });

  it('fails on a snapshot with its name; misuse is a UsageError', () => {
    const s = ftpFixture();
    s.stepUntil(dataSyn());
    expect(failure(() => expect(s.conn('server/data#2')).toBeInTcpState('ESTABLISHED'))).toBe(
      'expected server/data#2 to be in TCP state ESTABLISHED, but it is SYN-SENT',
    );
    expect(() => expect(s).toBeInTcpState('OPEN' as never, 'server/data#2')).toThrow(
      /'OPEN' is not a TCP state/,
    );
    expect(() => expect(s).toBeInTcpState('CLOSED', 'server/data#7')).toThrow(UsageError);
    expect(() => expect(42).toBeInTcpState('CLOSED')).toThrow(/expect\(\) a connection snapshot/);
  });
});

describe('toHaveSentReply', () => {
  it('passes on the code, a class, and text contained in the reply', () => {
    expect(sim).toHaveSentReply(226);
    expect(sim).toHaveSentReply('1xx', 'Data connection already open');
    expect(sim).toHaveSentReply(226, /Transfer complete/);
    expect(sim).not.toHaveSentReply(150);
    expect(sim.world).toHaveSentReply(221);
    expect({ world: sim.world }).toHaveSentReply(221); // a scenario's RunOutcome
  });

  it('fails listing the replies sent, the ladder marked at the ones with the code', () => {
    const message = failure(() => expect(sim).toHaveSentReply(226, 'Transfer failed'));
    expect(message).toMatch(
      /^expected the server to send FTP reply 226 "Transfer failed", but it sent 220, 331, 230, 200, 125, 226, 221; with code 226: 226 ".*Transfer complete\."/,
    );
    const { marked } = ladder(message);
    expect(marked).toEqual([expect.stringMatching(/#\d+ server ftp-reply: server\/ctrl#1 226 /)]);
    // FTP 7.5 (KB 2505047): the server closed the data connection (its FIN left) before it wrote 226.
    expect(message).toMatch(/data#2 ESTABLISHED → FIN-WAIT-1 ◆\n.*◁╌+ FIN,ACK/);
  });

  it('fails under .not with the entry that matched', () => {
    const r = first(sim.trace, reply(125));
    const message = failure(() => expect(sim).not.toHaveSentReply(125));
    expect(message.split('\n')[0]).toBe(
      `expected the server not to send FTP reply 125, but #${r.seq} at ${(r.at / 1e6).toFixed(3)}ms is 125 "125 Data connection already open; Transfer starting."`,
    );
    expect(ladder(message).marked).toHaveLength(1);
  });
});

describe('toHappenBefore', () => {
  it('passes when the first of a comes before the first of b; takes queries or entries', () => {
    expect(sim).toHappenBefore(dataSyn(), reply(200)); // KB 2505047: the handshake starts before the 200
    expect(sim).toHappenBefore(reply(226), enters('TIME-WAIT', 'server/data#2')); // 226 before the close completes
    expect(sim).toHappenBefore(sim.first(command('RETR')), sim.first(fin('server/data#2')));
    expect(sim).not.toHappenBefore(reply(200), dataSyn());
  });

  it('fails naming both, in order, with both entries marked on the ladder', () => {
    const syn = sim.first(dataSyn());
    const ok = sim.first(reply(200));
    const message = failure(() => expect(sim).toHappenBefore(reply(200), dataSyn()));
    expect(message.split('\n')[0]).toBe(
      `expected FTP reply 200 to happen before a SYN leaving on a data connection, but #${ok.seq} at 9.000ms came after #${syn.seq} at 9.000ms`,
    );
    const { marked } = ladder(message);
    expect(marked).toHaveLength(2);
    expect(marked[0]).toMatch(/◁╌+ SYN seq=0 isn=\d+/);
    expect(marked[1]).toContain('ftp-reply: server/ctrl#1 200');
  });

  it('an event that never happened fails in both directions, saying which', () => {
    const message = failure(() => expect(sim).toHappenBefore(reply(550), reply(200)));
    expect(message).toMatch(
      /^cannot order FTP reply 550 and FTP reply 200: nothing in the trace matches FTP reply 550/,
    );
    expect(ladder(message).marked).toHaveLength(1);
    expect(() => expect(sim).not.toHappenBefore(reply(550), reply(200))).toThrow(
      /nothing in the trace matches/,
    );
    expect(() => expect(sim).toHappenBefore('226' as never, reply(200))).toThrow(UsageError);
  });
});

describe('toHaveLogLine', () => {
  it('passes on the fields of a W3C line', () => {
    expect(sim).toHaveLogLine({ method: 'RETR', uri: 'f.txt', status: 226, win32: 0, path: '/f.txt' });
    expect(sim).toHaveLogLine({ method: 'DataChannelOpened', port: 20 });
    expect(sim).not.toHaveLogLine({ method: 'STOR' });
  });

  it('fails with the log as written, and the ladder at the lines of that method', () => {
    const message = failure(() => expect(sim).toHaveLogLine({ method: 'RETR', status: 550 }));
    expect(message).toMatch(/^expected a log line with method=RETR status=550, but the log has:\n/);
    expect(message).toMatch(/\n {2}\S+ \S+ 10\.0\.0\.1 FTPSERVER\\alice 10\.0\.0\.2 21 RETR f\.txt 226 0 0 /);
    const { marked } = ladder(message);
    expect(marked).toEqual([expect.stringContaining('ftp-log')]);
    expect(ladder(message).lines.length).toBeGreaterThan(5);
  });
});

describe('toSendNothing', () => {
  it('on a StepResult, a trace slice, or a TCP step', () => {
    const s = ftpFixture();
    const firstStep = s.step(); // the client's connect: a SYN leaves
    expect(firstStep).not.toSendNothing();
    const arrival = s.step(); // the SYN arrives at the server, which answers
    expect(arrival).not.toSendNothing();
    const silent = s.trace.filter((e) => e.kind === 'tcp-state');
    expect(silent).toSendNothing();
    const tcb = tcp.createTcb({ addr: '10.0.0.1', port: 1000 }, { addr: '10.0.0.2', port: 21 }, {});
    const listening = tcp.listen(tcb, 1);
    expect(listening).toSendNothing();
    expect(tcp.open(tcb, 7, 0)).not.toSendNothing();
  });

  it('fails listing what left, drawn as ladder lines', () => {
    const s = ftpFixture();
    const step = s.step();
    const message = failure(() => expect(step).toSendNothing());
    expect(message).toMatch(/^expected nothing to be sent, but 1 segment\(s\) left: #2 at 0\.000ms SYN/);
    const { marked } = ladder(message);
    expect(marked).toEqual([expect.stringMatching(/├╌ SYN seq=0 isn=\d+ .*▷│$/)]);
  });

  it('a TCP step that sends fails with its segments as a ladder between its two endpoints', () => {
    const tcb = tcp.createTcb({ addr: '10.0.0.1', port: 1000 }, { addr: '10.0.0.2', port: 21 }, {});
    const message = failure(() => expect(tcp.open(tcb, 7, 0)).toSendNothing());
    expect(message).toMatch(/^expected the TCP step to send nothing, but it sent 1:/);
    expect(message).toContain('local 10.0.0.1:1000');
    expect(message).toContain('10.0.0.2:21 remote');
    expect(ladder(message).marked).toEqual([expect.stringMatching(/├╌ SYN seq=0 isn=7 .*▷│$/)]);
  });
});
