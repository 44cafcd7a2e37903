/**
 * What the commands share about their command line: strict option parsing whose errors say what and where
 * (exit code 2, no stack trace), checks of option values, naming a scenario by file or by its bundled short
 * name, and the streams a command writes to (`Io`, so tests can run a command in memory).
 */

import { statSync, writeFileSync } from 'node:fs';
import { type ParseArgsConfig, parseArgs } from 'node:util';
import { UsageError } from '../../sim/errors.ts';
import { parseDuration, type Time } from '../../sim/time.ts';
import type { World } from '../../sim/world.ts';
import { editDistance } from '../scenario/check.ts';
import { type Paint, paint, wantColor } from '../views/style.ts';

// ---- output ------------------------------------------------------------------------------------------------

/** Where a command writes. Lines are written whole, each followed by a newline. */
export interface Io {
  out(line: string): void;
  err(line: string): void;
  /** True when standard output is a terminal: the ladder is then the default view, in colour. */
  readonly isTTY: boolean;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Writes a file; throws on failure (the command turns it into a UsageError naming the file). */
  writeFile(path: string, bytes: Uint8Array): void;
}

let quietOnBrokenPipe = false;

/** The process's own streams. A reader that stops reading (`| head`) ends the output quietly. */
export function processIo(): Io {
  if (!quietOnBrokenPipe) {
    quietOnBrokenPipe = true;
    process.stdout.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
      throw e;
    });
  }
  return {
    out: (line) => process.stdout.write(`${line}\n`),
    err: (line) => process.stderr.write(`${line}\n`),
    isTTY: process.stdout.isTTY === true,
    env: process.env,
    writeFile: (path, bytes) => writeFileSync(path, bytes),
  };
}

/** Colour for standard output: on a terminal, unless NO_COLOR is set. */
export function outputPaint(io: Io): Paint {
  return paint(wantColor({ isTTY: io.isTTY }, io.env));
}

// ---- options -----------------------------------------------------------------------------------------------

type Options = NonNullable<ParseArgsConfig['options']>;

/**
 * The command line of a command that takes no arguments, only --help: true when it printed the help and
 * the command is done; a UsageError for anything else.
 */
export function noArguments(command: string, args: readonly string[], io: Io, help: string): boolean {
  const { values, positionals } = parseCommandLine(command, args, { help: { type: 'boolean', short: 'h' } });
  if (values.help) {
    io.out(help);
    return true;
  }
  if (positionals.length > 0) throw new UsageError(`takes no arguments, got '${positionals.join(' ')}'`);
  return false;
}

/**
 * Parses a command's arguments with node:util's parseArgs, strictly: an unknown option, a missing value or
 * a value given to a flag is a UsageError (main.ts adds the pointer to --help). Node's hint about
 * positionals that start with '-' is left out: no command here takes one. `_command` names the caller for
 * the reader of the call; main.ts puts the command's name in front of every message.
 */
export function parseCommandLine<const O extends Options>(
  _command: string,
  args: readonly string[],
  options: O,
) {
  try {
    return parseArgs({ args: [...args], options, strict: true, allowPositionals: true });
  } catch (e) {
    if (e instanceof TypeError && String((e as NodeJS.ErrnoException).code).startsWith('ERR_PARSE_ARGS')) {
      throw new UsageError(e.message.replace(/\.? To specify a positional argument.*$/, ''));
    }
    throw e;
  }
}

/** One of the allowed values, or a UsageError that lists them. */
export function oneOf<const T extends string>(value: string, allowed: readonly T[], option: string): T {
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new UsageError(`${option} takes one of ${allowed.join(', ')}, not '${value}'`);
}

/** A duration option ('5ms', '1.5s'), as nanoseconds. */
export function durationOption(value: string | undefined, option: string): Time | undefined {
  return value === undefined ? undefined : parseDuration(value, option);
}

/** A whole number option within bounds. */
export function intOption(
  value: string | undefined,
  option: string,
  min: number,
  max: number,
): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n) || n < min || n > max) {
    throw new UsageError(`${option} takes a whole number from ${min} to ${max}, not '${value}'`);
  }
  return n;
}

/** A comma-separated list of host names, each one of `known`. */
export function hostsOption(
  value: string | undefined,
  known: readonly string[],
  option: string,
): string[] | undefined {
  if (value === undefined) return undefined;
  const names = value.split(',').map((h) => h.trim());
  for (const name of names) {
    if (!known.includes(name))
      throw new UsageError(`${option}: no host named '${name}' (the hosts are ${known.join(', ')})`);
  }
  if (new Set(names).size !== names.length)
    throw new UsageError(`${option}: a host is named twice in '${value}'`);
  return names;
}

// ---- naming scenarios --------------------------------------------------------------------------------------

export interface BundledScenario {
  readonly file: string;
  readonly name: string;
  readonly about: string;
}

/**
 * A bundled scenario's short name: its path under scenarios/ without the extension, as `netstep list`
 * prints it and `netstep run` accepts it ('kb/port-handshake-before-200').
 */
export function shortName(file: string): string {
  const unix = file.replaceAll('\\', '/');
  const at = unix.lastIndexOf('scenarios/');
  const rel = at >= 0 ? unix.slice(at + 'scenarios/'.length) : unix;
  return rel.replace(/\.(ts|json|js|mjs)$/, '');
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/**
 * The file a command-line argument names: a path to a scenario file, or the short name of a bundled one
 * (with or without 'scenarios/' in front or an extension behind). An argument that is neither is a
 * UsageError, with the closest bundled names as suggestions. `label` is what verdicts call it: the short
 * name of a bundled scenario, the path as given for a file.
 */
export async function resolveScenario(
  arg: string,
  api: ScenarioApi,
): Promise<{ file: string; label: string }> {
  if (isFile(arg)) return { file: arg, label: arg };
  const wanted = shortName(arg);
  const found = api.findBundled
    ? await api.findBundled(wanted)
    : ((await api.listBundled()).find((b) => shortName(b.file) === wanted)?.file ?? null);
  if (found !== null) return { file: found, label: wanted };
  const near = closest(
    wanted,
    (await api.listBundled()).map((b) => shortName(b.file)),
  );
  const hint = near.length > 0 ? `; did you mean ${near.map((n) => `'${n}'`).join(' or ')}?` : '';
  throw new UsageError(
    `no scenario file or bundled scenario named '${arg}'${hint} (netstep list shows the bundled ones)`,
  );
}

/** The names nearest to `word` by edit distance (at most a third of its length away), best first, at most two. */
function closest(word: string, names: readonly string[]): string[] {
  const limit = Math.max(2, Math.floor(word.length / 3));
  const base = (n: string) => n.slice(n.lastIndexOf('/') + 1);
  return names
    .map((n) => ({ n, d: Math.min(editDistance(word, n), editDistance(base(word), base(n))) }))
    .filter((x) => x.d <= limit)
    .sort((x, y) => x.d - y.d || x.n.localeCompare(y.n))
    .slice(0, 2)
    .map((x) => x.n);
}

// ---- the scenario runner, as the commands use it -----------------------------------------------------------

export type ProfileName = 'ftp75' | 'iis6';
export const PROFILES: readonly ProfileName[] = ['ftp75', 'iis6'];

/** What the commands read of a scenario (src/scenario/ has the whole of it). */
export interface ScenarioLike {
  readonly name: string;
  readonly about: string;
  readonly hosts: ReadonlyArray<{ readonly name: string; readonly addr: string }>;
  /** The FTP server, when the scenario has one. */
  readonly server?: { readonly host: string } | null;
  /** Whether a run records the trace when nothing asks for one (false in a benchmark). */
  readonly trace: boolean;
}

export interface ExpectationResult {
  readonly text: string;
  readonly passed: boolean;
  readonly detail?: string;
  /** The trace entry where it was decided or failed. */
  readonly seq?: number;
}

export interface RunOutcomeLike<S extends ScenarioLike = ScenarioLike> {
  readonly world: World;
  readonly scenario: S;
  readonly seed: string;
  readonly profile: ProfileName;
  readonly results: readonly ExpectationResult[];
  readonly passed: boolean;
}

export interface RunSettings {
  readonly seed?: string | number;
  readonly profile?: ProfileName;
  readonly trace?: boolean;
  readonly history?: boolean;
  readonly maxSteps?: number;
}

/** The runner API of src/scenario/index.ts; a test may hand the commands another one. */
export interface ScenarioApi<S extends ScenarioLike = ScenarioLike> {
  loadScenario(file: string): Promise<S>;
  listBundled(): Promise<readonly BundledScenario[]>;
  /** The file of a bundled scenario by its short name, or null; without it, listBundled is searched. */
  findBundled?(id: string): Promise<string | null>;
  runScenario(s: S, o?: RunSettings): RunOutcomeLike<S>;
}

/** The real runner, loaded when a command first needs it; the type check holds it to ScenarioApi. */
export async function scenarioApi(): Promise<ScenarioApi> {
  const { findBundled, listBundled, loadScenario, runScenario } = await import('../scenario/index.ts');
  const api: ScenarioApi<Awaited<ReturnType<typeof loadScenario>>> = {
    findBundled,
    listBundled,
    loadScenario,
    runScenario,
  };
  return api;
}
