/**
 * `netstep tour`, what `npm start` runs: every bundled scenario of KB 2505047 (scenarios/kb/) with a
 * one-line verdict, then the ladder of one of them, so that a first look at netstep shows both what it
 * checks and what a run looks like. Exit code 0 when every KB scenario passes, 1 otherwise.
 */

import { LADDER_WIDTH, ladderLines } from '../views/ladder.ts';
import { wrap } from '../views/text.ts';
import {
  type Io,
  noArguments,
  outputPaint,
  processIo,
  type ScenarioApi,
  scenarioApi,
  shortName,
} from './args.ts';
import type { Command } from './main.ts';
import { verdictLines } from './run.ts';

/** The scenario whose ladder the tour shows: FTP 7.5 completes the PORT handshake before its 200 reply. */
export const TOUR_LADDER = 'kb/port-handshake-before-200';

const HELP = `usage: netstep tour

Runs every bundled scenario of KB 2505047 (scenarios/kb/) with a one-line verdict each, then prints the
ladder of ${TOUR_LADDER}. This is what \`npm start\` runs.`;

export const tourCommand: Command = {
  summary: 'every KB 2505047 scenario with its verdict, and one ladder (npm start)',
  run: (args) => tourMain(args, processIo()),
};

export async function tourMain(args: readonly string[], io: Io, api?: ScenarioApi): Promise<number> {
  if (noArguments('tour', args, io, HELP)) return 0;
  const runner = api ?? (await scenarioApi());
  const kb = [...(await runner.listBundled())]
    .map((b) => ({ ...b, short: shortName(b.file) }))
    .filter((b) => b.short.startsWith('kb/'))
    .sort((a, b) => a.short.localeCompare(b.short));
  const colour = outputPaint(io);
  io.out(colour('strong', 'netstep: the IIS FTP 7.5 model against the behaviours of KB 2505047'));
  io.out('');
  const nameWidth = Math.max(0, ...kb.map((b) => b.short.length));
  let failed = 0;
  let shown: ReturnType<typeof runner.runScenario> | undefined;
  for (const b of kb) {
    const outcome = runner.runScenario(await runner.loadScenario(b.file), { trace: true, history: false });
    // A scenario's verdict and name on one line, what it shows beside them (the heading says KB 2505047).
    const mark = outcome.passed ? colour('ok', '✓') : colour('drop', '✗');
    const about = b.about.replace(/^KB 2505047: /, '');
    const [first = '', ...more] = wrap(about, LADDER_WIDTH - nameWidth - 5);
    io.out(` ${mark} ${b.short.padEnd(nameWidth)}  ${colour('dim', first)}`);
    for (const line of more) io.out(`${' '.repeat(nameWidth + 5)}${colour('dim', line)}`);
    if (!outcome.passed) {
      failed++;
      for (const line of verdictLines(outcome, b.short, colour)) io.out(line);
    }
    if (b.short === TOUR_LADDER) shown = outcome;
  }
  io.out('');
  io.out(
    failed === 0
      ? `All ${kb.length} KB scenarios pass.`
      : `${kb.length - failed} of ${kb.length} KB scenarios pass.`,
  );
  if (shown !== undefined) {
    io.out('');
    for (const line of wrap(`The ladder of ${TOUR_LADDER}: ${shown.scenario.about}`, LADDER_WIDTH)) {
      io.out(colour('strong', line));
    }
    io.out('');
    for (const line of ladderLines(shown.world.trace, shown.scenario.hosts, { paint: colour })) io.out(line);
  }
  io.out('');
  io.out('Next: netstep list · netstep diff <scenario> · netstep <command> --help');
  io.out('      netstep run <scenario> [--view ladder|mermaid|json|log] [--pcap FILE]');
  return failed > 0 ? 1 : 0;
}
