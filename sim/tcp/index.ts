/** The TCP machine of netstep (RFC 9293), pure and sans-IO. See README.md in this folder. */

export { handleSegment } from './arrival.ts';
export { type ByteQueue, contents } from './bytes.ts';
export { closedPortReply } from './closed.ts';
export { DEFAULT_OPTIONS, DEFAULT_PEER_MSS, MAX_WINDOW, type TcpOptions, tcpOptions } from './options.ts';
export type { HeldSegment, Reassembly } from './reassembly.ts';
export * from './segment.ts';
export * from './seq.ts';
export { acceptable } from './synchronized.ts';
export {
  atEof,
  type CongestionEvent,
  type DropReason,
  type MutTcb,
  readable,
  type Step,
  TCP_STATES,
  type Tcb,
  type TcpOutput,
  type TcpState,
  type TcpTimer,
  type UserCallError,
  unacknowledged,
} from './tcb.ts';
export { handleTimeout, nextDeadline } from './timers.ts';
export { abort, close, createTcb, listen, open, type ReadStep, read, readOwned, send } from './user.ts';
