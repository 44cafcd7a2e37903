/**
 * Making a Simulation: from a bundled scenario's short name ('kb/port-handshake-before-200'), from a
 * scenario file (.json, or .ts default-exporting defineScenario({...})), from a scenario written in code, or
 * from a World built by hand with the simulator's own pieces.
 *
 *   const sim = await load('kb/port-handshake-before-200', { profile: 'iis6' });
 *   const mine = simulate(defineScenario({ name: 'mine', about: '...', hosts: [...], ... }));
 *   const raw = simulate(world);
 *
 * A simulation keeps history (it can step back) and a trace; the scenario's seed and profile are the
 * defaults. Loading and validation are the scenario runner's (src/scenario/): a bad file is its
 * ScenarioError, a UsageError naming the file and the field.
 */

import { statSync } from 'node:fs';
import { UsageError } from '../../sim/errors.ts';
import { World } from '../../sim/world.ts';
import type { Profile } from '../ftp/config.ts';
import {
  buildWorld,
  findBundled,
  loadScenario,
  type Scenario,
  type ScenarioInput,
  validateScenario,
} from '../scenario/index.ts';
import { Simulation } from './simulation.ts';

export interface LoadOptions {
  /** The run's seed; default the scenario's. */
  readonly seed?: string | number;
  /** The FTP server's profile; default the scenario's. */
  readonly profile?: Profile;
  /** The step limit of one goal or run call; default the scenario's limit, else the world's. */
  readonly maxSteps?: number;
}

/**
 * A scenario by bundled short name or by file. A name that is both a file and a bundled scenario is the
 * file (a path the user typed wins); one that is neither is a UsageError.
 */
export async function load(
  target: string | ScenarioInput | Scenario,
  o: LoadOptions = {},
): Promise<Simulation> {
  if (typeof target !== 'string') return simulate(target, o);
  return simulate(await loadScenario(await scenarioFile(target)), o);
}

/** The file a name stands for: a path to a file, or a bundled scenario's short name. */
export async function scenarioFile(name: string): Promise<string> {
  if (isFile(name)) return name;
  const id = name.replace(/^scenarios\//, '').replace(/\.(json|ts|js|mjs)$/, '');
  const bundled = await findBundled(id);
  if (bundled !== null) return bundled;
  throw new UsageError(
    `no scenario file or bundled scenario named '${name}' (netstep list shows the bundled ones)`,
  );
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** A simulation of a scenario (validated, or as written in code) or of a world built by hand. */
export function simulate(target: Scenario | ScenarioInput | World, o: LoadOptions = {}): Simulation {
  if (target instanceof World) return new Simulation(target, { maxSteps: o.maxSteps });
  const s = isValidated(target) ? target : validateScenario(target, '(scenario in code)');
  const profile = o.profile ?? s.profile;
  const world = buildWorld(s, { seed: o.seed, profile, trace: true, history: true });
  return new Simulation(world, {
    name: s.name,
    profile,
    scenario: s,
    maxSteps: o.maxSteps ?? s.limits.maxSteps,
    until: s.limits.until,
  });
}

/**
 * A validated Scenario, as opposed to what a scenario file holds: validation fills in `file`, turns `tcp`
 * into `{ all, perHost }` and `limits` into numbers. Validating twice is not harmless (durations are
 * already numbers, files already bytes), so the shape decides.
 */
function isValidated(s: Scenario | ScenarioInput): s is Scenario {
  const v = s as Partial<Scenario>;
  return typeof v.file === 'string' && typeof v.limits === 'object' && typeof v.tcp?.all === 'object';
}
