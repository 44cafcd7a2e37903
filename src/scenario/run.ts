/**
 * Building a world from a scenario and running it: the network (hosts, paths, faults), the sockets with the
 * scenario's TCP options, the FTP server (under the run's profile), the FTP clients and the TCP applications;
 * then the run until idle (or the scenario's time limit), the clients' final verdicts, and the expectations.
 *
 * A run is a pure function of (scenario, seed, profile): nothing here reads a clock or an unseeded random
 * source, so two runs give byte-identical traces.
 */

import { StepLimitError } from '../../sim/errors.ts';
import { installNetwork } from '../../sim/net/network.ts';
import { deliver, installSockets } from '../../sim/net/sockets.ts';
import { World } from '../../sim/world.ts';
import { installFtpServer } from '../apps/ftp-server.ts';
import { finishClients, installFtpClients } from '../clients/ftp-client.ts';
import { installTcpApps } from '../clients/tcp-apps.ts';
import type { Profile } from '../ftp/config.ts';
import { evaluate } from './expect.ts';
import type { ExpectationResult } from './expect-types.ts';
import type { Scenario } from './types.ts';

export interface BuildOptions {
  /** The run's seed; default the scenario's. */
  readonly seed?: string | number;
  /** The FTP server's profile; default the scenario's. */
  readonly profile?: Profile;
  /** Record the trace (default: the scenario's `trace`, true unless it is a benchmark). */
  readonly trace?: boolean;
  /** Keep history for back() (default false: a stepper asks for it; a plain run does not pay for it). */
  readonly history?: boolean;
}

export interface RunOptions extends BuildOptions {
  /** Fail the run after this many steps (default the scenario's limit, else the world's). */
  readonly maxSteps?: number;
}

export interface RunOutcome {
  readonly world: World;
  readonly scenario: Scenario;
  readonly seed: string;
  readonly profile: Profile;
  readonly results: ExpectationResult[];
  readonly passed: boolean;
  /** Why the run stopped: idle, the scenario's time limit, or the step limit. */
  readonly stopped: 'idle' | 'time' | 'steps';
}

export function buildWorld(s: Scenario, o: BuildOptions = {}): World {
  const profile = o.profile ?? s.profile;
  const seed = o.seed ?? s.seed;
  const world = new World({ seed, trace: o.trace ?? s.trace, history: o.history ?? false });
  installNetwork(
    world,
    {
      hosts: s.hosts,
      paths: s.paths,
      ...(s.defaultPath === undefined ? {} : { defaultPath: s.defaultPath }),
      faults: s.faults,
    },
    deliver,
  );
  installSockets(world, s.tcp.all, s.tcp.perHost);
  if (s.server !== null) {
    installFtpServer(world, {
      host: s.server.host,
      port: s.server.port,
      // The FTP model derives its session ids and passive ports from its seed: the run's, unless fixed.
      config: { seed: world.seed, ...s.server.config, profile },
      files: s.server.files as Record<string, Uint8Array | null>,
      locks: s.server.locks,
    });
  }
  installFtpClients(world, s.clients);
  installTcpApps(world, s.apps);
  return world;
}

export function runScenario(s: Scenario, o: RunOptions = {}): RunOutcome {
  const profile = o.profile ?? s.profile;
  const world = buildWorld(s, o);
  let stopped: RunOutcome['stopped'];
  let limitError: StepLimitError | null = null;
  try {
    const r = world.run({
      ...(s.limits.until === undefined ? {} : { until: s.limits.until }),
      ...((o.maxSteps ?? s.limits.maxSteps) !== undefined
        ? { maxSteps: (o.maxSteps ?? s.limits.maxSteps)! }
        : {}),
    });
    stopped = r.reason === 'time' ? 'time' : 'idle';
  } catch (e) {
    if (!(e instanceof StepLimitError)) throw e;
    stopped = 'steps';
    limitError = e;
  }
  finishClients(world);
  const base = { world, scenario: s, seed: world.seed, profile, stopped };
  const results = evaluate({ world, scenario: s, profile, outcome: base });
  if (limitError !== null) {
    results.unshift({
      text: 'the run ends within its step limit',
      passed: false,
      detail: limitError.message,
    });
  }
  return { ...base, results, passed: results.every((r) => r.passed) };
}

/** The profiles a scenario's expectations speak of: its own, and any an expectation is written for. */
export function scenarioProfiles(s: Scenario): Profile[] {
  const set = new Set<Profile>([s.profile]);
  const visit = (e: Scenario['expect'][number]): void => {
    if (e.profile !== undefined) set.add(e.profile);
    if ('not' in e) visit(e.not);
    if ('any' in e) e.any.forEach(visit);
  };
  s.expect.forEach(visit);
  return [...set];
}
