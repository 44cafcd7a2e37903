/** The library API: load and step simulations, query their traces, inspect their state. */

export { describeEntry, entryDetail } from './describe.ts';
export { type ExcerptOptions, hostsOfTrace, ladderExcerpt } from './excerpt.ts';
export { type LoadOptions, load, scenarioFile, simulate } from './load.ts';
export {
  anyEntry,
  type ConnPattern,
  type EntryTest,
  entry,
  isSegmentEntry,
  kind,
  Query,
  type QueryContext,
  type SegmentEntry,
  type SegmentEvent,
} from './query.ts';
export {
  clientReply,
  command,
  dataState,
  type LogFields,
  logLine,
  reply,
  type TextMatch,
  verdict,
} from './query-ftp.ts';
export {
  dataSyn,
  enters,
  fin,
  rst,
  type SegmentFilter,
  segment,
  segmentOf,
  segmentsOf,
  stateChange,
  syn,
} from './query-tcp.ts';
export { all, count, type EntryRef, find, findLast, first, last, type SearchOptions } from './search.ts';
export {
  type EntryGoal,
  type GoalOptions,
  type RunGoal,
  Simulation,
  type SimulationInfo,
  type StepResult,
} from './simulation.ts';
export {
  type ClosedConn,
  type ConnSnapshot,
  type DataChannelState,
  type HostSnapshot,
  type ReplySent,
  type SessionSnapshot,
  Snapshot,
  type TcpTimers,
} from './snapshot.ts';
