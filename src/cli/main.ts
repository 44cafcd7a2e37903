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
  demo: async () => (await import('./demo.ts')).demoCommand,
  serve: async () => (await import('./serve.ts')).serveCommand,
};

export function usage(): string {
  return [
    'netstep: a deterministic network simulator with TCP and the IIS FTP 7.5 server model',
    '',
    'usage: netstep <command> [options]      netstep <command> --help for the options of one',
    '',
    'commands:',
    ...Object.keys(COMMANDS).map((name) => `  ${name}`),
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
      console.error(`netstep ${name}: ${e.message}`);
      return 2;
    }
    throw e;
  }
}
