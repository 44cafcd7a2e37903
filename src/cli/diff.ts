/**
 * `netstep diff`: one scenario, one seed, run under iis6 (the FTP service before 7.5) and under ftp75,
 * side by side: the FTP commands and replies and the connection openings and closings at the server,
 * aligned, every difference marked. What FTP 7.5 changed, shown on one story.
 *
 * Exit code 0 when both runs meet their expectations, 1 when one does not (its failures are printed as
 * `netstep run` prints them), 2 on bad input.
 */

import { UsageError } from '../../sim/errors.ts';
import { LADDER_WIDTH } from '../views/ladder.ts';
import { alignEvents, diffEvents, sideBySideLines } from '../views/profile-diff.ts';
import { wrap } from '../views/text.ts';
import { ftpServerHosts } from '../views/trace-kinds.ts';
import {
  hostsOption,
  type Io,
  intOption,
  outputPaint,
  parseCommandLine,
  processIo,
  resolveScenario,
  type ScenarioApi,
  scenarioApi,
} from './args.ts';
import type { Command } from './main.ts';
import { verdictLines } from './run.ts';

const HELP = `usage: netstep diff <scenario> [options]

Runs the scenario twice with one seed, under profile iis6 (the FTP service before 7.5) and under ftp75, and
shows the two runs side by side: each FTP command and reply, and each SYN, FIN and RST the FTP server's
host received (→) or sent (←), aligned so that what both did shares a row. Marks: ≠ the runs differ here,
< only under iis6, > only under ftp75. Then each run's verdict.
Exit code: 0 both runs meet their expectations, 1 one does not, 2 bad input.

  --seed S        the seed of both runs (default: the scenario's own)
  --server HOST   whose events to compare (default: the FTP server's host)
  --width N       columns (default 100)`;

export const diffCommand: Command = {
  summary: 'one scenario under iis6 and ftp75, side by side',
  run: (args) => diffMain(args, processIo()),
};

export async function diffMain(args: readonly string[], io: Io, api?: ScenarioApi): Promise<number> {
  const { values, positionals } = parseCommandLine('diff', args, {
    seed: { type: 'string' },
    server: { type: 'string' },
    width: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) {
    io.out(HELP);
    return 0;
  }
  if (positionals.length !== 1) {
    throw new UsageError(
      `name one scenario to compare, not ${positionals.length === 0 ? 'none' : positionals.length}`,
    );
  }
  const width = intOption(values.width, '--width', 60, 1000) ?? LADDER_WIDTH;
  const runner = api ?? (await scenarioApi());
  const { file, label } = await resolveScenario(positionals[0]!, runner);
  const scenario = await runner.loadScenario(file);
  const chosen = hostsOption(
    values.server,
    scenario.hosts.map((h) => h.name),
    '--server',
  )?.[0];

  const run = (profile: 'iis6' | 'ftp75') =>
    runner.runScenario(scenario, {
      profile,
      trace: true,
      history: false,
      ...(values.seed !== undefined ? { seed: values.seed } : {}),
    });
  const before = run('iis6');
  const after = run('ftp75');
  const server =
    chosen ??
    ftpServerHosts(after.world.trace)[0] ??
    ftpServerHosts(before.world.trace)[0] ??
    scenario.hosts[0]?.name;
  if (server === undefined) throw new UsageError(`${label} has no hosts`);

  const { rows, exact } = alignEvents(
    diffEvents(before.world.trace, server),
    diffEvents(after.world.trace, server),
  );
  const colour = outputPaint(io);
  const header = [
    ...wrap(`netstep diff ${label} (seed ${after.seed}): iis6 on the left, ftp75 on the right`, width),
    ...wrap(scenario.about, width),
    ...wrap(
      `At host ${server}: FTP commands, replies, each connection's SYN, FIN, RST (→ toward it, ← from it);`,
      width,
    ),
    ...wrap(
      `■ each client's verdict. ≠ the runs differ, < only under iis6, > only under ftp75. ${width} columns.`,
      width,
    ),
    ...(exact ? [] : ['(long runs: rows are paired by position, not aligned)']),
  ];
  for (const line of header) io.out(colour('dim', line));
  io.out('');
  for (const line of sideBySideLines(rows, { width, leftTitle: 'iis6', rightTitle: 'ftp75', paint: colour }))
    io.out(line);
  const differ = rows.filter((r) => r.mark !== 'same').length;
  io.out('');
  io.out(
    differ === 0
      ? 'the two runs do the same things in the same order'
      : `${differ} of ${rows.length} rows differ`,
  );
  io.out('');
  for (const outcome of [before, after]) {
    for (const line of verdictLines(outcome, label, colour, width)) io.out(line);
  }
  return before.passed && after.passed ? 0 : 1;
}
