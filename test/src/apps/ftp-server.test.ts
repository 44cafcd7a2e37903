import { describe, expect, it } from 'vitest';
import { flagNames } from '../../../sim/tcp/segment.ts';
import type { TraceEntry } from '../../../sim/trace.ts';
import { ftpLogLines } from '../../../src/apps/ftp-server.ts';
import { ftpWorld, login, type RawClient } from './ftp-world.ts';

/** A login, a PASV and a RETR of a 5,000-byte file, then the world run until nothing is left to do. */
function pasvRetr(trace: boolean): RawClient {
  const c = ftpWorld({ files: { 'f.bin': 'x'.repeat(5000) } }, '1ms', trace);
  login(c);
  c.send('PASV');
  c.until(227);
  const m = /,(\d+),(\d+)\)/.exec(c.replies.at(-1)!)!;
  c.dataConnect(Number(m[1]) * 256 + Number(m[2]));
  c.send('RETR f.bin');
  c.until(226);
  c.world.run();
  return c;
}

function firstIndex(trace: readonly TraceEntry[], pred: (e: TraceEntry) => boolean): number {
  return trace.findIndex(pred);
}

describe('the FTP 7.5 model over simulated TCP', () => {
  it('greets, logs in, and lists a directory over a passive data connection', () => {
    const c = ftpWorld({ files: { 'a.txt': 'hello', 'docs/': null } });
    login(c);
    c.send('PASV');
    c.until(227);
    const m = /\((\d+),(\d+),(\d+),(\d+),(\d+),(\d+)\)/.exec(c.replies.at(-1)!)!;
    const port = Number(m[5]) * 256 + Number(m[6]);
    const data = c.dataConnect(port);
    c.send('LIST');
    c.until(226);
    c.world.run();
    expect(c.replies[0]).toBe('220 Microsoft FTP Service');
    expect(c.replies).toContain('226 Transfer complete.');
    const listing = Buffer.concat(c.received.get(data) ?? []).toString('latin1');
    expect(listing).toMatch(/<DIR>\s+docs\r\n/);
    expect(listing).toMatch(/ 5 a\.txt\r\n/);
  });

  it('PORT: the SYN of the data connection leaves before the 200 reply (KB 2505047)', () => {
    const c = ftpWorld();
    login(c);
    c.dataListen(5000);
    c.send('PORT 10,0,0,1,19,136');
    c.until(200);
    const t = c.world.trace;
    const syn = firstIndex(
      t,
      (e) =>
        e.kind === 'seg-send' &&
        e.host === 'server' &&
        e.seg.dst.port === 5000 &&
        flagNames(e.seg.flags) === 'SYN',
    );
    const reply = firstIndex(t, (e) => e.kind === 'ftp-reply' && e.code === 200);
    expect(syn).toBeGreaterThan(0);
    expect(syn).toBeLessThan(reply);
    const synEntry = t[syn]!;
    expect(synEntry.kind === 'seg-send' && synEntry.seg.src.port).toBe(20);
  });

  it('RETR: 226 goes out before the data connection close handshake completes', () => {
    const c = pasvRetr(true);
    const t = c.world.trace;
    // The server closes the data connection (its FIN queues behind the last bytes) before it writes 226.
    const fin = firstIndex(
      t,
      (e) => e.kind === 'sock-call' && e.host === 'server' && e.conn.includes('/data#') && e.call === 'close',
    );
    const reply226 = firstIndex(t, (e) => e.kind === 'ftp-reply' && e.code === 226);
    const serverDataDone = firstIndex(
      t,
      (e) => e.kind === 'tcp-state' && e.host === 'server' && e.conn.includes('data') && e.to === 'TIME-WAIT',
    );
    expect(fin).toBeLessThan(reply226);
    expect(reply226).toBeLessThan(serverDataDone);
    expect(ftpLogLines(c.world, 'server').some((l) => / RETR f\.bin 226 0 0 /.test(l))).toBe(true);
  });
});

describe('a world without a trace', () => {
  /** What the client got from pasvRetr, and the world's clock at the end. */
  function retr(trace: boolean) {
    const c = pasvRetr(trace);
    return { replies: c.replies, received: [...c.received.values()], now: c.world.now };
  }

  it('serves exactly as a traced one: the model makes no trace notes there, and nothing else changes', () => {
    const traced = retr(true);
    // Run to the end: the 226, then the control channel's idle timeout.
    expect(traced.replies.slice(-2)).toEqual([
      '226 Transfer complete.',
      '421 Timeout (120 seconds): closing control connection.',
    ]);
    expect(retr(false)).toEqual(traced);
  });
});

describe('the adapter over simulated sockets', () => {
  it('an active connect to a 4-tuple still in TIME-WAIT fails locally and the transfer gets 425', () => {
    const c = ftpWorld();
    login(c);
    c.dataListen(5000);
    c.send('PORT 10,0,0,1,19,136');
    c.until(200);
    c.send('NLST');
    c.until(226);
    c.world.run({ until: c.world.now + 100_000_000 }); // the server's side of data#1 is now in TIME-WAIT
    c.send('PORT 10,0,0,1,19,136'); // the same client port again: server:20 -> client:5000 is taken
    c.until(200);
    c.send('NLST');
    c.until(425);
    expect(c.replies.at(-1)).toBe('425 Cannot open data connection.');
  });
});
