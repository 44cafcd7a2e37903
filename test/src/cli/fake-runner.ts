/**
 * A stand-in for the scenario runner (src/scenario/), so that the commands are tested on their own: a few
 * "bundled scenarios" that are real simulated runs (test/src/views/worlds.ts) with expectations of the
 * test's own, and an in-memory Io that records what a command writes.
 */

import { UsageError } from '../../../sim/errors.ts';
import type { World } from '../../../sim/world.ts';
import type {
  BundledScenario,
  ExpectationResult,
  Io,
  ProfileName,
  RunOutcomeLike,
  RunSettings,
  ScenarioApi,
  ScenarioLike,
} from '../../../src/cli/args.ts';
import { bulkTransfer, ftpDownload, HOSTS } from '../views/worlds.ts';

export interface FakeScenario extends ScenarioLike {
  readonly run: (seed: string, profile: ProfileName) => World;
  readonly check: (world: World) => ExpectationResult[];
}

/** An expectation that the server sent a reply with this code: passes at the first such reply. */
const replySent =
  (code: number) =>
  (world: World): ExpectationResult => {
    const e = world.trace.find((x) => x.kind === 'ftp-reply' && x.code === code);
    return e
      ? { text: `the server replies ${code}`, passed: true, seq: e.seq }
      : { text: `the server replies ${code}`, passed: false, detail: 'no such reply' };
  };

const download = (name: string, about: string, check: FakeScenario['check']): FakeScenario => ({
  name,
  about,
  hosts: HOSTS,
  trace: true,
  run: (seed, profile) => ftpDownload({ seed, profile }),
  check,
});

export const FAKE_SCENARIOS: Readonly<Record<string, FakeScenario>> = {
  'kb/download': download('download', 'A passive download of one file.', (w) => [replySent(226)(w)]),
  'kb/port-handshake-before-200': download('port-handshake-before-200', 'The handshake comes first.', (w) => [
    replySent(227)(w),
    replySent(226)(w),
  ]),
  'races/wants-125': download('wants-125', 'A client that wants 125 where the server says 150.', (w) => {
    const got = w.trace.find((x) => x.kind === 'ftp-reply' && x.code === 150);
    return [
      replySent(230)(w),
      {
        text: 'the server replies 125 to RETR',
        passed: false,
        detail: 'it replied 150',
        ...(got ? { seq: got.seq } : {}),
      },
      { text: 'the server replies 999', passed: false, detail: 'never' },
    ];
  }),
  'tcp/bulk': {
    name: 'bulk',
    about: '50,000 bytes over one connection.',
    hosts: HOSTS,
    trace: true,
    run: (seed) => bulkTransfer({ seed }),
    check: (w) => [
      {
        text: 'both ends close',
        passed: w.trace.filter((e) => e.kind === 'tcp-state' && e.to === 'CLOSED').length === 2,
      },
    ],
  },
};

const ROOT = '/nonexistent/netstep/scenarios/';

export function fakeApi(): ScenarioApi<FakeScenario> & {
  runs: Array<{ name: string; settings: RunSettings }>;
} {
  const runs: Array<{ name: string; settings: RunSettings }> = [];
  return {
    runs,
    listBundled: async (): Promise<BundledScenario[]> =>
      Object.entries(FAKE_SCENARIOS).map(([short, s]) => ({
        file: `${ROOT}${short}.json`,
        name: s.name,
        about: s.about,
      })),
    findBundled: async (id) => (FAKE_SCENARIOS[id] ? `${ROOT}${id}.json` : null),
    loadScenario: async (file) => {
      const short = file.startsWith(ROOT) ? file.slice(ROOT.length).replace(/\.json$/, '') : '';
      const s = FAKE_SCENARIOS[short];
      if (s === undefined) throw new UsageError(`${file}: not a scenario file`);
      return s;
    },
    runScenario: (s, o = {}): RunOutcomeLike<FakeScenario> => {
      runs.push({ name: s.name, settings: o });
      const seed = String(o.seed ?? 1);
      const profile = o.profile ?? 'ftp75';
      const world = s.run(seed, profile);
      const results = s.check(world);
      return { world, scenario: s, seed, profile, results, passed: results.every((r) => r.passed) };
    },
  };
}

export interface MemoryIo {
  readonly io: Io;
  readonly stdout: string[];
  readonly stderr: string[];
  readonly files: Map<string, Uint8Array>;
}

export function memoryIo(o: { isTTY?: boolean; env?: Record<string, string> } = {}): MemoryIo {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const files = new Map<string, Uint8Array>();
  return {
    stdout,
    stderr,
    files,
    io: {
      out: (line) => stdout.push(...line.split('\n')),
      err: (line) => stderr.push(...line.split('\n')),
      isTTY: o.isTTY ?? false,
      env: o.env ?? {},
      writeFile: (path, bytes) => {
        if (path.startsWith('/unwritable/')) throw new Error(`EACCES: permission denied, open '${path}'`);
        files.set(path, bytes);
      },
    },
  };
}
