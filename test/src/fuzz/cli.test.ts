/** `netstep fuzz` run in memory: its summary, its JSON, the replay files it writes, its progress bar, its errors. */
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../sim/errors.ts';
import { type FuzzIo, fuzzMain } from '../../../src/cli/fuzz.ts';
import { validateScenario } from '../../../src/scenario/validate.ts';

function memoryIo(tty = false) {
  const out: string[] = [];
  const progress: string[] = [];
  const files = new Map<string, string>();
  let clock = 0;
  const io: FuzzIo = {
    out: (line) => out.push(line),
    progress: { isTTY: tty, columns: 80, write: (t: string) => progress.push(t) },
    now: () => (clock += 50),
    writeFile: (path, text) => files.set(path, text),
  };
  return { io, out, progress, files };
}

describe('netstep fuzz', () => {
  it('summarises a clean campaign and exits 0', async () => {
    const m = memoryIo();
    expect(await fuzzMain(['--seeds', '3', '--workers', '1'], m.io)).toBe(0);
    expect(m.out[0]).toBe('netstep fuzz: seeds 0-2 (3 run), client correct, profile ftp75, 1 worker');
    expect(m.out[1]).toMatch(
      /^3 passed, 0 failed in \d+s: [\d.]+ seeds\/s, \d+ events \([\d.]+ events\/s\)$/,
    );
    expect(m.files.size).toBe(0);
    expect(m.progress).toEqual([]);
  });

  it('writes a replay scenario for a failure, prints its seed and the replay command, and exits 1', async () => {
    const m = memoryIo();
    const code = await fuzzMain(
      ['--seeds', '1', '--client', 'closes-data-on-226', '--workers', '1', '--out', 'found'],
      m.io,
    );
    expect(code).toBe(1);
    const text = m.out.join('\n');
    expect(text).toContain('failures by invariant: transfer-bytes 1');
    expect(text).toMatch(
      /seed 0 \(transfer-bytes\) shrunk from \d+ client\(s\), \d+ step\(s\) to 1 client\(s\), 2 step\(s\)/,
    );
    expect(text).toContain('replay: netstep run found/seed-0-transfer-bytes.json');
    const file = m.files.get('found/seed-0-transfer-bytes.json');
    expect(file).toBeDefined();
    const scenario = validateScenario(JSON.parse(file!), 'found/seed-0-transfer-bytes.json');
    expect(scenario.seed).toBe(0);
    expect(scenario.clients.map((c) => c.model)).toEqual(['closes-data-on-226']);
    expect(scenario.expect).toHaveLength(1);
    expect(scenario.expect[0]!.text).toMatch(/^fuzz invariant transfer-bytes: /);
  }, 60_000);

  it('prints a JSON summary with --json', async () => {
    const m = memoryIo();
    await fuzzMain(
      ['--seeds', '4', '--seed-start', '10', '--shard', '1/2', '--workers', '1', '--json', '--no-shrink'],
      m.io,
    );
    expect(m.out).toHaveLength(1);
    const s = JSON.parse(m.out[0]!);
    expect(s.seeds).toEqual({ start: 10, count: 4, shard: '1/2', ran: 2 });
    expect(s.client).toBe('correct');
    expect(s.passed + s.failed).toBe(2);
    expect(s.shrunk).toEqual([]);
    expect(typeof s.seedsPerSecond).toBe('number');
    expect(s.workers).toBe(1);
  });

  it('draws a progress bar on a terminal only', async () => {
    const m = memoryIo(true);
    await fuzzMain(['--seeds', '2', '--workers', '1', '--no-shrink'], m.io);
    expect(m.progress.some((t) => /^\r\[[#-]+\] {2}\d\/2 seeds/.test(t))).toBe(true);
    expect(m.progress.at(-1)).toBe('\n');
  });

  it.each([
    [['--shard', '2/2'], 'i counts from 0 and must be below n (2)'],
    [['--client', 'nope'], "--client: 'nope' is not a client model (known: correct, expects-150"],
    [['--seeds=-3'], "--seeds: expected a whole number >= 0, got '-3'"],
    [['--seeds', 'ten'], "--seeds: expected a whole number >= 0, got 'ten'"],
    [['--workers', '0'], "--workers: expected a whole number >= 1, got '0'"],
    [['--profile', 'iis7'], "--profile: 'iis7' is not ftp75 or iis6"],
    [['--colour'], "Unknown option '--colour'"],
  ])('rejects %j as a usage error', async (args, message) => {
    const m = memoryIo();
    const run = fuzzMain(args, m.io);
    await expect(run).rejects.toThrow(UsageError);
    await expect(fuzzMain(args, m.io)).rejects.toThrow(message);
  });

  it('explains itself with --help', async () => {
    const m = memoryIo();
    expect(await fuzzMain(['--help'], m.io)).toBe(0);
    expect(m.out[0]).toMatch(/^usage: netstep fuzz /);
  });
});
