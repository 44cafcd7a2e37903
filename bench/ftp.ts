/**
 * Scale benchmark: scenarios/bench/ftp-10k-sessions, 10,000 concurrent FTP sessions against one server (each:
 * login, PASV, LIST, RETR of 64 KB, QUIT) over 1 ms paths, as `netstep run --view none` runs it. Prints wall
 * time, events per second and peak memory. Goal: under 10 s and under 1 GB on a 2-core machine.
 */
import { ftpSessions } from '../scenarios/bench/ftp-10k-sessions.ts';
import { runWorkload } from './tcp.ts';
import { mb, report } from './util.ts';

export function ftpBench(): void {
  runWorkload(ftpSessions(500, 64 * 1024)); // warm up the JIT
  const sessions = Number(process.env.NETSTEP_BENCH_SESSIONS ?? 10_000);
  const r = runWorkload(ftpSessions(sessions, 64 * 1024));
  report(`ftp-10k-sessions (${sessions} sessions)`, [
    [
      'wall (build + run)',
      `${r.wall.toFixed(2)} s  (goal < 10 s)${r.passed ? '' : '  (expectations FAILED)'}`,
    ],
    ['events', `${r.events}`],
    ['events per second', `${Math.round(r.events / r.wall)}`],
    ['peak RSS', `${mb(r.rss)}  (goal < 1 GB)`],
  ]);
}

if (import.meta.url === `file://${process.argv[1]}`) ftpBench();
