/**
 * The shrinker on its own, with predicates that need no simulation: it finds the smallest plan that keeps a
 * failure, in a fixed order, within its run budget, and keeps the plan consistent as it cuts.
 */
import { describe, expect, it } from 'vitest';
import { generate } from '../../../src/fuzz/generate.ts';
import { type FuzzPlan, isTransfer, planSize } from '../../../src/fuzz/plan.ts';
import { candidates, shrink, tidy } from '../../../src/fuzz/shrink.ts';

/** A big plan: the first seed with many clients, files and faults. */
function bigPlan(): FuzzPlan {
  for (let seed = 0; ; seed++) {
    const p = generate(seed, { profile: 'ftp75', model: 'correct' });
    if (p.clients.length >= 5 && p.faults.length > 0 && p.files.some((f) => f.size > 5000)) return p;
  }
}

/** "Fails" while some client downloads a file of more than 1000 bytes. */
function downloadsBigFile(p: FuzzPlan): boolean {
  return p.clients.some((c) =>
    c.steps.some((s) => s.do === 'retr' && (p.files.find((f) => f.path === s.path)?.size ?? 0) > 1000),
  );
}

describe('shrink', () => {
  const plan = bigPlan();

  it('cuts a plan down to what the failure needs', () => {
    expect(downloadsBigFile(plan)).toBe(true);
    const r = shrink(plan, downloadsBigFile);
    expect(downloadsBigFile(r.plan)).toBe(true);
    expect(planSize(r.plan)).toMatchObject({ clients: 1, steps: 1, transfers: 1 });
    const [step] = r.plan.clients[0]!.steps;
    expect(step).toMatchObject({
      do: 'retr',
      mode: 'passive',
      port: null,
      reader: null,
      connectDelay: 0,
      commandDelay: 0,
    });
    // Halving stops at the boundary: one more halving would reach 1000 or below.
    const size = r.plan.files.find((f) => f.path === (step as { path: string }).path)!.size;
    expect(size).toBeGreaterThan(1000);
    expect(size >> 1).toBeLessThanOrEqual(1000);
    expect(r.plan.faults).toEqual([]);
    expect(r.plan.net).toEqual({
      latency: 0,
      jitter: 0,
      bandwidth: 0,
      loss: 0,
      duplicate: 0,
      reorder: 0,
      reorderDelay: 0,
    });
    expect(r.accepted).toBeGreaterThan(0);
  });

  it('is deterministic', () => {
    expect(shrink(plan, downloadsBigFile)).toEqual(shrink(plan, downloadsBigFile));
  });

  it('stops at its run budget, with the best plan so far', () => {
    const r = shrink(plan, downloadsBigFile, 3);
    expect(r.runs).toBe(3);
    expect(downloadsBigFile(r.plan)).toBe(true);
    expect(planSize(r.plan).clients).toBeLessThanOrEqual(plan.clients.length);
  });

  it('returns the plan itself when no smaller one fails', () => {
    const r = shrink(plan, (p) => p === plan);
    expect(r.plan).toBe(plan);
    expect(r.accepted).toBe(0);
  });

  it('offers only plans that differ from the original, and keeps each one consistent', () => {
    let n = 0;
    for (const c of candidates(plan)) {
      n++;
      expect(c).not.toEqual(plan);
      expect(tidy(c)).toEqual(c);
      const ports = new Set(
        c.clients
          .flatMap((x) => x.steps)
          .filter(isTransfer)
          .map((s) => s.port),
      );
      for (const f of c.faults) expect(ports.has(f.port)).toBe(true);
    }
    expect(n).toBeGreaterThan(plan.clients.length * 2);
  });

  it('drops the faults of a transfer it removes', () => {
    const fault = plan.faults[0]!;
    const owner = plan.clients.findIndex((c) => c.steps.some((s) => isTransfer(s) && s.port === fault.port));
    const cut = tidy({ ...plan, clients: plan.clients.filter((_, i) => i !== owner) });
    expect(cut.faults.some((f) => f.port === fault.port)).toBe(false);
  });
});
