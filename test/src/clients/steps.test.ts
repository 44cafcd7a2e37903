/**
 * The script steps and the knobs that make races reproducible, each at its exact moment: a delay is tested
 * by when the segment it delays leaves, a timeout at t-1 (nothing) and t (the step fails).
 */

import { describe, expect, it } from 'vitest';
import { MS, SECOND } from '../../../sim/time.ts';
import type { RunOutcome } from '../../../src/scenario/index.ts';
import { LOGIN, repliesOf, runClients, sentText, state, steps } from './helpers.ts';

const TYPE_I = { do: 'type', type: 'I' } as const;

/** When client c read a reply with this code (the first one). */
function replyTime(o: RunOutcome, code: number): number {
  const e = o.world.trace.find((x) => x.kind === 'client-reply' && x.code === code);
  if (e === undefined) throw new Error(`no ${code}`);
  return e.at;
}

/** When the first segment with payload starting with `text` left on connection `conn`, or the first SYN. */
function leaves(o: RunOutcome, conn: string, what: string): number {
  const e = o.world.trace.find(
    (x) =>
      x.kind === 'seg-send' &&
      x.conn === conn &&
      (what === 'SYN' ? (x.seg.flags & 0x02) !== 0 : String.fromCharCode(...x.seg.payload).startsWith(what)),
  );
  if (e === undefined) throw new Error(`nothing like ${what} on ${conn}`);
  return e.at;
}

describe('script steps', () => {
  it('login, cwd, type, a command, quit: each waits for its reply', () => {
    const o = runClients([
      {
        name: 'c',
        host: 'client',
        script: [
          LOGIN,
          { do: 'cwd', path: '/' },
          TYPE_I,
          { do: 'command', line: 'PWD', expect: 257 },
          { do: 'quit' },
        ],
      },
    ]);
    expect(repliesOf(o)).toEqual([220, 331, 230, 250, 200, 257, 221]);
    expect(sentText(o, state(o).ctrl!)).toBe(
      'USER alice\r\nPASS s3cret\r\nCWD /\r\nTYPE I\r\nPWD\r\nQUIT\r\n',
    );
    expect(state(o).verdict).toBe('completed');
  });

  it('a reply nobody waited for is read as the answer to the next command, as in any sequential client', () => {
    const o = runClients([
      {
        name: 'c',
        host: 'client',
        script: [LOGIN, { do: 'send', text: 'NOOP\r\n' }, { do: 'command', line: 'PWD' }, { do: 'quit' }],
      },
    ]);
    // PWD reads NOOP's 200; QUIT reads PWD's 257 and closes: one reply behind from then on.
    expect(steps(o).filter((s) => s.endsWith('done'))).toEqual([
      '0 login alice done',
      '1 send "NOOP\\r\\n" done',
      '2 command PWD done',
      '3 quit done',
    ]);
    const quit = o.world.trace.find((e) => e.kind === 'client-step' && e.index === 3 && e.phase === 'done');
    expect(quit?.kind === 'client-step' && quit.detail).toMatch(/^257 /);
  });

  it("a command's reply outside its expect fails the client with that code", () => {
    const o = runClients([
      { name: 'c', host: 'client', script: [LOGIN, { do: 'command', line: 'MKD /', expect: '2xx' }] },
    ]);
    expect(state(o).verdict).toBe('failed');
    expect(state(o).verdictCode).toBe(550);
  });

  it('wait for a reply code skips the replies before it; wait for a duration pauses exactly that long', () => {
    const o = runClients([
      {
        name: 'c',
        host: 'client',
        script: [
          { do: 'send', text: 'USER alice\r\nPASS s3cret\r\n' },
          { do: 'wait', reply: 230 },
          { do: 'wait', for: '7ms' },
          { do: 'send', text: 'NOOP\r\n' },
        ],
      },
    ]);
    const t230 = replyTime(o, 230);
    expect(leaves(o, state(o).ctrl!, 'NOOP')).toBe(t230 + 7 * MS);
  });

  it('think time separates the steps', () => {
    const o = runClients([
      { name: 'c', host: 'client', think: '10ms', script: [LOGIN, { do: 'send', text: 'NOOP\r\n' }] },
    ]);
    expect(leaves(o, state(o).ctrl!, 'NOOP')).toBe(replyTime(o, 230) + 10 * MS);
  });

  it('open-data connects to the last 227 endpoint from the given port; close and abort act on it', () => {
    const o = runClients([
      {
        name: 'c',
        host: 'client',
        script: [
          LOGIN,
          { do: 'command', line: 'PASV', expect: 227 },
          { do: 'open-data', localPort: 2000 },
          { do: 'wait', for: '5ms' },
          { do: 'abort', what: 'data' },
          { do: 'quit' },
        ],
      },
    ]);
    const data = state(o).data[0]!;
    const syn = o.world.trace.find((e) => e.kind === 'seg-send' && e.conn === data);
    expect(syn?.kind === 'seg-send' && syn.seg.src.port).toBe(2000);
    expect(
      o.world.trace.some((e) => e.kind === 'seg-send' && e.conn === data && (e.seg.flags & 0x04) !== 0),
    ).toBe(true);
    expect(state(o).verdict).toBe('completed');
  });

  it('open-data without a 227 before it fails', () => {
    const o = runClients([{ name: 'c', host: 'client', script: [LOGIN, { do: 'open-data' }] }]);
    expect(state(o).verdictDetail).toBe('no 227 or 229 reply has given a data endpoint');
  });
});

describe('the knobs of a transfer', () => {
  it('connectDelay: the data SYN leaves exactly that long after the 227', () => {
    const o = runClients([
      { name: 'c', host: 'client', script: [LOGIN, { do: 'list', connectDelay: '4ms' }] },
    ]);
    expect(leaves(o, state(o).data[0]!, 'SYN')).toBe(replyTime(o, 227) + 4 * MS);
  });

  it('commandDelay: the transfer command leaves exactly that long after the 227 (passive) or the 200 (active)', () => {
    const p = runClients([
      { name: 'c', host: 'client', script: [LOGIN, { do: 'list', commandDelay: '6ms' }] },
    ]);
    expect(leaves(p, state(p).ctrl!, 'LIST')).toBe(replyTime(p, 227) + 6 * MS);
    const a = runClients([
      { name: 'c', host: 'client', mode: 'active', script: [LOGIN, { do: 'list', commandDelay: '6ms' }] },
    ]);
    expect(leaves(a, state(a).ctrl!, 'LIST')).toBe(replyTime(a, 200) + 6 * MS);
  });

  it('a paced reader reads at most `bytes` per `every`: the window shuts and the transfer takes as long as the pace says', () => {
    const o = runClients([
      {
        name: 'c',
        host: 'client',
        reader: { bytes: 10_000, every: '10ms' },
        script: [LOGIN, TYPE_I, { do: 'retr', path: 'big.bin' }],
      },
    ]);
    const data = state(o).data[0]!;
    // The window falls below one segment: the server's sender (SWS avoidance) waits for the reader.
    expect(o.world.trace.some((e) => e.kind === 'seg-send' && e.conn === data && e.seg.wnd < 1460)).toBe(
      true,
    );
    const done = o.world.trace.find((e) => e.kind === 'client-step' && e.index === 2 && e.phase === 'done')!;
    // 200,000 bytes at 10,000 per 10 ms: the last read is 190 ms after the first.
    expect(done.at - replyTime(o, 150)).toBeGreaterThanOrEqual(190 * MS);
    expect(state(o).results[0]!.count).toBe(200_000);
  });

  it('EPSV and EPRT (RFC 2428) are spoken to FTP 7.5 and refused by iis6 with 500', () => {
    for (const mode of ['epsv', 'eprt'] as const) {
      const ok = runClients([
        { name: 'c', host: 'client', mode, script: [LOGIN, { do: 'retr', path: 'small.txt' }] },
      ]);
      expect(state(ok).verdict).toBe('completed');
      const old = runClients(
        [{ name: 'c', host: 'client', mode, script: [LOGIN, { do: 'retr', path: 'small.txt' }] }],
        {},
        'iis6',
      );
      expect(state(old).verdictCode).toBe(500);
    }
  });

  it('stor writes a new file, appe adds to one; intact checks both against the server at the end of the run', () => {
    const o = runClients(
      [
        {
          name: 'c',
          host: 'client',
          script: [
            LOGIN,
            { do: 'stor', path: 'up.txt', data: 'first\r\n' },
            { do: 'appe', path: 'small.txt', data: { text: 'more\r\n', repeat: 2 } },
          ],
        },
      ],
      { expect: [{ intact: { client: 'c' } }] },
    );
    expect(o.results[0]).toMatchObject({ passed: true, detail: '/up.txt 7 bytes, /small.txt 12 bytes' });
    expect(sentText(o, state(o).data[1]!)).toBe('more\r\nmore\r\n');
  });

  it("a transfer's expect makes a refusal the step's success", () => {
    const o = runClients([
      {
        name: 'c',
        host: 'client',
        script: [LOGIN, { do: 'retr', path: 'missing.txt', expect: 550 }, { do: 'quit' }],
      },
    ]);
    expect(state(o).verdict).toBe('completed');
    expect(state(o).results[0]!.final).toBe(550);
  });
});

describe('how a client ends', () => {
  it('timeout: at t-1 the step still waits, at t it fails', () => {
    // The server never answers a command held in its queue behind a transfer that never starts (no data
    // connection): RETR waits for its connection, and the client's 3 s timeout runs out first.
    const script = [
      LOGIN,
      { do: 'command', line: 'PASV', expect: 227 },
      { do: 'command', line: 'RETR small.txt' },
    ] as const;
    const o = runClients([{ name: 'c', host: 'client', timeout: '3s', script: [...script] }]);
    const start = o.world.trace.find(
      (e) => e.kind === 'client-step' && e.index === 2 && e.phase === 'start',
    )!;
    const fail = o.world.trace.find((e) => e.kind === 'client-step' && e.phase === 'fail')!;
    expect(fail.at - start.at).toBe(3 * SECOND);
    expect(
      o.world.trace.some(
        (e) => e.kind === 'client-step' && e.phase === 'fail' && e.at < start.at + 3 * SECOND,
      ),
    ).toBe(false);
  });

  it('hung: still waiting when the run reaches its time limit, saying what for', () => {
    const o = runClients([{ name: 'c', host: 'client', script: [LOGIN, { do: 'wait', reply: 299 }] }], {
      limits: { until: '1s' },
    });
    expect(state(o).verdict).toBe('hung');
    expect(state(o).verdictDetail).toBe("waiting for a reply in 'wait for reply 299'");
  });

  it('failed: the server refuses the control connection', () => {
    const o = runClients([{ name: 'c', host: 'client', server: 'server:2121', script: [LOGIN] }]);
    expect(state(o).verdict).toBe('failed');
    expect(state(o).verdictDetail).toBe('the server refused the control connection');
  });

  it('failed: the server closes the control connection while a step waits on it', () => {
    // An unauthenticated session is closed by the server after its 30 s unauthenticatedTimeout.
    const o = runClients([{ name: 'c', host: 'client', script: [{ do: 'wait', reply: 299 }] }]);
    expect(state(o).verdict).toBe('failed');
    expect(state(o).verdictDetail).toBe('the server closed the control connection');
  });
});

describe('mistakes a script can make fail the client, not the run', () => {
  it('two active clients on one host given the same data port: the second cannot listen', () => {
    const script = [LOGIN, { do: 'list', localPort: 30000 } as const, { do: 'wait', for: '1s' } as const];
    const o = runClients([
      { name: 'a', host: 'client', mode: 'active', script },
      { name: 'b', host: 'client', mode: 'active', script },
    ]);
    expect(state(o, 'a').verdict).toBe('completed');
    expect(state(o, 'b').verdict).toBe('failed');
    expect(state(o, 'b').verdictDetail).toMatch(
      /^cannot listen for the data connection: client: port 30000 already has a listener/,
    );
  });
});
