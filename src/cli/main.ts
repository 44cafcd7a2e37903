/**
 * The netstep command line. Each command lives in its own file; this one dispatches and owns the exit
 * codes: 0 success, 1 an expectation failed, 2 bad input (unknown command or option, bad scenario file).
 */
import { UsageError } from '../../sim/errors.ts';

export interface Command {
  readonly summary: string;
  readonly run: (args: string[]) => Promise<number> | number;
}

const COMMANDS: Record<string, () => Promise<Command>> = {
  run: async () => (await import('./run.ts')).runCommand,
  diff: async () => (await import('./diff.ts')).diffCommand,
  list: async () => (await import('./list.ts')).listCommand,
  tour: async () => (await import('./tour.ts')).tourCommand,
  demo: async () => (await import('./demo.ts')).demoCommand,
  serve: async () => (await import('./serve.ts')).serveCommand,
  step: async () => (await import('./step.ts')).stepCommand,
  fuzz: async () => (await import('./fuzz.ts')).fuzzCommand,
};

/**
 * One line per command for the usage text, kept here so that `netstep --help` loads no command. A command
 * without a line here is listed by name alone.
 */
const SUMMARIES: Readonly<Record<string, string>> = {
  run: 'run scenarios, print a view (ladder, mermaid, json, log), check expectations; --pcap',
  step: 'step through a scenario in the terminal: next, back, run to the next reply',
  diff: 'one scenario under iis6 and ftp75, side by side',
  fuzz: 'seeded random sessions under faults, invariants checked, failures shrunk',
  serve: 'the FTP 7.5 model on a real TCP port, for real FTP clients',
  list: 'the bundled scenarios, one line each',
  tour: 'every KB 2505047 scenario with its verdict, and one ladder (npm start)',
  demo: 'a small run of the engine alone',
};

const ORDER = ['run', 'step', 'diff', 'fuzz', 'serve', 'list', 'tour', 'demo'];

export function usage(): string {
  const names = Object.keys(COMMANDS).sort(
    (a, b) => (ORDER.indexOf(a) + 1 || ORDER.length + 1) - (ORDER.indexOf(b) + 1 || ORDER.length + 1),
  );
  return [
    'netstep: a deterministic network simulator with TCP and the IIS FTP 7.5 server model',
    '',
    'usage: netstep <command> [options]      netstep <command> --help for the options of one',
    '',
    'commands:',
    ...names.map((name) => `  ${name.padEnd(7)} ${SUMMARIES[name] ?? ''}`.trimEnd()),
    '',
    'exit codes: 0 success, 1 an expectation failed, 2 bad input',
  ].join('\n');
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    console.log(usage());
    return name === undefined ? 2 : 0;
  }
  const load = COMMANDS[name];
  if (load === undefined) {
    console.error(`netstep: unknown command '${name}'\n\n${usage()}`);
    return 2;
  }
  try {
    return await (await load()).run(rest);
  } catch (e) {
    if (e instanceof UsageError) {
      console.error(`netstep ${name}: ${e.message}\n(netstep ${name} --help lists the options)`);
      return 2;
    }
    throw e;
  }
}
