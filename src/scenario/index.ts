/** The scenario API: define, load, validate, build and run scenarios; check their expectations. */

export { defineScenario } from './define.ts';
export { ScenarioError } from './errors.ts';
export { expectationText, patternText } from './expect-text.ts';
export type {
  ConnRef,
  EventPattern,
  Expectation,
  ExpectationResult,
  LogMatch,
} from './expect-types.ts';
export {
  BUNDLED_DIR,
  type BundledScenario,
  bundledId,
  findBundled,
  listBundled,
  loadScenario,
} from './load.ts';
export {
  type BuildOptions,
  buildWorld,
  type RunOptions,
  type RunOutcome,
  runScenario,
  scenarioProfiles,
} from './run.ts';
export type { Scenario, ScenarioInput } from './types.ts';
export { validateScenario } from './validate.ts';
