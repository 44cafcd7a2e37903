/** The FTP 7.5 server model: the pure server (session side) and the site it serves (files, users, listings, log). */

export * from './config.ts';
export * from './control.ts';
export * from './io.ts';
export * from './replies.ts';
export {
  createServer,
  type FtpSite,
  handle,
  handleSession,
  handleSessionTimeout,
  handleTimeout,
  nextDeadline,
  type SessionStep,
  type Step,
} from './server.ts';
export type {
  Busy,
  DataChannel,
  DataState,
  FtpServer,
  LoginState,
  Session,
  Transfer,
  TransferOp,
  TransferPhase,
} from './session-state.ts';
export { bandwidthDeadline, type Deadline, deadlines, earliestDeadline } from './session-timers.ts';
