/**
 * `handleSession` and `handleSessionTimeout` (the driver's form: the site and one session kept apart) against
 * `handle` and `handleTimeout` on a server holding that one session: for every input of two interleaved
 * sessions (an upload, a download in chunks, a lock, queued commands, timeouts, a late event), the same
 * outputs, the same site and the same session, frozen alike.
 */
import { describe, expect, it } from 'vitest';
import { SECOND } from '../../../../sim/time.ts';
import { fsFromEntries } from '../../../../src/ftp/fs.ts';
import type { FtpInput, FtpOutput, FtpServer } from '../../../../src/ftp/index.ts';
import {
  createServer,
  type FtpSite,
  handle,
  handleSession,
  handleSessionTimeout,
  handleTimeout,
} from '../../../../src/ftp/server.ts';
import type { Session } from '../../../../src/ftp/session-state.ts';
import { earliestDeadline, nextSessionDeadline } from '../../../../src/ftp/session-timers.ts';
import { frozenShape, inputs, USERS } from './driver.ts';

const enc = new TextEncoder();
const BIG = new Uint8Array(5_000).map((_, i) => (i * 7) & 0xff);
const { line, opened, accepted } = inputs;

/** [time, input] or [time, 'tick']; data-listen and data-send are answered at once, as the adapter does. */
const SCRIPT: Array<[number, FtpInput | 'tick']> = [
  [0, opened('a', 40000)],
  [0, opened('b', 40001)],
  [1, line('a', 'USER bob\r\nPASS secret\r\nTYPE I\r\nPASV\r\n')],
  [2, line('b', 'USER anonymous\r\nPASS me@\r\nPASV\r\n')],
  [3, accepted('a', 1, 40100)],
  [3, line('a', 'RETR big.bin\r\nPWD\r\n')], // PWD queues behind the download
  [4, accepted('b', 1, 40101)],
  [4, line('b', 'STOR up.txt\r\n')],
  [5, { kind: 'data-bytes', session: 'b', data: 1, bytes: enc.encode('hello') }],
  [5, { kind: 'data-bytes', session: 'b', data: 1, bytes: enc.encode(' world') }],
  [6, { kind: 'data-peer-closed', session: 'b', data: 1 }],
  [7, { kind: 'lock', lock: { path: '/big.bin', from: 0, until: 20 * SECOND, owner: 'external' } }],
  [8, { kind: 'data-closed', session: 'a', data: 1 }],
  [8, line('a', 'PASV\r\nRETR big.bin\r\n')],
  [9, { kind: 'data-closed', session: 'b', data: 1 }],
  [40 * SECOND, 'tick'],
  [200 * SECOND, 'tick'],
  [201 * SECOND, line('b', 'NOOP\r\n')], // a late event: b has timed out
];

interface Result {
  readonly site: FtpSite;
  readonly session: Session | null;
  readonly outputs: readonly FtpOutput[];
}

function apart(server: FtpServer, id: string | null, outputs: readonly FtpOutput[]): Result {
  const { sessions, ...site } = server;
  return { site, session: id === null ? null : (sessions[id] ?? null), outputs };
}

/** Runs the script both ways, checking each step; returns the outputs and the inputs the fast path took. */
function run(): { outputs: FtpOutput[]; steps: number } {
  const { sessions: _none, ...start } = createServer(
    { users: USERS, sendChunkBytes: 1024 },
    fsFromEntries({ 'big.bin': BIG }, 0),
  );
  let site: FtpSite = start;
  const sessions = new Map<string, Session>();
  const outputs: FtpOutput[] = [];
  let steps = 0;
  const step = (id: string | null, byRecord: () => Result, bySession: () => Result): FtpInput[] => {
    const want = byRecord();
    const got = bySession();
    expect(got.outputs).toEqual(want.outputs);
    expect(got.session).toEqual(want.session);
    expect(frozenShape(got.session)).toEqual(frozenShape(want.session));
    expect(got.site).toEqual(want.site);
    if (got.session !== null) {
      // The adapter's shortcut to the earliest deadline agrees with the timer table on every state reached.
      const earliest = earliestDeadline(got.session, got.site.config);
      expect(nextSessionDeadline(got.session, got.site.config)).toBe(earliest?.at ?? null);
    }
    expect(Object.isFrozen(got.site) || got.site === site).toBe(true);
    steps++;
    site = got.site;
    if (id !== null) {
      if (got.session === null) sessions.delete(id);
      else sessions.set(id, got.session);
    }
    outputs.push(...got.outputs);
    const next: FtpInput[] = [];
    for (const o of got.outputs) {
      if (o.kind === 'data-listen') next.push({ kind: 'data-listening', session: o.session, data: o.data });
      if (o.kind === 'data-send') next.push({ kind: 'data-drained', session: o.session, data: o.data });
    }
    return next;
  };
  const feed = (first: FtpInput, t: number) => {
    const queue = [first];
    for (let input = queue.shift(); input !== undefined; input = queue.shift()) {
      const id = 'session' in input ? input.session : null;
      const s = id === null ? null : (sessions.get(id) ?? null);
      const server: FtpServer = { ...site, sessions: s === null ? {} : { [s.id]: s } };
      const i = input;
      queue.push(
        ...step(
          id,
          () => {
            const r = handle(server, i, t);
            return apart(r.server, id, r.outputs);
          },
          () => handleSession(site, s, i, t),
        ),
      );
    }
  };
  for (const [t, input] of SCRIPT) {
    if (input !== 'tick') {
      feed(input, t);
      continue;
    }
    for (const s of [...sessions.values()].sort((x, y) => x.index - y.index)) {
      const server: FtpServer = { ...site, sessions: { [s.id]: s } };
      const r = handleTimeout(server, t);
      const again = step(
        s.id,
        () => apart(r.server, s.id, r.outputs),
        () => handleSessionTimeout(site, s, t),
      );
      for (const next of again) feed(next, t);
    }
  }
  return { outputs, steps };
}

describe('one session at a time', () => {
  it('gives the same outputs, site and session as handle on a server of that session, step for step', () => {
    const { outputs, steps } = run();
    const replies = outputs.flatMap((o) => (o.kind === 'control-write' ? [`${o.session} ${o.code}`] : []));
    // The script reaches what it should: both transfers complete, the second RETR meets the lock, PWD ran
    // after the download, b times out, a late event is ignored.
    expect(replies.filter((r) => r === 'a 226')).toHaveLength(1);
    expect(replies.filter((r) => r === 'b 226')).toHaveLength(1);
    expect(replies).toContain('a 257');
    expect(replies).toContain('a 550');
    expect(replies.filter((r) => r.endsWith(' 421'))).toHaveLength(2);
    expect(outputs.filter((o) => o.kind === 'data-send')).toHaveLength(5);
    expect(outputs.some((o) => o.kind === 'note' && o.note.what === 'ignored')).toBe(true);
    expect(steps).toBeGreaterThan(25);
  });

  it('an unchanged site comes back as the same object', () => {
    const { sessions: _none, ...site } = createServer({ users: USERS });
    const first = handleSession(site, null, opened('a', 40000), 0);
    expect(first.site).not.toBe(site); // a session was opened: the counter moved
    const next = handleSession(first.site, first.session, line('a', 'NOOP\r\n'), 1);
    expect(next.site).toBe(first.site);
    expect(next.outputs.map((o) => (o.kind === 'control-write' ? o.code : o.kind))).toEqual([
      'note',
      200,
      'log',
    ]);
  });

  it('a session that is not the one the input names is a usage error', () => {
    const { sessions: _none, ...site } = createServer({ users: USERS });
    const a = handleSession(site, null, opened('a', 40000), 0);
    expect(() => handleSession(a.site, a.session, line('b', 'NOOP\r\n'), 1)).toThrow(
      /not an input of session "a"/,
    );
    const lock: FtpInput = { kind: 'lock', lock: { path: '/x', from: 0, until: null, owner: 'external' } };
    expect(() => handleSession(a.site, a.session, lock, 1)).toThrow(/not an input of session "a"/);
  });
});
