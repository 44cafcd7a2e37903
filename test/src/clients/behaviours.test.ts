/**
 * Each client model against the FTP 7.5 model over simulated TCP: the one decision in which a broken client
 * departs from the correct one, seen on the wire or in the client's state.
 */

import { describe, expect, it } from 'vitest';
import { findConn } from '../../../sim/net/sockets.ts';
import { readable } from '../../../sim/tcp/tcb.ts';
import type { RunOutcome } from '../../../src/scenario/index.ts';
import { LOGIN, repliesOf, runClients, sent, sentText, state } from './helpers.ts';

const TYPE_I = { do: 'type', type: 'I' } as const;

/** Seq number of the first trace entry that matches. */
function at(o: RunOutcome, test: (e: RunOutcome['world']['trace'][number]) => boolean): number {
  const e = o.world.trace.find(test);
  if (e === undefined) throw new Error('no such entry');
  return e.seq;
}
const replyAt = (o: RunOutcome, code: number, step?: number) =>
  at(o, (e) => e.kind === 'client-reply' && e.code === code && (step === undefined || e.step === step));
const finArrives = (o: RunOutcome, conn: string) =>
  at(o, (e) => e.kind === 'seg-recv' && e.conn === conn && (e.seg.flags & 0x01) !== 0);
const stepDone = (o: RunOutcome, index: number) =>
  at(o, (e) => e.kind === 'client-step' && e.index === index && e.phase === 'done');

describe('correct', () => {
  it('takes 125 and 150 alike as the preliminary reply', () => {
    const o = runClients([
      {
        name: 'c',
        host: 'client',
        script: [
          LOGIN,
          TYPE_I,
          { do: 'retr', path: 'small.txt' },
          { do: 'retr', path: 'small.txt', commandDelay: '5ms' },
        ],
      },
    ]);
    const s = state(o);
    expect(s.results.map((r) => r.prelim)).toEqual([150, 125]);
    expect(s.verdict).toBe('completed');
    expect(s.results.map((r) => new TextDecoder().decode(r.bytes!))).toEqual([
      'hello, world\r\n',
      'hello, world\r\n',
    ]);
  });

  it('ends a download when both the 226 and the data EOF are in, whichever comes first', () => {
    const script = [LOGIN, TYPE_I, { do: 'retr', path: 'big.bin' } as const];
    // FTP 7.5: the 226 overtakes the end of the data; iis6: the data ends, then the 226.
    for (const [profile, first] of [
      ['ftp75', '226'],
      ['iis6', 'FIN'],
    ] as const) {
      const o = runClients([{ name: 'c', host: 'client', script }], {}, profile);
      const data = state(o).data[0]!;
      const r226 = replyAt(o, 226, 2);
      const fin = finArrives(o, data);
      expect(first === '226' ? r226 < fin : fin < r226).toBe(true);
      expect(stepDone(o, 2)).toBeGreaterThan(Math.max(r226, fin));
      expect(state(o).results[0]!.count).toBe(200_000);
    }
  });
});

describe('expects-150 (node-ftp PR #41)', () => {
  const script = [LOGIN, TYPE_I, { do: 'retr', path: 'small.txt', commandDelay: '5ms' } as const];

  it('leaves a 125 unread at the head of its queue and never reads the data: hung', () => {
    const o = runClients([{ name: 'c', host: 'client', model: 'expects-150', script }], {
      limits: { until: '10s' },
    });
    const s = state(o);
    expect(s.verdict).toBe('hung');
    expect(s.queue.map((r) => r.code)).toEqual([125, 226]);
    const conn = findConn(o.world, s.data[0]!)!;
    expect(readable(conn.tcb)).toBe(14); // 'hello, world\r\n', never read
    expect(conn.tcb.state).toBe('CLOSE-WAIT');
  });

  it('works where the server says 150 (iis6)', () => {
    const o = runClients([{ name: 'c', host: 'client', model: 'expects-150', script }], {}, 'iis6');
    expect(state(o).verdict).toBe('completed');
    expect(state(o).results[0]!.prelim).toBe(150);
  });
});

describe('closes-data-on-226 (lwftp PR #10)', () => {
  it('aborts the data connection on the 226, before the FIN arrives: truncated', () => {
    const o = runClients([
      {
        name: 'c',
        host: 'client',
        model: 'closes-data-on-226',
        reader: { bytes: 4096, every: '1ms' },
        script: [LOGIN, TYPE_I, { do: 'retr', path: 'big.bin' }],
      },
    ]);
    const s = state(o);
    const data = s.data[0]!;
    const rst = at(o, (e) => e.kind === 'seg-send' && e.conn === data && (e.seg.flags & 0x04) !== 0);
    expect(rst).toBeGreaterThan(replyAt(o, 226, 2));
    expect(
      o.world.trace.some((e) => e.kind === 'seg-recv' && e.conn === data && (e.seg.flags & 0x01) !== 0),
    ).toBe(false);
    expect(s.verdict).toBe('truncated');
    expect(s.results[0]!.truncated).toBe(true);
    expect(s.results[0]!.count).toBeLessThan(200_000);
  });

  it('the correct client with the same slow reader gets every byte', () => {
    const o = runClients([
      {
        name: 'c',
        host: 'client',
        reader: { bytes: 4096, every: '1ms' },
        script: [LOGIN, TYPE_I, { do: 'retr', path: 'big.bin' }],
      },
    ]);
    expect(state(o).verdict).toBe('completed');
    expect(state(o).results[0]!.count).toBe(200_000);
  });
});

describe('reads-control-first (curl #12823)', () => {
  /** The run of a 20,000-byte RETR, and the windows the client advertised on the data connection before the 226. */
  function mid(model: 'correct' | 'reads-control-first'): { o: RunOutcome; windows: number[] } {
    const o = runClients([
      { name: 'c', host: 'client', model, script: [LOGIN, TYPE_I, { do: 'retr', path: 'mid.bin' }] },
    ]);
    const data = state(o).data[0]!;
    const r226 = replyAt(o, 226, 2);
    const windows = o.world.trace.flatMap((e) =>
      e.kind === 'seg-send' && e.conn === data && e.seq < r226 && (e.seg.flags & 0x02) === 0
        ? [e.seg.wnd]
        : [],
    );
    return { o, windows };
  }

  it('reads nothing before the final reply: each ACK offers less window', () => {
    const { windows } = mid('reads-control-first');
    expect(windows.length).toBeGreaterThan(1);
    expect(windows.every((x, i) => i === 0 || x < windows[i - 1]!)).toBe(true);
  });

  it("takes FTP 7.5's early 226 as the end: reads what has arrived, aborts the rest: truncated", () => {
    const { o } = mid('reads-control-first');
    expect(state(o).verdict).toBe('truncated');
    expect(state(o).results[0]!.count).toBeLessThan(20_000);
  });

  it('the correct client reads as the data comes (never a segment short) and gets it all', () => {
    const { o, windows } = mid('correct');
    expect(Math.min(...windows)).toBeGreaterThanOrEqual(65535 - 1460);
    expect(state(o).results[0]!.count).toBe(20_000);
  });

  it('hangs when the file does not fit the window: the server never finishes, no 226', () => {
    const o = runClients(
      [
        {
          name: 'c',
          host: 'client',
          model: 'reads-control-first',
          script: [LOGIN, TYPE_I, { do: 'retr', path: 'big.bin' }],
        },
      ],
      { limits: { until: '10s' } },
    );
    expect(state(o).verdict).toBe('hung');
    expect(repliesOf(o)).not.toContain(226);
  });
});

describe('keeps-old-data-open (KB 2505047 PASV note)', () => {
  const script = [
    LOGIN,
    TYPE_I,
    { do: 'retr', path: 'small.txt' } as const,
    { do: 'retr', path: 'small.txt' } as const,
  ];
  const firstFin = (o: RunOutcome) => {
    const first = state(o).data[0]!;
    return at(o, (e) => e.kind === 'seg-send' && e.conn === first && (e.seg.flags & 0x01) !== 0);
  };

  it('closes data connection #1 only after transfer #2 has completed (active mode, where nothing waits)', () => {
    const o = runClients([
      { name: 'c', host: 'client', model: 'keeps-old-data-open', mode: 'active', script },
    ]);
    expect(firstFin(o)).toBeGreaterThan(replyAt(o, 226, 3));
    expect(state(o).verdict).toBe('completed');
    // At the end of its script the program exits: the last data connection closes too.
    const last = state(o).data.at(-1)!;
    expect(
      at(o, (e) => e.kind === 'seg-send' && e.conn === last && (e.seg.flags & 0x01) !== 0),
    ).toBeGreaterThan(0);
  });

  it('the correct client closes #1 at its end, before it even asks for #2', () => {
    const o = runClients([{ name: 'c', host: 'client', mode: 'active', script }]);
    expect(firstFin(o)).toBeLessThan(replyAt(o, 200, 3));
  });

  it('deadlocks against FTP 7.5 until the data channel timeout: 425', () => {
    const o = runClients([{ name: 'c', host: 'client', model: 'keeps-old-data-open', script }]);
    expect(state(o).verdict).toBe('failed');
    expect(state(o).verdictCode).toBe(425);
    const t425 = o.world.trace[replyAt(o, 425, 3)]!.at;
    expect(t425).toBeGreaterThanOrEqual(30e9);
  });
});

describe('waits-for-150-before-upload (Far-NetBox #236)', () => {
  it('after a 125 it never writes its upload, and its own timeout ends it', () => {
    const o = runClients([
      {
        name: 'c',
        host: 'client',
        model: 'waits-for-150-before-upload',
        timeout: '2s',
        script: [LOGIN, TYPE_I, { do: 'stor', path: 'up.bin', data: { size: 1000 }, commandDelay: '5ms' }],
      },
    ]);
    const s = state(o);
    expect(s.results).toEqual([]);
    expect(sent(o, s.data[0]!).every((x) => x.endsWith(' 0'))).toBe(true);
    expect(s.verdict).toBe('failed');
    expect(s.verdictDetail).toMatch(/^timed out after 2s waiting in 'stor up.bin \(passive\)': got 125/);
  });

  it('after a 150 it uploads', () => {
    const o = runClients([
      {
        name: 'c',
        host: 'client',
        model: 'waits-for-150-before-upload',
        script: [LOGIN, TYPE_I, { do: 'stor', path: 'up.bin', data: { size: 1000 } }],
      },
    ]);
    expect(state(o).results[0]!.prelim).toBe(150);
    expect(state(o).verdict).toBe('completed');
  });
});

describe('lf-line-endings (aioftp PR #5)', () => {
  it('ends its commands with LF alone, and FTP 7.5 answers 451', () => {
    const o = runClients([{ name: 'c', host: 'client', model: 'lf-line-endings', script: [LOGIN] }]);
    expect(sentText(o, state(o).ctrl!)).toBe('USER alice\n');
    expect(repliesOf(o)).toEqual([220, 451]);
  });
});

describe('low-data-port (KB 2505047)', () => {
  it('opens passive data connections from ports 1000-1023, one after the other', () => {
    const o = runClients(
      [
        {
          name: 'c',
          host: 'client',
          model: 'low-data-port',
          script: [LOGIN, { do: 'list' }, { do: 'list' }],
        },
      ],
      {},
      'iis6',
    );
    const ports = state(o).data.map((n) => o.world.trace.find((e) => e.kind === 'seg-send' && e.conn === n)!);
    expect(ports.map((e) => (e.kind === 'seg-send' ? e.seg.src.port : 0))).toEqual([1000, 1001]);
  });

  it('listens on a port below 1024 in active mode: PORT ...,3,232', () => {
    const o = runClients([
      { name: 'c', host: 'client', model: 'low-data-port', mode: 'active', script: [LOGIN, { do: 'list' }] },
    ]);
    expect(sentText(o, state(o).ctrl!)).toContain('PORT 10,0,0,1,3,232\r\n');
  });
});
