/**
 * Every bundled scenario (but the benchmarks, too slow here: see bench.test.ts) holds its expectations under
 * its own profile and under every profile its expectations speak of; and two runs with one seed give the same
 * trace, byte for byte, or the test names the first entry where they part.
 */

import { describe, expect, it } from 'vitest';
import type { TraceEntry } from '../../sim/trace.ts';
import { listBundled, loadScenario, runScenario, scenarioProfiles } from '../../src/scenario/index.ts';

const bundled = (await listBundled()).filter((b) => !b.id.startsWith('bench/'));

/** One JSON line per trace entry; payloads as hex, so that equal lines mean equal bytes. */
function traceLines(trace: readonly TraceEntry[]): string[] {
  return trace.map((e) =>
    JSON.stringify(e, (_k, v) => (v instanceof Uint8Array ? Buffer.from(v).toString('hex') : v)),
  );
}

function firstDifference(a: readonly string[], b: readonly string[]): string | null {
  const n = Math.max(a.length, b.length);
  for (let i = 0; i < n; i++) {
    if (a[i] !== b[i])
      return `entry #${i} differs:\n  first run:  ${a[i] ?? '(none)'}\n  second run: ${b[i] ?? '(none)'}`;
  }
  return null;
}

describe.each(bundled.map((b) => [b.id, b.file] as const))('%s', (_id, file) => {
  it('holds its expectations under every profile it speaks of', async () => {
    const s = await loadScenario(file);
    expect(s.expect.length).toBeGreaterThan(0);
    for (const profile of scenarioProfiles(s)) {
      const o = runScenario(s, { profile });
      const failed = o.results
        .filter((r) => !r.passed)
        .map((r) => `[${profile}] ${r.text}: ${r.detail ?? ''}`);
      expect(failed).toEqual([]);
    }
  });

  it('gives a byte-identical trace when run twice with one seed', async () => {
    const s = await loadScenario(file);
    const a = traceLines(runScenario(s).world.trace);
    const b = traceLines(runScenario(s).world.trace);
    expect(firstDifference(a, b)).toBeNull();
    expect(a.length).toBeGreaterThan(0);
  });
});

it('a different seed gives a different trace (the seed is used, and nothing else decides)', async () => {
  const s = await loadScenario(bundled.find((b) => b.id === 'tcp/lossy-transfer')!.file);
  const a = traceLines(runScenario(s, { seed: 1 }).world.trace);
  const b = traceLines(runScenario(s, { seed: 2 }).world.trace);
  expect(firstDifference(a, b)).not.toBeNull();
});
