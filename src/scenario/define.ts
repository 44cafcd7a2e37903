/**
 * `defineScenario`: what a TypeScript scenario file default-exports. It returns its argument unchanged; its
 * point is the types (an editor checks the scenario as it is written). The loader validates it like JSON.
 */

import type { ScenarioInput } from './types.ts';

export function defineScenario(s: ScenarioInput): ScenarioInput {
  return s;
}
