/**
 * The fast path (session-fast.ts) against the general transition: for every input of a download and an
 * upload, `handle` and `handleByDraft` give equal servers (frozen alike) and equal outputs, and the fast path
 * takes exactly the mid-transfer chunk steps.
 */
import { describe, expect, it } from 'vitest';
import { fsFromEntries } from '../../../../src/ftp/fs.ts';
import type { FtpInput, FtpOutput, FtpServer } from '../../../../src/ftp/index.ts';
import { createServer, handle, handleByDraft } from '../../../../src/ftp/server.ts';
import { fastStep } from '../../../../src/ftp/session-fast.ts';
import { CLIENT, frozenShape, SERVER, USERS } from './driver.ts';

const enc = new TextEncoder();
const line = (text: string): FtpInput => ({ kind: 'control-bytes', session: 'a', bytes: enc.encode(text) });
const BIG = new Uint8Array(10_000).map((_, i) => i & 0xff);

/** Runs inputs, answering data-listen with data-listening and data-send with data-drained (the one reply at a time). */
function run(script: FtpInput[], t0 = 1): { fast: string[]; outputs: FtpOutput[] } {
  let server: FtpServer = createServer(
    { users: USERS, sendChunkBytes: 1024 },
    fsFromEntries({ 'big.bin': BIG }, 0),
  );
  const fast: string[] = [];
  const outputs: FtpOutput[] = [];
  const queue = [...script];
  let t = t0;
  for (let input = queue.shift(); input !== undefined; input = queue.shift()) {
    t += 1000;
    const byDraft = handleByDraft(server, input, t);
    const step = handle(server, input, t);
    expect(step.server).toEqual(byDraft.server);
    expect(frozenShape(step.server)).toEqual(frozenShape(byDraft.server));
    expect(step.outputs).toEqual(byDraft.outputs);
    if (fastStep(server, input, t) !== null) fast.push(input.kind);
    server = step.server;
    for (const o of step.outputs) {
      outputs.push(o);
      if (o.kind === 'data-listen') queue.unshift({ kind: 'data-listening', session: 'a', data: o.data });
      if (o.kind === 'data-send') queue.push({ kind: 'data-drained', session: 'a', data: o.data });
    }
  }
  return { fast, outputs };
}

const start: FtpInput[] = [
  { kind: 'control-opened', session: 'a', client: CLIENT, server: SERVER },
  line('USER bob\r\nPASS secret\r\nTYPE I\r\nPASV\r\n'),
];
const accepted: FtpInput = {
  kind: 'data-accepted',
  session: 'a',
  data: 1,
  remote: { addr: CLIENT.addr, port: 40100 },
};

describe('the fast path gives what the draft gives', () => {
  it('a download: a drained chunk takes the fast path unless the next chunk is the last', () => {
    const r = run([...start, line('RETR big.bin\r\n'), accepted]);
    const sent = r.outputs.filter((o) => o.kind === 'data-send');
    expect(sent).toHaveLength(10);
    // The first chunk goes out with the 150; chunks 2-9 on drains; the 10th (then FIN, 226) by the draft.
    expect(r.fast).toEqual(Array(8).fill('data-drained'));
    expect(r.outputs.some((o) => o.kind === 'control-write' && o.code === 226)).toBe(true);
  });

  it('an upload: every received chunk takes the fast path; bytes before the command do not', () => {
    const chunk = (n: number): FtpInput => ({
      kind: 'data-bytes',
      session: 'a',
      data: 1,
      bytes: BIG.subarray(n * 100, n * 100 + 100),
    });
    const r = run([
      ...start,
      accepted,
      chunk(0),
      line('STOR up.bin\r\n'),
      chunk(1),
      chunk(2),
      { kind: 'data-peer-closed', session: 'a', data: 1 },
    ]);
    expect(r.fast).toEqual(['data-bytes', 'data-bytes']);
    const log = r.outputs.flatMap((o) => (o.kind === 'log' && o.entry.method === 'STOR' ? [o.entry] : []));
    expect(log[0]?.bytesRecv).toBe(300);
  });

  it('a drained chunk of another data connection, or of no session, is left to the general path', () => {
    const server = createServer();
    expect(fastStep(server, { kind: 'data-drained', session: 'x', data: 1 }, 5)).toBeNull();
  });
});
