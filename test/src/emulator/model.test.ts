/**
 * The emulator's model value (src/emulator/model.ts): the server kept apart by session gives, input for
 * input, the outputs, sessions, site and deadlines of the whole server value it stands for; its timers
 * come due at exactly their deadline, several sessions in the order they opened.
 */
import { describe, expect, it } from 'vitest';
import { SECOND } from '../../../sim/time.ts';
import { ModelValue } from '../../../src/emulator/model.ts';
import { fsFromEntries } from '../../../src/ftp/fs.ts';
import {
  createServer,
  type FtpInput,
  type FtpOutput,
  type FtpServer,
  handle,
  handleTimeout,
  nextDeadline,
} from '../../../src/ftp/index.ts';
import { inputs, USERS } from '../ftp/session/driver.ts';

const FILES = { 'a.txt': 'hello world', 'big.bin': 'sixteen bytes...' };
/** Small chunks, so that the download of big.bin takes four data-sends. */
const CONFIG = { users: USERS, sendChunkBytes: 4 };
const enc = new TextEncoder();
const { line, opened, accepted } = inputs;

/**
 * Three sessions interleaved: a download in chunks (data-drained), an upload, a lock taken and given back,
 * a session that quits, and timers (an idle data connection, idle control connections); [ns, input or tick].
 */
const SCRIPT: Array<[number, FtpInput | 'tick']> = [
  [0, opened('c1', 40000)],
  [0, opened('c2', 40001)],
  [1, line('c1', 'USER bob\r\nPASS secret\r\nTYPE I\r\nPASV\r\n')],
  [1, { kind: 'data-listening', session: 'c1', data: 1 }],
  [2, line('c2', 'USER anonymous\r\nPASS me@\r\nPASV\r\n')],
  [2, { kind: 'data-listening', session: 'c2', data: 1 }],
  [3, line('c1', 'RETR big.bin\r\n')],
  [3, accepted('c1', 1, 40100)],
  [4, { kind: 'data-drained', session: 'c1', data: 1 }],
  [5, accepted('c2', 1, 40101)],
  [5, line('c2', 'STOR up.txt\r\n')],
  [6, { kind: 'data-bytes', session: 'c2', data: 1, bytes: enc.encode('uploaded') }],
  [7, { kind: 'data-drained', session: 'c1', data: 1 }],
  [8, { kind: 'lock', lock: { path: '/a.txt', from: 8, until: null, owner: 'external' } }],
  [9, { kind: 'data-peer-closed', session: 'c2', data: 1 }],
  [10, opened('c3', 40002)],
  [11, line('c3', 'USER anonymous\r\nPASS me@\r\nQUIT\r\n')],
  [12, { kind: 'unlock', path: '/a.txt', owner: 'external' }],
  [13, { kind: 'data-drained', session: 'c1', data: 1 }],
  [14, line('c2', 'PASV\r\n')],
  [14, { kind: 'data-listening', session: 'c2', data: 2 }],
  [60 * SECOND, 'tick'],
  [61 * SECOND, { kind: 'data-closed', session: 'c1', data: 1 }],
  [300 * SECOND, 'tick'],
];

interface Trace {
  readonly outputs: FtpOutput[];
  /** After each entry of the script: the sessions, the site's Fs and the next deadline. */
  readonly after: Array<{ sessions: unknown; fs: unknown; deadline: number | null }>;
}

function runWhole(): Trace {
  let server: FtpServer = createServer(CONFIG, fsFromEntries(FILES, 0));
  const trace: Trace = { outputs: [], after: [] };
  for (const [t, input] of SCRIPT) {
    const step = input === 'tick' ? handleTimeout(server, t) : handle(server, input, t);
    server = step.server;
    trace.outputs.push(...step.outputs);
    trace.after.push({ sessions: { ...server.sessions }, fs: server.fs, deadline: nextDeadline(server) });
  }
  return trace;
}

function runKeptApart(): Trace {
  const model = new ModelValue(createServer(CONFIG, fsFromEntries(FILES, 0)));
  const trace: Trace = { outputs: [], after: [] };
  for (const [t, input] of SCRIPT) {
    if (input === 'tick') {
      for (const id of model.due(t)) trace.outputs.push(...model.timeout(id, t));
    } else {
      trace.outputs.push(...model.handle(input, t));
    }
    const sessions: Record<string, unknown> = {};
    for (const id of ['c1', 'c2', 'c3']) {
      const s = model.session(id);
      if (s !== undefined) sessions[id] = s;
    }
    trace.after.push({ sessions, fs: model.fs, deadline: model.nextDeadline() });
  }
  return trace;
}

describe('the emulator keeps the model one session at a time', () => {
  it('the script does what it is meant to (a chunked download, an upload, a lock, a QUIT, timeouts)', () => {
    const replies = runWhole().outputs.flatMap((o) =>
      o.kind === 'control-write' ? [`${o.session} ${o.text.trim()}`] : [],
    );
    expect(replies.filter((r) => r.endsWith('226 Transfer complete.'))).toEqual([
      'c2 226 Transfer complete.',
      'c1 226 Transfer complete.',
    ]);
    expect(replies).toContain('c3 221 Goodbye.');
    expect(replies.filter((r) => r.includes('421 Timeout'))).toHaveLength(2);
  });

  it('gives the outputs, sessions, site and deadlines of the whole server value, input for input', () => {
    const whole = runWhole();
    const apart = runKeptApart();
    expect(apart.outputs).toEqual(whole.outputs);
    apart.after.forEach((a, i) => {
      expect({ step: i, ...a }).toEqual({ step: i, ...whole.after[i]! });
    });
  });

  it('a session is due at exactly its deadline, not a nanosecond before', () => {
    const model = new ModelValue(createServer({ users: USERS, unauthenticatedTimeout: '30s' }));
    model.handle(opened('c1', 40000), 0);
    const at = model.nextDeadline()!;
    expect(at).toBe(30 * SECOND);
    expect(model.due(at - 1)).toEqual([]);
    expect(model.timeout('c1', at - 1)).toEqual([]);
    expect(model.due(at)).toEqual(['c1']);
    const out = model.timeout('c1', at);
    expect(out.find((o) => o.kind === 'control-write')).toMatchObject({ code: 421 });
    expect(model.session('c1')).toBeUndefined();
    expect(model.nextDeadline()).toBeNull();
  });

  it('sessions due at the same instant come in the order they opened, whatever the order of their names', () => {
    const model = new ModelValue(createServer({ users: USERS, unauthenticatedTimeout: '30s' }));
    model.handle(opened('zz', 40000), 0);
    model.handle(opened('aa', 40001), 0);
    model.handle(opened('mm', 40002), 0);
    expect(model.due(30 * SECOND)).toEqual(['zz', 'aa', 'mm']);
  });
});
