/**
 * Runs the benchmark scenarios at full size and prints what they cost: wall and CPU time of the run, steps,
 * time per step, peak memory, and the simulated time at which the last flow or session finished (to compare
 * with ns-3's figures in /work/shared/peers/ns3/README.md). Not part of the test suite (minutes, not seconds):
 *
 *   npx tsx test/scenarios/bench-run.ts                    # all three
 *   npx tsx test/scenarios/bench-run.ts ftp-10k-sessions   # one
 *   npx tsx test/scenarios/bench-run.ts ftp-10k-sessions 2000   # the 10k one with 2,000 sessions
 */

import { ftpSessions } from '../../scenarios/bench/ftp-10k-sessions.ts';
import { bulk1 } from '../../scenarios/bench/tcp-bulk-1x10MB.ts';
import { bulkStar } from '../../scenarios/bench/tcp-bulk-100x1MB.ts';
import { formatMs } from '../../sim/time.ts';
import { clientNames } from '../../src/clients/ftp-client.ts';
import { lastSinkFinish } from '../../src/clients/tcp-apps.ts';
import {
  type RunOutcome,
  runScenario,
  type ScenarioInput,
  validateScenario,
} from '../../src/scenario/index.ts';

const BENCHES: Record<string, (n?: number) => ScenarioInput> = {
  'tcp-bulk-1x10MB': (n) => bulk1(n ?? 10_000_000),
  'tcp-bulk-100x1MB': (n) => bulkStar(n ?? 100, 1_000_000),
  'ftp-10k-sessions': (n) => ftpSessions(n ?? 10_000, 64 * 1024),
};

/** When the last sink saw its sender close, or the last client finished its script. */
function lastDone(o: RunOutcome): string {
  const last = lastSinkFinish(o.world);
  return last > 0 ? `last flow done at ${formatMs(last)}` : `${clientNames(o.world).length} clients`;
}

const [only, size] = process.argv.slice(2);
for (const [name, build] of Object.entries(BENCHES)) {
  if (only !== undefined && only !== name) continue;
  const s = validateScenario(build(size === undefined ? undefined : Number(size)), name);
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const o = runScenario(s);
  const wall = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const rss = process.memoryUsage().rss / 2 ** 20;
  const us = (wall * 1000) / o.world.steps;
  console.log(
    `${name}: ${o.passed ? 'PASS' : 'FAIL'} wall ${(wall / 1000).toFixed(2)} s, cpu ${((cpu.user + cpu.system) / 1e6).toFixed(2)} s, ` +
      `${o.world.steps} steps (${us.toFixed(1)} us/step), rss ${rss.toFixed(0)} MB, ${lastDone(o)}`,
  );
  for (const r of o.results) if (!r.passed) console.log(`  ✗ ${r.text}: ${r.detail ?? ''}`);
}
