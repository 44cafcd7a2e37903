/**
 * Properties of the server value itself: immutable snapshots that can be stepped twice (a fork), the same
 * outputs for the same inputs, and the guarantee drivers rely on to scale: an input touches only its own
 * session and the site, so a driver may hand the model one session at a time.
 */
import { describe, expect, it } from 'vitest';
import { SECOND } from '../../../../sim/time.ts';
import { fsFromEntries } from '../../../../src/ftp/fs.ts';
import {
  createServer,
  type FtpConfigInput,
  type FtpInput,
  type FtpOutput,
  type FtpServer,
  handle,
  handleTimeout,
  nextDeadline,
} from '../../../../src/ftp/index.ts';
import { FILES, inputs, USERS } from './driver.ts';

const enc = new TextEncoder();
const { line: bytes, opened } = inputs;

/** Two interleaved sessions with transfers, uploads, a lock and timeouts; [time, input] or [time, 'tick']. */
const SCRIPT: Array<[number, FtpInput | 'tick']> = [
  [0, opened('a', 40000)],
  [0, opened('b', 40001)],
  [1, bytes('a', 'USER bob\r\nPASS secret\r\nPASV\r\n')],
  [1, { kind: 'data-listening', session: 'a', data: 1 }],
  [2, bytes('b', 'USER anonymous\r\nPASS me@\r\nPASV\r\n')],
  [2, { kind: 'data-listening', session: 'b', data: 1 }],
  [3, inputs.accepted('a', 1, 40100)],
  [3, bytes('a', 'STOR up.txt\r\n')],
  [4, { kind: 'data-bytes', session: 'a', data: 1, bytes: enc.encode('hi') }],
  [5, bytes('b', 'RETR up.txt\r\n')], // b's transfer waits for its connection; the file is locked by a's upload
  [6, { kind: 'data-peer-closed', session: 'a', data: 1 }],
  [7, { kind: 'lock', lock: { path: '/a.txt', from: 0, until: 20 * SECOND, owner: 'external' } }],
  [8, bytes('a', 'PASV\r\n')],
  [8, { kind: 'data-listening', session: 'a', data: 2 }],
  [40 * SECOND, 'tick'],
  [41 * SECOND, { kind: 'data-closed', session: 'a', data: 1 }],
  [200 * SECOND, 'tick'],
];

function runWhole(config: FtpConfigInput = {}): FtpOutput[] {
  let server = createServer({ users: USERS, ...config }, fsFromEntries(FILES, 0));
  const out: FtpOutput[] = [];
  for (const [t, input] of SCRIPT) {
    const step = input === 'tick' ? handleTimeout(server, t) : handle(server, input, t);
    server = step.server;
    out.push(...step.outputs);
  }
  return out;
}

/** The same inputs, each given a server value that holds only the session it is for (as the simulator's adapter does). */
function runSplit(): FtpOutput[] {
  const { sessions: _none, ...start } = createServer({ users: USERS }, fsFromEntries(FILES, 0));
  let site: Omit<FtpServer, 'sessions'> = start;
  const sessions: Record<string, FtpServer['sessions'][string]> = {};
  const out: FtpOutput[] = [];
  const apply = (id: string | null, step: { server: FtpServer; outputs: readonly FtpOutput[] }) => {
    const { sessions: after, ...rest } = step.server;
    site = rest;
    if (id !== null) {
      if (after[id] === undefined) delete sessions[id];
      else sessions[id] = after[id];
    }
    out.push(...step.outputs);
  };
  for (const [t, input] of SCRIPT) {
    if (input === 'tick') {
      for (const id of Object.keys(sessions).sort((x, y) => sessions[x]!.index - sessions[y]!.index)) {
        apply(id, handleTimeout({ ...site, sessions: { [id]: sessions[id]! } }, t));
      }
      continue;
    }
    const id = 'session' in input ? input.session : null;
    const own = id !== null && sessions[id] ? { [id]: sessions[id]! } : {};
    apply(id, handle({ ...site, sessions: own }, input, t));
  }
  return out;
}

describe('the server value', () => {
  it('the script exercises what it should (uploads, a lock, held PASV, timeouts)', () => {
    const replies = runWhole().flatMap((o) =>
      o.kind === 'control-write' ? [`${o.session} ${o.text.trim()}`] : [],
    );
    expect(replies).toContain('a 226 Transfer complete.');
    expect(replies).toContain(
      'b 550 The process cannot access the file because it is being used by another process.',
    );
    expect(replies.filter((r) => r.includes('421 Timeout'))).toHaveLength(2);
  });

  it('traceNotes false drops the notes and changes no other output', () => {
    const all = runWhole();
    const kinds = new Set(all.flatMap((o) => (o.kind === 'note' ? [o.note.what] : [])));
    expect([...kinds].sort()).toEqual(['command', 'data-state', 'timer']);
    const quiet = runWhole({ traceNotes: false });
    expect(quiet.some((o) => o.kind === 'note')).toBe(false);
    expect(quiet).toEqual(all.filter((o) => o.kind !== 'note'));
  });

  it('the same inputs give the same outputs', () => {
    expect(runWhole()).toEqual(runWhole());
  });

  it('a driver may hand the model one session at a time: the outputs are the same', () => {
    expect(runSplit()).toEqual(runWhole());
  });

  it('a snapshot is frozen and can be stepped twice into two different futures', () => {
    let server = createServer({ users: USERS }, fsFromEntries(FILES, 0));
    for (const input of [opened('a', 40000), bytes('a', 'USER bob\r\nPASS secret\r\n')]) {
      server = handle(server, input, 0).server;
    }
    const fork = server;
    expect(Object.isFrozen(fork.sessions.a)).toBe(true);
    const left = handle(fork, bytes('a', 'MKD left\r\n'), 1);
    const right = handle(fork, bytes('a', 'QUIT\r\n'), 1);
    expect(left.server.fs.root.children.has('left')).toBe(true);
    expect(fork.fs.root.children.has('left')).toBe(false);
    expect(right.server.sessions).toEqual({});
    expect(fork.sessions.a?.login.state).toBe('LOGGED-IN');
    expect(nextDeadline(left.server)).toBe(1 + 120 * SECOND);
    expect(nextDeadline(fork)).toBe(120 * SECOND);
  });

  it('an input at a time that is not a whole number of nanoseconds is a usage error', () => {
    const server = createServer();
    expect(() => handle(server, opened('a', 1), 1.5)).toThrow(/not a time/);
    expect(() => handleTimeout(server, -1)).toThrow(/not a time/);
  });
});
