import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../sim/errors.ts';
import { MS } from '../../../sim/time.ts';
import { command, dataState, dataSyn, enters, reply, segment } from '../../../src/api/index.ts';
import { load } from '../../../src/api/load.ts';
import { CLIENT, ftpFixture, SERVER } from './fixture.ts';

describe('inspect(): hosts, connections and sessions at a point of the run', () => {
  it('at the data SYN of an active transfer (FTP 7.5: before the 200 is on the wire)', () => {
    const sim = ftpFixture({ mode: 'active' });
    sim.stepUntil(dataSyn());
    const s = sim.inspect();
    expect(Object.keys(s.connections)).toEqual(['client/ctrl#1', 'server/ctrl#1', 'server/data#2']);
    const data = s.conn('server/data#2');
    expect(data).toMatchObject({
      host: 'server',
      label: 'data',
      state: 'SYN-SENT',
      local: { addr: SERVER, port: 20 },
      remote: { addr: CLIENT, port: 5000 },
      listener: null,
      ftp: { session: 'server/ctrl#1', data: 1 },
      queued: 0,
      finSent: false,
    });
    // SND.UNA = ISS, SND.NXT = ISS + 1: the SYN is out and not acknowledged.
    expect(data.sndUna).toBe(data.iss);
    expect(data.sndNxt).toBe((data.iss + 1) >>> 0);
    expect(data.relative).toEqual({ sndUna: 0, sndNxt: 1, rcvNxt: 0 });
    expect(data.timers.retransmit).toBe(sim.now + data.rto); // the SYN's timer, armed now
    expect(s.conn('server/ctrl#1')).toMatchObject({
      state: 'ESTABLISHED',
      listener: 21,
      ftp: { data: null },
    });
    expect(s.host('client')).toEqual({
      name: 'client',
      addr: CLIENT,
      connections: ['client/ctrl#1'],
      listening: [5000],
      sessions: [],
      ftpServer: false,
    });
    expect(s.host('server')).toMatchObject({ listening: [21], sessions: ['server/ctrl#1'], ftpServer: true });
    const session = s.session('server/ctrl#1');
    expect(session).toMatchObject({
      host: 'server',
      client: { addr: CLIENT },
      phase: 'LOGGED-IN',
      user: 'alice',
      cwd: '/',
      type: 'A',
      data: 'connecting',
      dataModel: 'CONNECTING',
      dataConn: 'server/data#2',
      busy: null,
    });
    // The step that sent the SYN is the one that parsed PORT; it also wrote the 200.
    expect(session.replies.map((r) => r.code)).toEqual([220, 331, 230, 200]);
    expect(session.replies.at(-1)!.seq).toBeGreaterThan(sim.first(dataSyn()).seq);
    expect(s.step).toBe(sim.steps);
    expect(s.at).toBe(sim.now);
  });

  it('follows the data channel: established, then closing while the FIN handshake runs', () => {
    // Larger than the socket's send buffer (64 KiB): the transfer waits for the window.
    // No QUIT: the session outlives the data connection.
    const script = ['PORT 10,0,0,1,19,136', 'RETR f.txt'];
    const sim = ftpFixture({ mode: 'active', file: 'x'.repeat(200_000), script });
    sim.stepUntil(dataState('ESTABLISHED'));
    expect(sim.session('server/ctrl#1').data).toBe('established');
    sim.stepUntil(command('RETR'));
    expect(sim.session('server/ctrl#1').busy).toEqual({ command: 'RETR f.txt', phase: 'SENDING' });
    expect(sim.conn('server/data#2').queued).toBeGreaterThan(0); // bytes written, not yet acknowledged
    sim.stepUntil(reply(226));
    const s = sim.session('server/ctrl#1');
    expect(s.data).toBe('closing');
    expect(s.dataModel).toBeNull();
    expect(s.closingData).toBe(1);
    expect(sim.conn('server/data#2').state).toBe('FIN-WAIT-1');
    sim.stepUntil(enters('TIME-WAIT', 'server/data#2'));
    expect(sim.session('server/ctrl#1').data).toBe('none');
  });

  it('a passive transfer: the listener, and the session listening', () => {
    const sim = ftpFixture({ mode: 'passive' });
    const r = sim.stepUntil(reply(227));
    const port = Number(
      /,(\d+),(\d+)\)/
        .exec(r.text)!
        .slice(1, 3)
        .reduce((hi, lo) => String(Number(hi) * 256 + Number(lo))),
    );
    const s = sim.inspect();
    expect(s.session('server/ctrl#1')).toMatchObject({
      data: 'listening',
      dataModel: 'LISTENING',
      dataConn: null,
    });
    expect(s.host('server').listening).toEqual([21, port].sort((a, b) => a - b));
  });

  it('connections that have closed are listed under closed, and are CLOSED to tcpState()', () => {
    const sim = ftpFixture();
    sim.runToIdle();
    const s = sim.inspect();
    expect(s.connections).toEqual({});
    expect(Object.keys(s.closed).sort()).toEqual([
      'client/ctrl#1',
      'client/data#2',
      'server/ctrl#1',
      'server/data#2',
    ]);
    expect(s.closed['server/data#2']).toMatchObject({ host: 'server', state: 'CLOSED', from: 'TIME-WAIT' });
    expect(s.tcpState('server/data#2')).toBe('CLOSED');
    expect(() => s.conn('server/data#2')).toThrow(
      /connection 'server\/data#2' is closed: it went from TIME-WAIT to CLOSED at t=/,
    );
    expect(s.sessions).toEqual({});
  });

  it('a refused connection is closed from SYN-SENT, when the RST arrived', async () => {
    const sim = await load('tcp/refused');
    sim.runToIdle();
    const [name, gone] = Object.entries(sim.inspect().closed)[0]!;
    expect(gone).toMatchObject({ state: 'CLOSED', from: 'SYN-SENT' });
    const rstArrival = sim.first(segment({ event: 'recv', flags: 'RST' }));
    expect(gone.at).toBe(rstArrival.at);
    expect(sim.tcpState(name)).toBe('CLOSED');
  });

  it('an unknown name is a UsageError that lists the known ones', () => {
    const sim = ftpFixture();
    sim.runUntil(10 * MS);
    const s = sim.inspect();
    expect(() => s.conn('server/data#9')).toThrow(UsageError);
    expect(() => s.conn('server/data#9')).toThrow(
      "no connection named 'server/data#9' (known: client/ctrl#1, client/data#2, server/ctrl#1, server/data#2)",
    );
    expect(() => s.session('client/ctrl#1')).toThrow(
      "no FTP session named 'client/ctrl#1' (known: server/ctrl#1)",
    );
    expect(() => s.host('router')).toThrow("no host named 'router' (known: client, server)");
    expect(() => sim.tcpState('nope')).toThrow(/no connection named 'nope'/);
  });

  it('is immutable and never drifts as the run goes on', () => {
    const sim = ftpFixture();
    sim.stepUntil(dataSyn());
    const s = sim.inspect();
    const copy = structuredClone({ ...s });
    expect(() => {
      (s.conn('server/data#2') as { state: string }).state = 'ESTABLISHED';
    }).toThrow(TypeError);
    expect(() => {
      (s.session('server/ctrl#1').replies as unknown[]).push({});
    }).toThrow(TypeError);
    expect(() => {
      (s as unknown as { at: number }).at = 0;
    }).toThrow(TypeError);
    sim.runToIdle();
    expect(structuredClone({ ...s })).toEqual(copy);
    expect(s.conn('server/data#2').state).toBe('SYN-SENT');
  });
});
