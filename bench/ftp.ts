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

/** Runs of each measurement: the best is reported (the machine's noise only ever adds time), all are shown. */
const RUNS = Number(process.env.NETSTEP_BENCH_RUNS ?? 2);

export function ftpBench(): void {
  runWorkload(ftpSessions(500, 64 * 1024)); // warm up the JIT
  const sessions = Number(process.env.NETSTEP_BENCH_SESSIONS ?? 10_000);
  const runs = Array.from({ length: RUNS }, () => runWorkload(ftpSessions(sessions, 64 * 1024)));
  const r = runs.reduce((a, b) => (b.wall < a.wall ? b : a));
  const all = runs.map((x) => `${x.wall.toFixed(2)}`).join(', ');
  report(`ftp-10k-sessions (${sessions} sessions)`, [
    [
      'wall (build + run)',
      `${r.wall.toFixed(2)} s, best of ${all}  (goal < 10 s)${runs.every((x) => x.passed) ? '' : '  (expectations FAILED)'}`,
    ],
    ['events', `${r.events}`],
    ['events per second', `${Math.round(r.events / r.wall)}`],
    ['peak RSS', `${mb(Math.max(...runs.map((x) => x.rss)))}  (goal < 1 GB)`],
  ]);
  if (sessions !== 10_000) return;
  const cs = Array.from({ length: RUNS }, wholeCommand);
  const ok = cs.filter((c): c is { wall: number; rss: number; exit: number } => !('missing' in c));
  const missing = cs.find((c) => 'missing' in c);
  const best = ok.reduce<(typeof ok)[number] | undefined>(
    (a, b) => (a === undefined || b.wall < a.wall ? b : a),
    undefined,
  );
  report('netstep run scenarios/bench/ftp-10k-sessions.ts --view none (the whole command, cold)', [
    best === undefined
      ? ['not run', missing !== undefined && 'missing' in missing ? missing.missing : 'no runs']
      : [
          'wall, peak RSS',
          `${best.wall.toFixed(2)} s, best of ${ok.map((c) => c.wall.toFixed(2)).join(', ')}; ` +
            `${mb(Math.max(...ok.map((c) => c.rss)))}${ok.every((c) => c.exit === 0) ? '' : '  (a run failed)'}`,
        ],
  ]);
}

if (import.meta.url === `file://${process.argv[1]}`) ftpBench();
