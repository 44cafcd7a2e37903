/**
 * `netstep fuzz`: a seeded campaign of random FTP sessions under random faults, every run checked against the
 * invariants (src/fuzz/invariants/), the first failure of each invariant shrunk to a minimal scenario and
 * written under --out as a JSON scenario that `netstep run` replays. Exit 0 when every seed passes, 1 when
 * one fails, 2 for a bad option.
 *
 * The command line is where the wall clock is read (the progress bar, seeds per second) and where files are
 * written; the campaign itself is a pure function of its options.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { UsageError } from '../../sim/errors.ts';
import { MODEL_NAMES } from '../clients/behaviours.ts';
import type { Profile } from '../ftp/config.ts';
import { type CampaignReport, runCampaign } from '../fuzz/campaign.ts';
import type { Shrunk } from '../fuzz/jobs.ts';
import { defaultWorkers } from '../fuzz/pool.ts';
import { formatSeconds, ProgressBar } from '../fuzz/progress.ts';
import { replayName, replayScenario, verifyReplay } from '../fuzz/replay.ts';
import { parseShard } from '../fuzz/seeds.ts';
import type { Command } from './main.ts';

const HELP = `usage: netstep fuzz [--seeds N] [--seed-start S] [--client correct|<behaviour>] [--profile ftp75|iis6]
                    [--workers K] [--shard i/n] [--out DIR] [--json] [--no-shrink]

Runs N seeded random FTP sessions (1-20 clients each, random files, locks and network faults) against the
FTP server model and checks, on every run: the server never throws; every command gets exactly one final
reply; completed transfers move every byte; every connection closes once the run is idle; the W3C log
matches the replies and data connections; the client keeps its contract. The first failure of each
invariant is shrunk to a minimal scenario, written to DIR, that \`netstep run\` replays.

  --seeds N         seeds to run (default 200)
  --seed-start S    the first seed (default 0)
  --client MODEL    the client model (default correct), one of:
${wrap(MODEL_NAMES.join(', '), 88, '                    ')}
  --profile P       ftp75 (default) or iis6
  --workers K       worker threads (default: one per core, ${defaultWorkers()} here)
  --shard i/n       run only the seeds s with s mod n = i (0 <= i < n), to spread a campaign over machines
  --out DIR         where replay scenarios go (default fuzz-out)
  --json            print the summary as JSON
  --no-shrink       report failures without shrinking them

A seed always generates the same world, on any machine and with any number of workers.`;

/** Text wrapped at commas to `width` columns, each line indented. */
function wrap(text: string, width: number, indent: string): string {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line !== '' && indent.length + line.length + 1 + word.length > width) {
      lines.push(indent + line);
      line = word;
    } else line = line === '' ? word : `${line} ${word}`;
  }
  return [...lines, indent + line].join('\n');
}

/** What the command writes to, and its clock: the process's own, or a test's. */
export interface FuzzIo {
  out(line: string): void;
  /** The progress bar's terminal (stderr); its isTTY decides whether a bar is drawn. */
  readonly progress: { readonly isTTY?: boolean; readonly columns?: number; write(text: string): unknown };
  /** Wall-clock milliseconds. */
  now(): number;
  writeFile(path: string, text: string): void;
}

function processIo(): FuzzIo {
  return {
    out: (line) => console.log(line),
    progress: process.stderr,
    now: () => performance.now(),
    writeFile: (path, text) => {
      mkdirSync(join(path, '..'), { recursive: true });
      writeFileSync(path, text);
    },
  };
}

export const fuzzCommand: Command = {
  summary: 'seeded random sessions under faults, invariants checked, failures shrunk',
  run: (args) => fuzzMain(args, processIo()),
};

export async function fuzzMain(args: readonly string[], io: FuzzIo): Promise<number> {
  const { values } = options(args);
  if (values.help) {
    io.out(HELP);
    return 0;
  }
  const seeds = count(values.seeds, '--seeds', 200, 0);
  const seedStart = count(values['seed-start'], '--seed-start', 0, 0);
  const workers = count(values.workers, '--workers', defaultWorkers(), 1);
  const model = values.client ?? 'correct';
  if (!(MODEL_NAMES as readonly string[]).includes(model)) {
    throw new UsageError(`--client: '${model}' is not a client model (known: ${MODEL_NAMES.join(', ')})`);
  }
  const profile = (values.profile ?? 'ftp75') as Profile;
  if (profile !== 'ftp75' && profile !== 'iis6')
    throw new UsageError(`--profile: '${profile}' is not ftp75 or iis6`);
  const shard = parseShard(values.shard ?? '0/1');
  const out = values.out ?? 'fuzz-out';

  const bar = new ProgressBar(io.progress, () => io.now());
  const t0 = io.now();
  let last = { done: 0, total: 0, failures: 0 };
  const run = await runCampaign({
    seeds,
    seedStart,
    shard,
    model,
    profile,
    workers,
    shrink: values['no-shrink'] !== true,
    onProgress: (p) => {
      last = p;
      bar.update({ ...p, elapsed: (io.now() - t0) / 1000 });
    },
  });
  bar.done({ ...last, elapsed: (io.now() - t0) / 1000 });
  const seconds = (io.now() - t0) / 1000;
  const { report } = run;

  const written = report.shrunk.map((s) => {
    const scenario = replayScenario(s, { model });
    const file = join(out, replayName(s));
    io.writeFile(file, `${JSON.stringify(scenario, null, 2)}\n`);
    return { shrunk: s, file, replay: `netstep run ${file}`, check: verifyReplay(scenario) };
  });

  const timing = {
    workers,
    seconds: round(seconds, 3),
    seedsPerSecond: round(report.seeds.ran / Math.max(seconds, 1e-9), 1),
    eventsPerSecond: Math.round(report.events / Math.max(seconds, 1e-9)),
  };
  if (values.json) {
    io.out(
      JSON.stringify({
        ...report,
        shrunk: written.map(({ shrunk, file, replay, check }) => ({
          seed: shrunk.seed,
          invariant: shrunk.invariant,
          message: shrunk.violation.message,
          before: shrunk.before,
          after: shrunk.after,
          runs: shrunk.runs,
          file,
          replay,
          replayFails: check.fails,
        })),
        ...timing,
      }),
    );
  } else {
    for (const line of summaryLines(report, timing, written)) io.out(line);
  }
  return report.failed > 0 ? 1 : 0;
}

function options(args: readonly string[]) {
  try {
    return parseArgs({
      args: [...args],
      options: {
        seeds: { type: 'string' },
        'seed-start': { type: 'string' },
        client: { type: 'string' },
        profile: { type: 'string' },
        workers: { type: 'string' },
        shard: { type: 'string' },
        out: { type: 'string' },
        json: { type: 'boolean' },
        'no-shrink': { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    });
  } catch (e) {
    // node:util's parse errors (an unknown option, a missing value) are the user's: exit 2, no stack
    // (the command line adds the pointer to --help, as for every command).
    throw new UsageError((e as Error).message);
  }
}

function count(text: string | undefined, option: string, fallback: number, min: number): number {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(n) || n < min) {
    throw new UsageError(`${option}: expected a whole number >= ${min}, got '${text}'`);
  }
  return n;
}

function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

const LISTED = 20;

/** The human summary: what ran, what failed, and for each shrunk failure its file and replay command. */
export function summaryLines(
  r: CampaignReport,
  t: {
    readonly workers: number;
    readonly seconds: number;
    readonly seedsPerSecond: number;
    readonly eventsPerSecond: number;
  },
  written: ReadonlyArray<{
    readonly shrunk: Shrunk;
    readonly file: string;
    readonly replay: string;
    readonly check: { readonly fails: boolean; readonly detail: string };
  }>,
): string[] {
  const last = r.seeds.start + r.seeds.count - 1;
  const range = r.seeds.count === 0 ? 'no seeds' : `seeds ${r.seeds.start}-${last}`;
  const shard = r.seeds.shard === '0/1' ? '' : `, shard ${r.seeds.shard}`;
  const lines = [
    `netstep fuzz: ${range}${shard} (${r.seeds.ran} run), client ${r.client}, profile ${r.profile}, ${t.workers} worker${t.workers === 1 ? '' : 's'}`,
    `${r.passed} passed, ${r.failed} failed in ${formatSeconds(t.seconds)}: ${t.seedsPerSecond} seeds/s, ${r.events} events (${t.eventsPerSecond} events/s)`,
  ];
  if (r.failed === 0) return lines;
  const by = Object.entries(r.byInvariant).map(([k, n]) => `${k} ${n}`);
  lines.push(`failures by invariant: ${by.join(', ')}`);
  for (const f of r.failures.slice(0, LISTED)) lines.push(`  seed ${f.seed}  ${f.invariant}: ${f.message}`);
  if (r.failures.length > LISTED)
    lines.push(`  ... and ${r.failures.length - LISTED} more (--json lists them all)`);
  for (const w of written) {
    const s = w.shrunk;
    lines.push(
      '',
      `seed ${s.seed} (${s.invariant}) shrunk from ${s.before.clients} client(s), ${s.before.steps} step(s) to ` +
        `${s.after.clients} client(s), ${s.after.steps} step(s) in ${s.runs} runs:`,
      `  ${s.violation.message}`,
      `  wrote ${w.file}${w.check.fails ? '' : ' (note: its expectation holds on replay; the invariant fails there all the same)'}`,
      `  replay: ${w.replay}`,
    );
  }
  return lines;
}
