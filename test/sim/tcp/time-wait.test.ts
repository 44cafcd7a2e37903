/** TIME-WAIT (RFC 9293 §3.10.7.4, §3.10.8): 2 MSL, restarted by a retransmitted FIN. */

import { describe, expect, test } from 'vitest';
import { abort, close, handleTimeout, nextDeadline } from '../../../sim/tcp/index.ts';
import { MS, SECOND } from '../../../sim/time.ts';
import { deliver, NOW, peer, TO_PEER, timeWait, us } from './fixtures.ts';

const TWO_MSL = 60 * SECOND;

describe('TIME-WAIT', () => {
  test('ends at exactly 2 MSL: nothing at t-1, CLOSED at t, and nothing is sent', () => {
    const tcb = timeWait();
    expect(nextDeadline(tcb)).toBe(NOW + TWO_MSL);
    const early = handleTimeout(tcb, NOW + TWO_MSL - 1);
    expect(early.tcb).toBe(tcb);
    expect(early.out).toEqual([]);
    const end = handleTimeout(tcb, NOW + TWO_MSL);
    expect(end).toSendNothing();
    expect(end.out).toEqual([
      { kind: 'timer', timer: 'time-wait' },
      { kind: 'state', from: 'TIME-WAIT', to: 'CLOSED' },
      { kind: 'closed' },
    ]);
  });

  test('a short MSL is allowed, zero included', () => {
    expect(nextDeadline(timeWait({ msl: 1 * MS }))).toBe(NOW + 2 * MS);
    const none = timeWait({ msl: 0 });
    expect(handleTimeout(none, NOW)).toBeInTcpState('CLOSED');
  });

  test('the peer’s FIN again is acknowledged and restarts the 2 MSL wait', () => {
    const later = NOW + 10 * SECOND;
    const step = deliver(timeWait(), { ctl: 'FIN,ACK', seq: peer(1), ack: us(2) }, later);
    expect(step).toSend([{ ...TO_PEER, ctl: 'ACK', seq: us(2), ack: peer(2) }]);
    expect(step).toBeInTcpState('TIME-WAIT');
    expect(nextDeadline(step.tcb)).toBe(later + TWO_MSL);
  });

  test('a RST at RCV.NXT closes it (RFC 9293; RFC 1337 protection is not applied)', () => {
    const step = deliver(timeWait(), { ctl: 'RST', seq: peer(2) });
    expect(step).toSendNothing();
    expect(step.out).toEqual([{ kind: 'state', from: 'TIME-WAIT', to: 'CLOSED' }, { kind: 'closed' }]);
  });

  test('a SYN draws a challenge ACK; text is ignored', () => {
    expect(deliver(timeWait(), { ctl: 'SYN', seq: peer(100) })).toSend([
      { ...TO_PEER, ctl: 'ACK', seq: us(2), ack: peer(2) },
    ]);
    const text = deliver(timeWait(), { ctl: 'PSH,ACK', seq: peer(2), ack: us(2), data: 'x' });
    expect(text).toSendNothing();
    expect(nextDeadline(text.tcb)).toBe(NOW + TWO_MSL);
  });

  test('CLOSE answers "connection closing"; ABORT ends it without a reset', () => {
    expect(close(timeWait(), NOW).out).toEqual([{ kind: 'error', error: 'connection closing' }]);
    const step = abort(timeWait(), NOW);
    expect(step).toSendNothing();
    expect(step).toBeInTcpState('CLOSED');
  });
});
