/** Small helpers for the benchmarks: wall-clock timing (benchmarks may read the clock), peak memory, a report table. */

import { readFileSync, writeFileSync } from 'node:fs';

/** Seconds of wall time that fn takes: the best of `runs` runs, to keep the machine's noise out. */
export function time(fn: () => void, runs = 3): number {
  let best = Number.POSITIVE_INFINITY;
  for (let i = 0; i < runs; i++) {
    const t0 = process.hrtime.bigint();
    fn();
    const s = Number(process.hrtime.bigint() - t0) / 1e9;
    if (s < best) best = s;
  }
  return best;
}

export function report(title: string, rows: ReadonlyArray<readonly [string, string]>): void {
  const width = Math.max(...rows.map(([k]) => k.length));
  console.log(`\n== ${title}`);
  for (const [k, v] of rows) console.log(`  ${k.padEnd(width)}  ${v}`);
}

export function mb(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/**
 * Peak memory: the process's resident-set high-water mark, which `resetPeakRss()` sets back to the current
 * size first (Linux: /proc/self/clear_refs), so that a figure is the peak of one workload, not of whatever
 * ran before it in this process. Where that is not possible, the peak since the process started.
 */
export function resetPeakRss(): void {
  try {
    writeFileSync('/proc/self/clear_refs', '5');
  } catch {
    // not Linux, or not allowed: peakRss() then reports the peak since start
  }
}

export function peakRss(): number {
  try {
    const m = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync('/proc/self/status', 'utf8'));
    if (m !== null) return Number(m[1]) * 1024;
  } catch {
    // fall through
  }
  return process.resourceUsage().maxRSS * 1024;
}
