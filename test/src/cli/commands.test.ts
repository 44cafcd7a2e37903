import { afterEach, describe, expect, it, vi } from 'vitest';
import { UsageError } from '../../../sim/errors.ts';
import { diffMain } from '../../../src/cli/diff.ts';
import { listMain } from '../../../src/cli/list.ts';
import { main, usage } from '../../../src/cli/main.ts';
import { TOUR_LADDER, tourMain } from '../../../src/cli/tour.ts';
import { LADDER_LEGEND } from '../../../src/views/ladder.ts';
import { textWidth } from '../../../src/views/text.ts';
import { fakeApi, memoryIo } from './fake-runner.ts';

describe('netstep list', () => {
  it('lists every bundled scenario by its short name with its about line, grouped by folder', async () => {
    const m = memoryIo();
    expect(await listMain([], m.io, fakeApi())).toBe(0);
    expect(m.stdout).toEqual([
      'kb/download                   A passive download of one file.',
      'kb/port-handshake-before-200  The handshake comes first.',
      '',
      'races/wants-125               A client that wants 125 where the server says 150.',
      '',
      'tcp/bulk                      50,000 bytes over one connection.',
    ]);
  });

  it('takes no arguments and no options but --help', async () => {
    await expect(listMain(['kb'], memoryIo().io, fakeApi())).rejects.toThrow(/takes no arguments, got 'kb'/);
    await expect(listMain(['--all'], memoryIo().io, fakeApi())).rejects.toThrow(/Unknown option '--all'/);
    const m = memoryIo();
    expect(await listMain(['--help'], m.io, fakeApi())).toBe(0);
    expect(m.stdout[0]).toBe('usage: netstep list');
  });
});

describe('netstep diff', () => {
  it('runs the scenario under iis6 and ftp75 with one seed and shows them side by side in 100 columns', async () => {
    const m = memoryIo();
    const api = fakeApi();
    const code = await diffMain(['kb/download', '--seed', '5'], m.io, api);
    expect(code).toBe(0);
    expect(api.runs.map((r) => r.settings)).toEqual([
      { profile: 'iis6', seed: '5', trace: true, history: false },
      { profile: 'ftp75', seed: '5', trace: true, history: false },
    ]);
    expect(m.stdout[0]).toBe('netstep diff kb/download (seed 5): iis6 on the left, ftp75 on the right');
    for (const l of m.stdout) expect(textWidth(l), l).toBeLessThanOrEqual(100);
    // Both columns have the login, on the same rows.
    const user = m.stdout.find((l) => l.includes('→ USER anonymous'))!;
    expect(user.match(/→ USER anonymous/g)).toHaveLength(2);
    expect(m.stdout.filter((l) => /^(PASS|FAIL) /.test(l))).toEqual([
      'PASS kb/download (iis6, seed 5): its expectation holds',
      'PASS kb/download (ftp75, seed 5): its expectation holds',
    ]);
  });

  it('marks the rows where the profiles differ, and counts them', async () => {
    const m = memoryIo();
    await diffMain(['kb/download'], m.io, fakeApi());
    const rows = m.stdout.filter((l) => /^ +\d+\.\d{3} /.test(l) || /^ {48,}[<>≠]/.test(l));
    const marked = rows.filter((l) => ['≠', '<', '>'].includes(l[49]!));
    const summary = m.stdout.find((l) => / rows differ$|the two runs do the same/.test(l))!;
    if (marked.length === 0) expect(summary).toBe('the two runs do the same things in the same order');
    else expect(summary).toBe(`${marked.length} of ${rows.length} rows differ`);
  });

  it('exits 1 when a run misses its expectations, and 2 on bad input', async () => {
    expect(await diffMain(['races/wants-125'], memoryIo().io, fakeApi())).toBe(1);
    await expect(diffMain([], memoryIo().io, fakeApi())).rejects.toThrow(
      /name one scenario to compare, not none/,
    );
    await expect(diffMain(['a', 'b'], memoryIo().io, fakeApi())).rejects.toThrow(/not 2/);
    await expect(diffMain(['kb/download', '--server', 'x'], memoryIo().io, fakeApi())).rejects.toThrow(
      /--server: no host named 'x'/,
    );
    await expect(
      diffMain(['kb/download', '--profile', 'iis6'], memoryIo().io, fakeApi()),
    ).rejects.toBeInstanceOf(UsageError);
  });

  it('fits a narrower width when asked', async () => {
    const m = memoryIo();
    await diffMain(['kb/download', '--width', '72'], m.io, fakeApi());
    for (const l of m.stdout) expect(textWidth(l), l).toBeLessThanOrEqual(72);
  });
});

describe('netstep tour', () => {
  it('gives every KB scenario a verdict and shows the ladder of the PORT handshake', async () => {
    const m = memoryIo();
    const api = fakeApi();
    expect(await tourMain([], m.io, api)).toBe(0);
    expect(api.runs.map((r) => r.name)).toEqual(['download', 'port-handshake-before-200']);
    expect(m.stdout.slice(2, 4)).toEqual([
      ' ✓ kb/download                   A passive download of one file.',
      ` ✓ ${TOUR_LADDER}  The handshake comes first.`,
    ]);
    expect(m.stdout).toContain('All 2 KB scenarios pass.');
    const legend = m.stdout.indexOf(LADDER_LEGEND[0]!);
    expect(legend).toBeGreaterThan(0);
    expect(m.stdout.slice(legend).some((l) => l.includes('"227 Entering Passive Mode'))).toBe(true);
    for (const l of m.stdout) expect(textWidth(l), l).toBeLessThanOrEqual(100);
  });
});

describe('the command table', () => {
  afterEach(() => vi.restoreAllMocks());

  it('lists the commands with a line each, run first', () => {
    const text = usage();
    expect(text).toMatch(/\n {2}run {5}run scenarios/);
    for (const name of ['run', 'diff', 'list', 'tour']) expect(text).toContain(`\n  ${name} `);
  });

  it('turns bad input into exit code 2 and a message naming the command, without a stack trace', async () => {
    const errors: string[] = [];
    vi.spyOn(console, 'error').mockImplementation((m: string) => void errors.push(m));
    expect(await main(['list', '--bogus'])).toBe(2);
    expect(await main(['run', '--view', 'x', 'kb/download'])).toBe(2);
    expect(await main(['nope'])).toBe(2);
    expect(errors[0]).toBe("netstep list: Unknown option '--bogus'\n(netstep list --help lists the options)");
    expect(errors[1]).toMatch(
      /^netstep run: --view takes one of ladder, mermaid, json, log, none, not 'x'\n/,
    );
    expect(errors[2]).toMatch(/^netstep: unknown command 'nope'/);
    expect(errors.join('\n')).not.toMatch(/\n\s+at /);
  });
});
