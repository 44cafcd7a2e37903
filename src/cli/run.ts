/**
 * `netstep run`: runs scenarios, prints a view of each run, and checks its expectations. Exit code 0 when
 * every expectation of every scenario holds, 1 when one fails (each failure printed with the ladder of the
 * trace around the entry where it failed), 2 on bad input, before anything runs.
 *
 * Choices:
 * - The default view is the ladder when standard output is a terminal and none otherwise, so a pipe or a
 *   CI log gets the verdict lines alone; `--view ladder` asks for it anywhere.
 * - The machine-readable views (json, mermaid, log) and --pcap describe one run: they take one scenario,
 *   and the verdict then goes to standard error so that standard output is the view alone.
 */

import { assertNever, UsageError } from '../../sim/errors.ts';
import type { TraceEntry } from '../../sim/trace.ts';
import { jsonLines } from '../views/json.ts';
import {
  formatTime,
  LADDER_LEGEND,
  LADDER_WIDTH,
  Ladder,
  type LadderOptions,
  ladderLines,
} from '../views/ladder.ts';
import { MERMAID_MAX_TEXT, mermaidLines } from '../views/mermaid.ts';
import { capturePcap } from '../views/pcap.ts';
import { type Paint, PLAIN } from '../views/style.ts';
import { padStart, truncate } from '../views/text.ts';
import { entrySummary, ftpServerHosts } from '../views/trace-kinds.ts';
import { w3cLogLines } from '../views/w3c-log.ts';
import {
  durationOption,
  hostsOption,
  type Io,
  intOption,
  oneOf,
  outputPaint,
  PROFILES,
  parseCommandLine,
  processIo,
  type RunOutcomeLike,
  resolveScenario,
  type ScenarioApi,
  type ScenarioLike,
  scenarioApi,
} from './args.ts';
import type { Command } from './main.ts';

export const VIEWS = ['ladder', 'mermaid', 'json', 'log', 'none'] as const;
export type ViewName = (typeof VIEWS)[number];

const HELP = `usage: netstep run <scenario...> [options]

Runs each scenario, prints a view of the run and checks the scenario's expectations. A scenario is a file
(.ts or .json) or the short name of a bundled one, as \`netstep list\` prints it (kb/port-handshake-before-200).
Exit code: 0 every expectation holds, 1 one failed (the trace around it is printed), 2 bad input.

  --seed S            the run's seed (default: the scenario's own)
  --profile P         ftp75 or iis6 (default: the scenario's own, else ftp75)
  --view V            ladder, mermaid, json, log or none; default: ladder on a terminal, none otherwise
                        ladder   time-sequence diagram, 100 columns, colour on a terminal (NO_COLOR honoured)
                        mermaid  a sequenceDiagram for a \`\`\`mermaid block on GitHub
                        json     the trace, one entry per line (JSON Lines)
                        log      the FTP server's W3C log
  --hosts A,B         ladder and mermaid: only these hosts, in this order
  --ftp-only          ladder and mermaid: only FTP (commands, replies, the server's data channel)
  --from T, --to T    ladder and mermaid: only entries in this window of simulated time ('12ms', '1.5s')
  --width N           ladder: columns (default 100)
  --pcap FILE         write the capture one host's interface saw (Ethernet, IPv4, TCP; for Wireshark)
  --pcap-host NAME    the host of --pcap (default: the FTP server's host, else the first host)

json, mermaid, log and --pcap take one scenario; the verdict then goes to standard error.`;

export const runCommand: Command = {
  summary: 'run scenarios, print a view, check their expectations',
  run: (args) => runMain(args, processIo()),
};

interface RunArgs {
  readonly files: readonly string[];
  readonly seed: string | undefined;
  readonly profile: (typeof PROFILES)[number] | undefined;
  readonly view: ViewName;
  readonly hostsArg: string | undefined;
  readonly ftpOnly: boolean;
  readonly from: number | undefined;
  readonly to: number | undefined;
  readonly width: number;
  readonly pcap: string | undefined;
  readonly pcapHost: string | undefined;
}

export async function runMain(args: readonly string[], io: Io, api?: ScenarioApi): Promise<number> {
  const { values, positionals } = parseCommandLine('run', args, {
    seed: { type: 'string' },
    profile: { type: 'string' },
    view: { type: 'string' },
    hosts: { type: 'string' },
    'ftp-only': { type: 'boolean' },
    from: { type: 'string' },
    to: { type: 'string' },
    width: { type: 'string' },
    pcap: { type: 'string' },
    'pcap-host': { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) {
    io.out(HELP);
    return 0;
  }
  if (positionals.length === 0)
    throw new UsageError('name at least one scenario (a file, or a bundled name from netstep list)');
  const o: RunArgs = {
    files: positionals,
    seed: values.seed,
    profile: values.profile === undefined ? undefined : oneOf(values.profile, PROFILES, '--profile'),
    view: values.view === undefined ? (io.isTTY ? 'ladder' : 'none') : oneOf(values.view, VIEWS, '--view'),
    hostsArg: values.hosts,
    ftpOnly: values['ftp-only'] === true,
    from: durationOption(values.from, '--from'),
    to: durationOption(values.to, '--to'),
    width: intOption(values.width, '--width', 60, 1000) ?? LADDER_WIDTH,
    pcap: values.pcap,
    pcapHost: values['pcap-host'],
  };
  const machine = o.view === 'json' || o.view === 'mermaid' || o.view === 'log';
  if (o.files.length > 1 && (machine || o.pcap !== undefined)) {
    throw new UsageError(
      `${o.pcap !== undefined ? '--pcap' : `--view ${o.view}`} describes one run: give one scenario, not ${o.files.length}`,
    );
  }
  if (o.pcapHost !== undefined && o.pcap === undefined) throw new UsageError('--pcap-host needs --pcap FILE');
  if (o.from !== undefined && o.to !== undefined && o.to < o.from)
    throw new UsageError('--to is before --from');

  const runner = api ?? (await scenarioApi());
  // Every scenario is loaded and checked before any runs: bad input costs nothing and changes nothing.
  const loaded = [];
  for (const arg of o.files) {
    const { file, label } = await resolveScenario(arg, runner);
    const scenario = await runner.loadScenario(file);
    const names = scenario.hosts.map((h) => h.name);
    hostsOption(o.hostsArg, names, `--hosts (${label})`);
    if (o.pcapHost !== undefined && !names.includes(o.pcapHost)) {
      throw new UsageError(
        `--pcap-host: ${label} has no host named '${o.pcapHost}' (its hosts are ${names.join(', ')})`,
      );
    }
    loaded.push({ scenario, label });
  }

  const say = machine ? io.err : io.out;
  const colour = outputPaint(io);
  let failed = 0;
  for (const { scenario, label } of loaded) {
    const outcome = runner.runScenario(scenario, {
      // A view or a capture is drawn from the trace; without either, the scenario's own choice holds (a
      // benchmark turns the trace off: its expectations read the final state, and recording 10,000
      // sessions would cost more time and memory than running them).
      trace: o.view !== 'none' || o.pcap !== undefined || scenario.trace,
      history: false,
      ...(o.seed !== undefined ? { seed: o.seed } : {}),
      ...(o.profile !== undefined ? { profile: o.profile } : {}),
    });
    printView(outcome, o, io, colour);
    if (o.pcap !== undefined) writeCapture(outcome, o.pcap, o.pcapHost, io);
    for (const line of verdictLines(outcome, label, machine ? PLAIN : colour, o.width)) say(line);
    if (!outcome.passed) failed++;
  }
  if (loaded.length > 1) {
    say(`${loaded.length - failed} of ${loaded.length} scenarios passed`);
  }
  return failed > 0 ? 1 : 0;
}

function printView(outcome: RunOutcomeLike, o: RunArgs, io: Io, colour: Paint): void {
  const { world, scenario } = outcome;
  const trace = world.trace;
  let hosts = hostsOption(
    o.hostsArg,
    scenario.hosts.map((h) => h.name),
    '--hosts',
  );
  if (
    hosts === undefined &&
    (o.view === 'ladder' || o.view === 'mermaid') &&
    scenario.hosts.length > MAX_LANES
  ) {
    // A hundred lanes in 100 columns is no diagram: the FTP server's host and the first others, and a note.
    const server = scenario.server?.host;
    const others = scenario.hosts.map((h) => h.name).filter((h) => h !== server);
    hosts = [...(server ? [server] : []), ...others].slice(0, MAX_LANES);
    io.err(
      `note: the ${o.view} shows ${MAX_LANES} of the ${scenario.hosts.length} hosts; choose them with --hosts`,
    );
  }
  const window = {
    ...(o.from !== undefined ? { from: o.from } : {}),
    ...(o.to !== undefined ? { to: o.to } : {}),
  };
  const shown = { ...(hosts ? { hosts } : {}), ...window, ftpOnly: o.ftpOnly };
  switch (o.view) {
    case 'ladder':
      for (const line of ladderLines(trace, scenario.hosts, { ...shown, width: o.width, paint: colour }))
        io.out(line);
      return;
    case 'mermaid': {
      const lines = mermaidLines(trace, scenario.hosts, shown);
      for (const line of lines) io.out(line);
      const size = lines.reduce((n, l) => n + l.length + 1, 0);
      if (size > MERMAID_MAX_TEXT) {
        io.err(
          `note: the diagram is ${size} characters; GitHub renders Mermaid text up to ${MERMAID_MAX_TEXT}. ` +
            'Try --ftp-only, --hosts or --from/--to.',
        );
      }
      return;
    }
    case 'json':
      for (const line of jsonLines(trace)) io.out(line);
      return;
    case 'log': {
      const server = scenario.server?.host ?? ftpServerHosts(trace)[0];
      if (server === undefined)
        io.err(`note: ${scenario.name} ran no FTP server: the log has its header only`);
      for (const line of w3cLogLines(trace, server)) io.out(line);
      return;
    }
    case 'none':
      return;
    default:
      assertNever(o.view, 'view');
  }
}

function writeCapture(outcome: RunOutcomeLike, file: string, host: string | undefined, io: Io): void {
  const trace = outcome.world.trace;
  const at =
    host ?? outcome.scenario.server?.host ?? ftpServerHosts(trace)[0] ?? outcome.scenario.hosts[0]?.name;
  if (at === undefined) throw new UsageError('--pcap: the scenario has no hosts');
  const { bytes, frames } = capturePcap(trace, at);
  try {
    io.writeFile(file, bytes);
  } catch (e) {
    throw new UsageError(`--pcap: cannot write ${file}: ${(e as Error).message}`);
  }
  io.err(`wrote ${file}: ${frames} frames seen at ${at}`);
}

/** Hosts a ladder or a diagram draws when the scenario has more and --hosts does not choose. */
export const MAX_LANES = 12;

// ---- verdicts ----------------------------------------------------------------------------------------------

/** Lines of the trace shown before and after the entry where an expectation failed. */
const BEFORE = 12;
const AFTER = 4;

/**
 * The verdict of one run: one line when every expectation holds; otherwise that line, every expectation
 * with its mark, and for each failure the ladder around the entry where it failed (the entry marked ▸).
 */
export function verdictLines(
  outcome: RunOutcomeLike,
  label: string,
  colour: Paint,
  width = LADDER_WIDTH,
): string[] {
  const { results } = outcome;
  const failures = results.filter((r) => !r.passed);
  const where = `(${outcome.profile}, seed ${outcome.seed})`;
  if (failures.length === 0) {
    const n = results.length;
    const holds =
      n === 0
        ? 'it has no expectations to check'
        : n === 1
          ? 'its expectation holds'
          : `all ${n} expectations hold`;
    return [`${colour('ok', 'PASS')} ${label} ${where}: ${holds}`];
  }
  const out = [
    `${colour('drop', 'FAIL')} ${label} ${where}: ${failures.length} of ${results.length} expectations failed`,
  ];
  for (const r of results) {
    const mark = r.passed ? colour('ok', '✓') : colour('drop', '✗');
    out.push(`  ${mark} ${r.text}${!r.passed && r.detail ? `: ${r.detail}` : ''}`);
  }
  for (const r of failures) {
    out.push('');
    out.push(colour('strong', `  ✗ ${r.text}`));
    if (!outcome.world.tracing) {
      out.push('  no trace was recorded (the scenario sets trace: false); --view ladder or json records one');
      continue;
    }
    out.push(...traceAround(outcome.world.trace, outcome.scenario, r.seq, colour, width));
  }
  return out;
}

/** The ladder lines around entry `seq` (the end of the run when there is none), two columns indented. */
export function traceAround(
  trace: readonly TraceEntry[],
  scenario: ScenarioLike,
  seq: number | undefined,
  colour: Paint,
  width = LADDER_WIDTH,
): string[] {
  const options: LadderOptions = { width: width - 2, paint: colour };
  const ladder = new Ladder(scenario.hosts, options);
  const perEntry = trace.map((e) => ladder.entry(e));
  const target = seq !== undefined && seq >= 0 && seq < trace.length ? seq : undefined;
  const out: string[] = [];
  if (target === undefined) {
    // No one entry decided it (a reply never seen): the end of the FTP conversation says most, when there
    // is one; the TCP teardown and TIME-WAIT that follow it say little.
    const ftp = ftpServerHosts(trace).length > 0;
    const tail = ftp
      ? ladderLines(trace, scenario.hosts, { ...options, ftpOnly: true }).slice(LADDER_LEGEND.length + 1)
      : perEntry.flat();
    out.push(ftp ? '  the end of the FTP conversation:' : `  the end of the run (${trace.length} entries):`);
    return [...out, ...tail.slice(-BEFORE).map((l) => `  ${l}`)];
  }
  const e = trace[target]!;
  out.push(`  the trace around entry #${target} (${formatTime(e.at)} ms, ${e.host || 'no host'}):`);
  const before: string[] = [];
  for (let i = target - 1; i >= 0 && before.length < BEFORE; i--) before.unshift(...perEntry[i]!);
  const own = perEntry[target]!.length > 0 ? perEntry[target]! : [undrawn(e, width - 2)];
  const after: string[] = [];
  for (let i = target + 1; i < trace.length && after.length < AFTER; i++) after.push(...perEntry[i]!);
  return [
    ...out,
    ...before.slice(-BEFORE).map((l) => `  ${l}`),
    ...own.map((l) => `${colour('drop', '▸')} ${l}`),
    ...after.slice(0, AFTER).map((l) => `  ${l}`),
  ];
}

/** A line for an entry the ladder does not draw (an FTP reply, a client's step): its time and what it is. */
function undrawn(e: TraceEntry, width: number): string {
  return truncate(
    `${padStart(formatTime(e.at), 10)}  ${e.host ? `${e.host}: ` : ''}${entrySummary(e)}`,
    width,
  );
}
