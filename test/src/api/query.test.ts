import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../sim/errors.ts';
import { flagNames } from '../../../sim/tcp/segment.ts';
import {
  command,
  dataState,
  dataSyn,
  enters,
  fin,
  kind,
  logLine,
  reply,
  segment,
  segmentsOf,
  stateChange,
  syn,
} from '../../../src/api/index.ts';
import { all, find, findLast, first, last } from '../../../src/api/search.ts';
import { ftpFixture } from './fixture.ts';

function finishedActive() {
  const sim = ftpFixture({ mode: 'active' });
  sim.runToIdle();
  return sim;
}

describe('trace queries over an active-mode download', () => {
  const sim = finishedActive();
  const t = sim.trace;

  it('find the data SYN and the 200 reply, and order them by seq (FTP 7.5 connects before it answers PORT)', () => {
    const s = first(t, dataSyn());
    const ok = first(t, reply(200));
    expect(s.kind).toBe('seg-send');
    expect(s.host).toBe('server');
    expect(s.kind === 'seg-send' && flagNames(s.seg.flags)).toBe('SYN');
    expect(s.kind === 'seg-send' && s.seg.src.port).toBe(20);
    expect(s.seq).toBeLessThan(ok.seq);
    expect(s.at).toBe(ok.at); // the same step: the PORT command's
  });

  it('returns the trace entries themselves, with their seq and time', () => {
    const r = first(t, reply(226));
    expect(t[r.seq]).toBe(r);
    expect(r.code).toBe(226);
    expect(r.text).toContain('Transfer complete');
  });

  it('reply codes match exactly or by class, and text by substring or RegExp', () => {
    expect(all(t, reply('2xx')).map((e) => e.code)).toEqual([220, 230, 200, 226, 221]);
    expect(all(t, reply('1xx')).map((e) => e.code)).toEqual([125]);
    expect(find(t, reply(226, 'Transfer complete'))).toBeDefined();
    expect(find(t, reply(226, /^226 Transfer/))).toBeDefined();
    expect(find(t, reply(226, 'Transfer failed'))).toBeUndefined();
    expect(() => reply('22')).toThrow(UsageError);
  });

  it('the moment a connection enters TIME-WAIT, and globs over connection names', () => {
    const tw = first(t, enters('TIME-WAIT', 'server/data#2'));
    expect(tw.kind === 'tcp-state' && tw.from).toMatch(/FIN-WAIT-2|CLOSING/);
    expect(first(t, enters('TIME-WAIT', 'server/data#*'))).toBe(tw);
    expect(find(t, enters('TIME-WAIT', 'client/data#*'))).toBeUndefined(); // the client closed second
    expect(first(t, reply(226)).seq).toBeLessThan(tw.seq); // 226 before the close handshake completes
  });

  it('all segments of one connection: both directions, both hosts, under either name', () => {
    const server = all(t, segmentsOf('server/data#2'));
    const client = all(t, segmentsOf('client/data#2'));
    expect(server).toEqual(client);
    const kinds = new Set(server.map((e) => `${e.kind}@${e.host}`));
    expect(kinds).toEqual(
      new Set(['seg-send@server', 'seg-recv@client', 'seg-send@client', 'seg-recv@server']),
    );
    // Every segment of the data connection, and nothing else: its ports are 20 and 5000.
    const ports = all(t, segment()).filter(
      (e) => [e.seg.src.port, e.seg.dst.port].sort().join() === '20,5000',
    );
    expect(server.map((e) => e.seq)).toEqual(ports.map((e) => e.seq));
    // The SYN's arrival at the listening client has no connection name yet: it belongs to its sender.
    const synArrival = server.find((e) => e.kind === 'seg-recv' && e.host === 'client');
    expect(synArrival?.conn).toBe('');
    expect(synArrival && flagNames(synArrival.seg.flags)).toBe('SYN');
  });

  it('segment filters: flags set and clear, data, what happened', () => {
    const fins = all(t, fin('server/data#2'));
    expect(fins.map((e) => e.host)).toEqual(['server', 'client']); // the server's FIN, then the client's
    const data = all(t, segment({ conn: 'server/data#2', event: 'send', data: true }));
    expect(data).toHaveLength(1);
    expect(Buffer.from(data[0]!.seg.payload).toString()).toBe('hello, world\r\n');
    expect(all(t, syn())).toHaveLength(2); // the control connection's and the data connection's
    expect(all(t, segment({ flags: 'SYN,ACK' })).every((e) => flagNames(e.seg.flags) === 'SYN,ACK')).toBe(
      true,
    );
    expect(() => segment({ flags: 'SYN,PUSH' })).toThrow(/unknown TCP flag 'PUSH'/);
  });

  it('commands, data-channel states, log lines and kinds', () => {
    expect(first(t, command('retr', 'f.txt')).line).toBe('RETR f.txt');
    expect(find(t, command('RETR', 'f'))).toBeUndefined(); // an argument given as text is the whole argument
    expect(all(t, dataState()).map((e) => e.to)).toEqual(['CONNECTING', 'ESTABLISHED', 'NONE']);
    expect(first(t, logLine({ method: 'RETR', status: 226, path: '/f.txt' })).line).toContain(
      'RETR f.txt 226',
    );
    expect(find(t, logLine({ method: 'RETR', status: '5xx' }))).toBeUndefined();
    expect(first(t, logLine({ method: 'DataChannelOpened', status: '-', port: 20 }))).toBeDefined();
    expect(all(t, kind('ftp-command'))).toHaveLength(5);
  });

  it('composes: or, at, where, and bounds after/before', () => {
    const either = all(t, reply(125).or(reply(150)));
    expect(either.map((e) => e.code)).toEqual([125]);
    const serverStates = all(t, stateChange().at('server'));
    expect(serverStates.every((e) => e.host === 'server')).toBe(true);
    expect(serverStates.length).toBeGreaterThan(4);
    const late = reply().where((e) => e.at > first(t, reply(200)).at, 'after the 200');
    expect(late.what).toBe('FTP reply (any code) after the 200');
    expect(all(t, late).map((e) => e.code)).toEqual([125, 226, 221]);
    const ok = first(t, reply(200));
    expect(first(t, reply(), { after: ok }).code).toBe(125);
    expect(last(t, reply(), { before: ok }).code).toBe(230);
    expect(findLast(t, reply())?.code).toBe(221);
  });

  it('a search that finds nothing says what it looked for and where', () => {
    expect(() => first(t, reply(550))).toThrow(UsageError);
    expect(() => first(t, reply(550))).toThrow(
      /no entry matches: FTP reply 550 \(searched \d+ entries, up to t=/,
    );
    expect(() => last(t, reply(226), { before: 3 })).toThrow(/no entry before #3 matches: FTP reply 226/);
  });
});

describe('connection links follow the trace as it changes', () => {
  it('a trace cut back by back() and grown again is learnt afresh', () => {
    const sim = ftpFixture({ mode: 'passive' });
    sim.runToIdle();
    const before = all(sim.trace, segmentsOf('server/data#2')).map((e) => e.seq);
    expect(before.length).toBeGreaterThan(6);
    sim.back(sim.steps); // to the start: the same array, cut to nothing
    expect(all(sim.trace, segmentsOf('server/data#2'))).toEqual([]);
    sim.runToIdle();
    expect(all(sim.trace, segmentsOf('server/data#2')).map((e) => e.seq)).toEqual(before);
  });
});
