import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../sim/errors.ts';
import { World } from '../../../sim/world.ts';
import { runMain } from '../../../src/cli/run.ts';
import { jsonLines } from '../../../src/views/json.ts';
import { LADDER_LEGEND } from '../../../src/views/ladder.ts';
import { capturePcap } from '../../../src/views/pcap.ts';
import { stripAnsi, textWidth } from '../../../src/views/text.ts';
import { w3cLogLines } from '../../../src/views/w3c-log.ts';
import { mermaidProblems } from '../views/mermaid-syntax.ts';
import { ftpDownload } from '../views/worlds.ts';
import { type FakeScenario, fakeApi, memoryIo } from './fake-runner.ts';

async function run(args: string[], o: { isTTY?: boolean; env?: Record<string, string> } = {}) {
  const m = memoryIo(o);
  const api = fakeApi();
  const code = await runMain(args, m.io, api);
  return { code, ...m, runs: api.runs };
}

async function usageError(args: string[]): Promise<string> {
  const m = memoryIo();
  const api = fakeApi();
  const p = runMain(args, m.io, api);
  await expect(p).rejects.toBeInstanceOf(UsageError);
  expect(api.runs, 'nothing runs on bad input').toEqual([]);
  return (await p.catch((e: Error) => e.message)) as string;
}

/** A benchmark-like scenario: no trace unless asked for, and an expectation that fails. */
const QUIET: FakeScenario = {
  name: 'quiet',
  about: 'Many sessions, read from the final state.',
  hosts: [{ name: 'server', addr: '10.0.0.1' }],
  trace: false,
  run: () => new World({ trace: false }),
  check: () => [{ text: 'all sessions complete', passed: false, detail: '0 of 3 completed' }],
};

async function runQuiet(args: string[]) {
  const m = memoryIo();
  const api = fakeApi();
  const file = '/nonexistent/quiet.json';
  const quiet = {
    ...api,
    findBundled: async (id: string) => (id === 'bench/quiet' ? file : api.findBundled!(id)),
    loadScenario: async (f: string) => (f === file ? QUIET : api.loadScenario(f)),
  };
  const code = await runMain(args, m.io, quiet);
  return { code, ...m, runs: api.runs };
}

describe('netstep run: what is traced', () => {
  it('records the trace for a view or a capture, and otherwise as the scenario says', async () => {
    expect((await run(['kb/download', '--view', 'none'])).runs[0]!.settings.trace).toBe(true);
    expect((await runQuiet(['bench/quiet', '--view', 'none'])).runs[0]!.settings.trace).toBe(false);
    expect((await runQuiet(['bench/quiet', '--view', 'ladder'])).runs[0]!.settings.trace).toBe(true);
    expect(
      (await runQuiet(['bench/quiet', '--view', 'none', '--pcap', '/tmp/q.pcap'])).runs[0]!.settings.trace,
    ).toBe(true);
  });

  it('a failure in an untraced run says that no trace was recorded and how to get one', async () => {
    const r = await runQuiet(['bench/quiet', '--view', 'none']);
    expect(r.code).toBe(1);
    expect(r.stdout).toEqual([
      'FAIL bench/quiet (ftp75, seed 1): 1 of 1 expectations failed',
      '  ✗ all sessions complete: 0 of 3 completed',
      '',
      '  ✗ all sessions complete',
      '  no trace was recorded (the scenario sets trace: false); --view ladder or json records one',
    ]);
  });
});

describe('netstep run: verdicts and exit codes', () => {
  it('passes with exit code 0 and one verdict line, printing no view when not on a terminal', async () => {
    const r = await run(['kb/download']);
    expect(r.code).toBe(0);
    expect(r.stdout).toEqual(['PASS kb/download (ftp75, seed 1): its expectation holds']);
    expect(r.stderr).toEqual([]);
  });

  it('prints the ladder by default on a terminal, in colour, and without colour under NO_COLOR', async () => {
    const tty = await run(['kb/download'], { isTTY: true });
    expect(tty.stdout.length).toBeGreaterThan(50);
    expect(tty.stdout.join('\n')).toContain('\u001b[');
    const plain = await run(['kb/download'], { isTTY: true, env: { NO_COLOR: '1' } });
    expect(plain.stdout.join('\n')).not.toContain('\u001b[');
    expect(plain.stdout).toEqual(tty.stdout.map(stripAnsi));
    expect(plain.stdout.slice(0, LADDER_LEGEND.length)).toEqual(LADDER_LEGEND);
  });

  it('fails with exit code 1, every expectation marked, and the trace around each failure', async () => {
    const r = await run(['races/wants-125']);
    expect(r.code).toBe(1);
    expect(r.stdout[0]).toBe('FAIL races/wants-125 (ftp75, seed 1): 2 of 3 expectations failed');
    expect(r.stdout.slice(1, 4)).toEqual([
      '  ✓ the server replies 230',
      '  ✗ the server replies 125 to RETR: it replied 150',
      '  ✗ the server replies 999: never',
    ]);
    // The failure with an entry: the ladder around it, that entry marked (an FTP reply, which the ladder
    // itself does not draw, gets a line of its own).
    const marked = r.stdout.filter((l) => l.startsWith('▸'));
    expect(marked).toHaveLength(1);
    expect(marked[0]).toMatch(/^▸ +\d+\.\d{3} {2}server: reply 150 Opening ASCII mode data connection\.$/);
    const at = r.stdout.indexOf(marked[0]!);
    expect(r.stdout.slice(at - 12, at).some((l) => l.includes('"RETR a.txt↵"'))).toBe(true);
    // The failure without an entry: the end of the FTP conversation.
    expect(r.stdout).toContain('  ✗ the server replies 999');
    expect(r.stdout).toContain('  the end of the FTP conversation:');
    for (const l of r.stdout) expect(textWidth(l), l).toBeLessThanOrEqual(100);
  });

  it('runs several scenarios in turn, a verdict each and a count, failing if one fails', async () => {
    const r = await run(['kb/download', 'tcp/bulk', 'races/wants-125']);
    expect(r.code).toBe(1);
    expect(r.stdout.filter((l) => /^(PASS|FAIL) /.test(l))).toEqual([
      'PASS kb/download (ftp75, seed 1): its expectation holds',
      'PASS tcp/bulk (ftp75, seed 1): its expectation holds',
      'FAIL races/wants-125 (ftp75, seed 1): 2 of 3 expectations failed',
    ]);
    expect(r.stdout.at(-1)).toBe('2 of 3 scenarios passed');
    expect(r.runs.map((x) => x.name)).toEqual(['download', 'bulk', 'wants-125']);
  });

  it('hands the seed and profile to the runner, and asks for a trace without history', async () => {
    const r = await run(['kb/download', '--seed', '42', '--profile', 'iis6']);
    expect(r.runs[0]!.settings).toEqual({ seed: '42', profile: 'iis6', trace: true, history: false });
    expect(r.stdout[0]).toBe('PASS kb/download (iis6, seed 42): its expectation holds');
  });
});

describe('netstep run: views', () => {
  it('--view json writes the trace as JSON Lines alone on standard output, the verdict on standard error', async () => {
    const r = await run(['kb/download', '--view', 'json']);
    expect(r.stdout).toEqual(jsonLines(ftpDownload().trace));
    expect(r.stderr).toEqual(['PASS kb/download (ftp75, seed 1): its expectation holds']);
  });

  it("--view log writes the FTP server's W3C log", async () => {
    const r = await run(['kb/download', '--view', 'log']);
    expect(r.stdout).toEqual(w3cLogLines(ftpDownload().trace, 'server'));
  });

  it('--view mermaid writes a well-formed diagram, and --ftp-only makes it the FTP conversation', async () => {
    const all = await run(['kb/download', '--view', 'mermaid']);
    expect(mermaidProblems(all.stdout)).toEqual([]);
    const ftp = await run(['kb/download', '--view', 'mermaid', '--ftp-only']);
    expect(mermaidProblems(ftp.stdout)).toEqual([]);
    expect(ftp.stdout.length).toBeLessThan(all.stdout.length);
    expect(ftp.stdout.filter((l) => /^ {4}client->>server: \d+\.\d{3} RETR a\.txt$/.test(l))).toHaveLength(1);
  });

  it('--view ladder with --hosts, --from, --to and --width', async () => {
    const r = await run([
      'kb/download',
      '--view',
      'ladder',
      '--hosts',
      'server',
      '--from',
      '10ms',
      '--to',
      '12ms',
      '--width',
      '80',
    ]);
    const lines = r.stdout.slice(LADDER_LEGEND.length + 1, -1);
    expect(lines.length).toBeGreaterThan(3);
    for (const l of lines) {
      const ms = Number(l.slice(0, 10));
      expect(ms).toBeGreaterThanOrEqual(10);
      expect(ms).toBeLessThanOrEqual(12);
      expect(textWidth(l)).toBeLessThanOrEqual(80);
    }
  });

  it('--view none prints the verdict only, even on a terminal', async () => {
    const r = await run(['kb/download', '--view', 'none'], { isTTY: true, env: { NO_COLOR: '1' } });
    expect(r.stdout).toEqual(['PASS kb/download (ftp75, seed 1): its expectation holds']);
  });
});

describe('netstep run --pcap', () => {
  it("writes what the FTP server's host saw, by default", async () => {
    const r = await run(['kb/download', '--pcap', 'out.pcap']);
    expect(Buffer.from(r.files.get('out.pcap')!)).toEqual(
      Buffer.from(capturePcap(ftpDownload().trace, 'server').bytes),
    );
    expect(r.stderr).toEqual([expect.stringMatching(/^wrote out\.pcap: \d+ frames seen at server$/)]);
  });

  it('or what --pcap-host saw', async () => {
    const r = await run(['kb/download', '--pcap', 'c.pcap', '--pcap-host', 'client']);
    expect(Buffer.from(r.files.get('c.pcap')!)).toEqual(
      Buffer.from(capturePcap(ftpDownload().trace, 'client').bytes),
    );
  });

  it('says which file it could not write, as bad input', async () => {
    const m = memoryIo();
    await expect(runMain(['kb/download', '--pcap', '/unwritable/x.pcap'], m.io, fakeApi())).rejects.toThrow(
      /^--pcap: cannot write \/unwritable\/x\.pcap: EACCES/,
    );
  });
});

describe('netstep run: bad input is exit code 2, says what and where, and runs nothing', () => {
  it.each([
    [['kb/download', '--bogus'], /^Unknown option '--bogus'$/],
    [['kb/download', '--seed'], /--seed.*argument missing/],
    [[], /name at least one scenario/],
    [
      ['kb/download', '--view', 'ladders'],
      /--view takes one of ladder, mermaid, json, log, none, not 'ladders'/,
    ],
    [['kb/download', '--profile', 'iis7'], /--profile takes one of ftp75, iis6, not 'iis7'/],
    [
      ['kb/downlaod'],
      /no scenario file or bundled scenario named 'kb\/downlaod'; did you mean 'kb\/download'\?/,
    ],
    [
      ['kb/download', '--pcap', 'x.pcap', '--pcap-host', 'router'],
      /--pcap-host: kb\/download has no host named 'router' \(its hosts are client, server\)/,
    ],
    [['kb/download', '--pcap-host', 'client'], /--pcap-host needs --pcap FILE/],
    [['kb/download', '--hosts', 'client,nobody'], /--hosts \(kb\/download\): no host named 'nobody'/],
    [['kb/download', '--from', '5'], /bad duration.*--from/],
    [['kb/download', '--from', '5ms', '--to', '1ms'], /--to is before --from/],
    [['kb/download', '--width', '20'], /--width takes a whole number from 60 to 1000, not '20'/],
    [
      ['kb/download', 'tcp/bulk', '--view', 'json'],
      /--view json describes one run: give one scenario, not 2/,
    ],
    [['kb/download', 'tcp/bulk', '--pcap', 'a.pcap'], /--pcap describes one run/],
    [['tcp/bulk', 'kb/nothing'], /no scenario file or bundled scenario named 'kb\/nothing'/],
  ])('%j', async (args, message) => {
    expect(await usageError(args)).toMatch(message);
  });

  it('--help prints the options and exits 0', async () => {
    const r = await run(['--help']);
    expect(r.code).toBe(0);
    const help = r.stdout.join('\n');
    for (const option of [
      '--seed',
      '--profile',
      '--view',
      '--hosts',
      '--ftp-only',
      '--from',
      '--to',
      '--width',
      '--pcap',
      '--pcap-host',
    ]) {
      expect(help).toContain(option);
    }
    for (const l of r.stdout) expect(textWidth(l)).toBeLessThanOrEqual(110);
  });
});
