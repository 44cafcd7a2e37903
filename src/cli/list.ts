/** `netstep list`: every bundled scenario, by the short name `netstep run` takes, with its about line. */

import { LADDER_WIDTH } from '../views/ladder.ts';
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

const HELP = `usage: netstep list

Lists every bundled scenario (the files under scenarios/) by the short name that netstep run, diff and
step take, with its one-line description. Grouped by folder: kb/ (the behaviours of KB 2505047), races/
(client bugs FTP 7.5 exposes), tcp/ (TCP basics), bench/ (benchmarks).`;

export const listCommand: Command = {
  summary: 'the bundled scenarios, one line each',
  run: (args) => listMain(args, processIo()),
};

export async function listMain(args: readonly string[], io: Io, api?: ScenarioApi): Promise<number> {
  if (noArguments('list', args, io, HELP)) return 0;
  const bundled = [...(await (api ?? (await scenarioApi())).listBundled())];
  const rows = bundled
    .map((b) => ({ name: shortName(b.file), about: b.about }))
    .sort((a, b) => a.name.localeCompare(b.name));
  const width = Math.max(0, ...rows.map((r) => r.name.length));
  const colour = outputPaint(io);
  let folder = '';
  for (const r of rows) {
    const here = r.name.includes('/') ? r.name.slice(0, r.name.indexOf('/')) : '';
    if (here !== folder && folder !== '') io.out('');
    folder = here;
    // About lines wrap under themselves, so the list reads as two columns in 100.
    const [first = '', ...more] = wrap(r.about, Math.max(40, LADDER_WIDTH - width - 2));
    io.out(`${colour('strong', r.name.padEnd(width))}  ${first}`);
    for (const line of more) io.out(`${' '.repeat(width + 2)}${line}`);
  }
  return 0;
}
