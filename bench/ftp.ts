/**
 * Scale benchmark: scenarios/bench/ftp-10k-sessions, 10,000 concurrent FTP sessions against one server (each:
 * login, PASV, LIST, RETR of 64 KB, QUIT) over 1 ms paths, as `netstep run --view none` runs it. Prints wall
 * time, events per second and peak memory. Goal: under 10 s and under 1 GB on a 2-core machine.
 *
 * Two figures: the run itself in this process (after a smaller run has let the JIT compile the hot paths),
 * and the whole `netstep run --view none` command from a cold start (node, loading the TypeScript sources,
 * the run, the verdict), timed as a child process; python3's getrusage gives that child's peak memory.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { ftpSessions } from '../scenarios/bench/ftp-10k-sessions.ts';
import { runWorkload } from './tcp.ts';
import { mb, report } from './util.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** Runs `netstep run scenarios/bench/ftp-10k-sessions.ts --view none` as a user would; wall s and peak RSS. */
function wholeCommand(): { wall: number; rss: number; exit: number } | { missing: string } {
  const script = [
    'import resource, subprocess, sys, time',
    't = time.monotonic()',
    'r = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL)',
    'w = time.monotonic() - t',
    'print(w, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, r.returncode)',
  ].join('\n');
  const cmd = ['bin/netstep.js', 'run', 'scenarios/bench/ftp-10k-sessions.ts', '--view', 'none'];
  const r = spawnSync('python3', ['-c', script, ...cmd], { cwd: ROOT, encoding: 'utf8' });
  if (r.error !== undefined || r.status !== 0)
    return { missing: `python3 could not run it: ${r.error ?? r.stderr}` };
  const [wall, kb, exit] = r.stdout.trim().split(/\s+/).map(Number);
  return { wall: wall!, rss: kb! * 1024, exit: exit! };
}

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
  if (sessions !== 10_000) return;
  const c = wholeCommand();
  report('netstep run scenarios/bench/ftp-10k-sessions.ts --view none (the whole command, cold)', [
    'missing' in c
      ? ['not run', c.missing]
      : [
          'wall, peak RSS',
          `${c.wall.toFixed(2)} s, ${mb(c.rss)}${c.exit === 0 ? '' : `  (exit code ${c.exit})`}`,
        ],
  ]);
}

if (import.meta.url === `file://${process.argv[1]}`) ftpBench();
