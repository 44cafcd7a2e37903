/**
 * The timers of an FTP session, as data: each deadline is computed from the session's fields, so none can be
 * left behind when the state changes, and `fireDue` is harmless when nothing is due.
 *
 * Owns: which timer runs in which state, its deadline, what it does when it fires, and the substatus it logs
 * (connections settings, facts §4.1; substatus numbers, facts §3.4). Leaves out: the clock (the driver's).
 *
 * Timer                when it runs                               deadline                          on firing
 * unauthenticated      not logged in                              opened + unauthenticatedTimeout   421, close (16)
 * control-idle         no transfer in progress                    last activity + controlTimeout    421, close (14)
 * data-open            a transfer waits for its data connection   command + dataChannelTimeout      425 (15)
 * data-idle            a transfer moves bytes                     last byte moved + dataTimeout     425 (15)
 *                      an open connection no command has claimed  opened + dataChannelTimeout       close (15)
 * min-bandwidth        a transfer has moved a byte                see `bandwidthDeadline`           425 (50)
 * passive-wait         pasvWait 'reply': PASV waits for the close command + dataChannelTimeout      425 (15)
 * close-wait           iis6: 226 waits for the close handshake    close + dataChannelTimeout        RST, 226
 *
 * INFERRED (facts §8, "421 on idle timeout" unknown for 7.5): every timeout logs Win32 121
 * (ERROR_SEM_TIMEOUT, "commonly seen on timeouts", facts §3.3) with its substatus.
 */

import { assertNever } from '../../sim/errors.ts';
import { SECOND, type Time } from '../../sim/time.ts';
import type { FtpConfig } from './config.ts';
import type { TimerName } from './io.ts';
import { type Ctx, finish, forgetClosing, note, type S, say } from './session-context.ts';
import { closeEstablished } from './session-data.ts';
import { endSession } from './session-end.ts';
import type { Session, Transfer } from './session-state.ts';
import { complete226, failTransfer } from './session-stream.ts';
import { SUBSTATUS, WIN32 } from './win32.ts';

export interface Deadline {
  readonly at: Time;
  readonly timer: TimerName;
}

/**
 * The minimum-bandwidth deadline. INFERRED (facts §4.1 gives the setting, not the measure): the average rate
 * since the transfer's first byte must stay at or above minBytesPerSecond, judged only once the transfer has
 * run one dataChannelTimeout since that byte (so a short pause at the start is not a failure, and a transfer
 * that never moves a byte is the data-idle timer's, substatus 15). With `moved` bytes the rate falls below the
 * minimum at first + moved/min seconds.
 */
export function bandwidthDeadline(t: Transfer, config: FtpConfig): Time | null {
  if (config.minBytesPerSecond === 0 || t.firstByteAt === null) return null;
  const byRate = Math.ceil((t.moved * SECOND) / config.minBytesPerSecond);
  return t.firstByteAt + Math.max(config.dataChannelTimeout, byRate);
}

/** Calls `visit` for each running timer of the session, in the order of the table above. */
function eachDeadline(s: Session, config: FtpConfig, visit: (at: Time, timer: TimerName) => void): void {
  if (s.login.state !== 'LOGGED-IN') visit(s.openedAt + config.unauthenticatedTimeout, 'unauthenticated');
  const b = s.busy;
  if (b?.kind === 'transfer') {
    switch (b.phase) {
      case 'WAIT-DATA':
        visit(b.since + config.dataChannelTimeout, 'data-open');
        break;
      case 'SENDING':
      case 'RECEIVING': {
        visit(b.lastActivityAt + config.dataChannelTimeout, 'data-idle');
        const bw = bandwidthDeadline(b, config);
        if (bw !== null) visit(bw, 'min-bandwidth');
        break;
      }
      case 'WAIT-CLOSE':
        visit(b.lastActivityAt + config.dataChannelTimeout, 'close-wait');
        break;
      default:
        assertNever(b, 'transfer');
    }
    return;
  }
  visit(s.lastActivityAt + config.controlChannelTimeout, 'control-idle');
  if (b?.kind === 'passive' && b.phase === 'WAIT-PREVIOUS')
    visit(b.since + config.dataChannelTimeout, 'passive-wait');
  if (b === null && s.data?.state === 'ESTABLISHED')
    visit(s.data.since + config.dataChannelTimeout, 'data-idle');
}

/** The session's running timers, earliest first (ties in the order of the table above). */
export function deadlines(s: Session, config: FtpConfig): Deadline[] {
  const out: Deadline[] = [];
  eachDeadline(s, config, (at, timer) => out.push({ at, timer }));
  return out.sort((x, y) => x.at - y.at);
}

/** The earliest running timer (the first of the table on a tie), or null. Allocates nothing but the result. */
export function earliestDeadline(s: Session, config: FtpConfig): Deadline | null {
  let at = Infinity;
  let timer: TimerName | null = null;
  eachDeadline(s, config, (t, name) => {
    if (t < at) {
      at = t;
      timer = name;
    }
  });
  return timer === null ? null : { at, timer };
}

/**
 * The time of `earliestDeadline`, computed from the same table without a visitor: the simulator's adapter asks
 * after every event of a session, and a closure made per call is also named at run time under tsx (esbuild's
 * keepNames). Tested against `earliestDeadline` on every state of test/src/ftp/session/one-session.test.ts.
 */
export function nextSessionDeadline(s: Session, config: FtpConfig): Time | null {
  const open = config.dataChannelTimeout;
  let at = s.login.state !== 'LOGGED-IN' ? s.openedAt + config.unauthenticatedTimeout : Infinity;
  const b = s.busy;
  if (b?.kind === 'transfer') {
    switch (b.phase) {
      case 'WAIT-DATA':
        return Math.min(at, b.since + open);
      case 'SENDING':
      case 'RECEIVING': {
        at = Math.min(at, b.lastActivityAt + open);
        const bw = bandwidthDeadline(b, config);
        return bw === null ? at : Math.min(at, bw);
      }
      case 'WAIT-CLOSE':
        return Math.min(at, b.lastActivityAt + open);
      default:
        return assertNever(b, 'transfer');
    }
  }
  at = Math.min(at, s.lastActivityAt + config.controlChannelTimeout);
  if (b?.kind === 'passive' && b.phase === 'WAIT-PREVIOUS') at = Math.min(at, b.since + open);
  if (b === null && s.data?.state === 'ESTABLISHED') at = Math.min(at, s.data.since + open);
  return at;
}

/** Fires every timer of the session due at `ctx.now`, earliest first. Returns false once the session ended. */
export function fireDue(ctx: Ctx, s: S): boolean {
  // Each firing removes its own deadline (it changes the state the deadline is computed from), so this ends.
  for (;;) {
    const due = earliestDeadline(s as Session, ctx.config);
    if (due === null || due.at > ctx.now) return true;
    note(ctx, s, { what: 'timer', timer: due.timer });
    if (!fire(ctx, s, due.timer)) return false;
  }
}

const TIMEOUT = WIN32.SEM_TIMEOUT;

function fire(ctx: Ctx, s: S, timer: TimerName): boolean {
  const c = ctx.config;
  switch (timer) {
    case 'unauthenticated':
      say(ctx, s, 'timeout', { seconds: Math.round(c.unauthenticatedTimeout / SECOND) });
      endSession(ctx, s, { win32: TIMEOUT, substatus: SUBSTATUS.NEW_CONNECTION_TIMEOUT, closeControl: true });
      return false;
    case 'control-idle':
      say(ctx, s, 'timeout', { seconds: Math.round(c.controlChannelTimeout / SECOND) });
      endSession(ctx, s, { win32: TIMEOUT, substatus: SUBSTATUS.CONTROL_TIMEOUT, closeControl: true });
      return false;
    case 'data-open':
      // facts §1: a passive client that never connects, an active connect that never completes → 425.
      failTransfer(ctx, s, 'cannotOpen', { win32: TIMEOUT, substatus: SUBSTATUS.DATA_TIMEOUT });
      return true;
    case 'data-idle':
      if (s.busy?.kind === 'transfer') {
        failTransfer(ctx, s, 'dataTimedOut', { win32: TIMEOUT, substatus: SUBSTATUS.DATA_TIMEOUT });
      } else {
        // An open connection no command used: "will only disconnect the data channel" (facts §4.1).
        closeEstablished(ctx, s, { win32: TIMEOUT, substatus: SUBSTATUS.DATA_TIMEOUT });
      }
      return true;
    case 'min-bandwidth':
      failTransfer(ctx, s, 'minBandwidth', { win32: TIMEOUT, substatus: SUBSTATUS.MIN_BANDWIDTH });
      return true;
    case 'passive-wait': {
      const b = s.busy;
      s.busy = null;
      if (b?.kind === 'passive') {
        finish(ctx, s, b.cmd, { win32: TIMEOUT, substatus: SUBSTATUS.DATA_TIMEOUT }, 'cannotOpen');
      }
      return true;
    }
    case 'close-wait': {
      // INFERRED: IIS 6 would not wait for ever: the connection is reset and the transfer, whose bytes were
      // all sent, is reported complete. Right when the client has every byte and only withholds its FIN
      // (races/keeps-old-data-open-deadlock); wrong when bytes or the FIN were still on their way (a FIN held
      // by the network, a client reading slowly through a small window): the reset cuts them, and the client
      // gets a 226 for a transfer that broke. The fuzzer's client-contract invariant finds such runs under
      // iis6 (3 of 3,000 seeds from 100000). Telling the two apart needs to know whether the client
      // acknowledged our FIN, which no input says (node's sockets do not report it).
      const b = s.busy;
      if (b?.kind !== 'transfer') return true;
      // Its DataChannelClosed line was written when the close began (closeEstablished): one line per data
      // connection, so the reset writes none (the fuzzer's W3C-log invariant found the second one).
      const id = b.closingId;
      if (id !== null) forgetClosing(ctx, s, id);
      if (id !== null) ctx.out.push({ kind: 'data-abort', session: s.id, data: id });
      complete226(ctx, s, b);
      return true;
    }
    default:
      return assertNever(timer, 'timer');
  }
}
