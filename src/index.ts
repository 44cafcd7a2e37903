/**
 * netstep as a library: load a scenario (or build one in code), step it, go back, fork it, inspect every
 * connection and FTP session, and query the trace. The vitest matchers are `netstep/vitest`.
 *
 *   import { load, dataSyn, reply } from 'netstep';
 *   const sim = await load('kb/port-handshake-before-200');
 *   sim.runToIdle();
 *   sim.first(dataSyn()).seq < sim.first(reply(200)).seq;   // FTP 7.5 connects before it answers PORT
 */

export { InvariantError, PeerError, StepLimitError, UsageError } from '../sim/errors.ts';
export type { Endpoint, Segment } from '../sim/tcp/segment.ts';
export { flagNames } from '../sim/tcp/segment.ts';
export type { TcpState } from '../sim/tcp/tcb.ts';
export { formatDuration, formatMs, MS, parseDuration, SECOND, type Time, US } from '../sim/time.ts';
export type { EntryOf, TraceEntry, TraceKind } from '../sim/trace.ts';
export type { RunResult, World } from '../sim/world.ts';
export * from './api/index.ts';
export {
  defineScenario,
  type ExpectationResult,
  listBundled,
  loadScenario,
  type RunOutcome,
  runScenario,
  type Scenario,
  ScenarioError,
  type ScenarioInput,
} from './scenario/index.ts';
export { type LadderHost, type LadderOptions, ladderLines } from './views/ladder.ts';
