/**
 * Invariant 'liveness': once faults stop and the run goes idle, every TCP connection has ended closed, within
 * a bound of simulated time.
 *
 * - The run must go idle: a run stopped by its step limit, or still busy after the simulated hour a fuzz
 *   scenario is given (scenario.ts), is a livelock: something keeps scheduling events (a zero-window probe
 *   answered for ever, a retransmission loop).
 * - At idle nothing can happen any more, so a connection that still exists (in any state but CLOSED, which
 *   the socket layer forgets) will never close: a hang, whatever its cause (a client waiting for a reply that
 *   never comes, a server that forgot a data connection, a TCP timer that was not armed).
 * - The last TCP state change must come at most `bound` after the last thing that could legitimately keep a
 *   connection busy: the last step of a client script, the end of the last fault window or lock. The bound is
 *   the longest chain of timeouts the configuration allows (see `livenessBound`), so a connection that closes
 *   only after minutes of needless retransmission, or an idle session that the control-channel timeout never
 *   ends, is caught too.
 */
import { formatDuration, type Time } from '../../../sim/time.ts';
import { type Violation, violation } from './violation.ts';

export interface LivenessFacts {
  /** The run ended because no event was left (not by its step limit or a time limit). */
  readonly idle: boolean;
  /** Why it did not go idle, when it did not. */
  readonly stopped?: string;
  /** Connections that still exist at the end, with their TCP state. */
  readonly open: ReadonlyArray<{ readonly conn: string; readonly state: string }>;
  /** The time of the last TCP state change, and its connection. */
  readonly lastTcpChange: Time;
  readonly lastConn?: string;
  /** The last client step, fault window end or lock end. */
  readonly lastActivity: Time;
  readonly bound: Time;
}

export function checkLiveness(f: LivenessFacts): Violation | null {
  const first = f.open[0];
  if (!f.idle) {
    // Still busy: name a connection that is still open (what a replay can watch), if there is one.
    const open = first === undefined ? '' : `; ${first.conn} is still ${first.state}`;
    return violation('liveness', `the run never went idle: ${f.stopped ?? 'stopped early'}${open}`, {
      at: first === undefined ? { kind: 'not-idle' } : { kind: 'conn', conn: first.conn },
    });
  }
  if (first !== undefined) {
    const more = f.open.length > 1 ? ` (and ${f.open.length - 1} more)` : '';
    return violation('liveness', `the run went idle with ${first.conn} still ${first.state}${more}`, {
      at: { kind: 'conn', conn: first.conn },
    });
  }
  const late = f.lastTcpChange - f.lastActivity;
  if (late > f.bound) {
    return violation(
      'liveness',
      `the last connection closed ${formatDuration(late)} after the last activity, beyond the bound of ${formatDuration(f.bound)}`,
      { at: { kind: 'late', conn: f.lastConn ?? '' } },
    );
  }
  return null;
}

export interface BoundInputs {
  readonly controlChannelTimeout: Time;
  readonly dataChannelTimeout: Time;
  readonly initialRto: Time;
  readonly maxRto: Time;
  readonly maxRetries: number;
  readonly msl: Time;
}

/**
 * The longest a connection may take to close after the last activity: an idle session is closed by the
 * control-channel timeout, a stalled data channel by the data-channel timeout, a connection whose peer has
 * vanished gives up after its retransmissions (each RTO doubled from the initial one, capped at maxRto,
 * maxRetries + 1 waits), and the side that closed first waits 2 MSL in TIME-WAIT.
 */
export function livenessBound(b: BoundInputs): Time {
  let giveUp = 0;
  let rto = b.initialRto;
  for (let i = 0; i <= b.maxRetries; i++) {
    giveUp += Math.min(rto, b.maxRto);
    rto *= 2;
  }
  return b.controlChannelTimeout + b.dataChannelTimeout + giveUp + 2 * b.msl;
}
