/**
 * The benchmark scenarios at small sizes: the same builders as scenarios/bench/, so a change that breaks a
 * benchmark breaks here in a second instead of in a minute-long run.
 */

import { describe, expect, it } from 'vitest';
import { ftpSessions } from '../../scenarios/bench/ftp-10k-sessions.ts';
import { bulk1 } from '../../scenarios/bench/tcp-bulk-1x10MB.ts';
import { bulkStar } from '../../scenarios/bench/tcp-bulk-100x1MB.ts';
import { runScenario, validateScenario } from '../../src/scenario/index.ts';

describe('benchmarks, small', () => {
  it.each([
    ['one bulk flow of 300 KB', () => bulk1(300_000)],
    ['five bulk flows of 100 KB into one server', () => bulkStar(5, 100_000)],
    ['twenty FTP sessions, 8 KB each', () => ftpSessions(20, 8192)],
  ])('%s', (_what, build) => {
    const o = runScenario(validateScenario(build(), 'bench'));
    expect(o.world.tracing).toBe(false);
    expect(o.results.filter((r) => !r.passed)).toEqual([]);
    expect(o.results.length).toBeGreaterThan(0);
  });

  it('a failing flow is reported: a sink that expects more than was sent', () => {
    const s = bulk1(10_000);
    const o = runScenario(validateScenario({ ...s, expect: [{ app: 'sink', received: 10_001 }] }, 'bench'));
    expect(o.results[0]).toMatchObject({ passed: false, detail: 'received 10000 bytes' });
  });
});
