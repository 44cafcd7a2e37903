/** FIN-WAIT-1 and FIN-WAIT-2: we closed first (RFC 9293 §3.10.4, §3.10.7.4). */

import { describe, expect, test } from 'vitest';
import { abort, close, handleTimeout, nextDeadline, readable, send } from '../../../sim/tcp/index.ts';
import { MS, SECOND } from '../../../sim/time.ts';
import { bytes, deliver, established, finWait1, finWait2, NOW, peer, TO_PEER, us } from './fixtures.ts';

const RTO = 200 * MS;

describe('FIN-WAIT-1', () => {
  test('CLOSE sends the FIN after the queued data, with the RTO armed', () => {
    const written = send(established(), bytes('last words'), NOW).tcb;
    const step = close(written, NOW);
    // The data already left with the write; the FIN follows alone (Nagle does not hold a FIN).
    expect(step).toSend([{ ...TO_PEER, ctl: 'FIN,ACK', seq: us(11), ack: peer(1), len: 0 }]);
    expect(step).toBeInTcpState('FIN-WAIT-1');
    expect(nextDeadline(step.tcb)).toBe(NOW + RTO);
  });

  test('the ACK of our FIN moves on to FIN-WAIT-2; nothing is sent', () => {
    const step = deliver(finWait1(), { ctl: 'ACK', seq: peer(1), ack: us(2) });
    expect(step).toSendNothing();
    expect(step).toBeInTcpState('FIN-WAIT-2');
    expect(nextDeadline(step.tcb)).toBeNull();
  });

  test('an ACK that does not cover the FIN leaves us in FIN-WAIT-1', () => {
    const step = deliver(finWait1(), { ctl: 'ACK', seq: peer(1), ack: us(1) });
    expect(step).toSendNothing();
    expect(step).toBeInTcpState('FIN-WAIT-1');
  });

  test('a FIN that also acknowledges ours goes straight to TIME-WAIT', () => {
    const step = deliver(finWait1(), { ctl: 'FIN,ACK', seq: peer(1), ack: us(2) });
    expect(step).toSend([{ ...TO_PEER, ctl: 'ACK', seq: us(2), ack: peer(2) }]);
    expect(step.out.filter((o) => o.kind === 'state').map((o) => o.kind === 'state' && o.to)).toEqual([
      'FIN-WAIT-2',
      'TIME-WAIT',
    ]);
    expect(nextDeadline(step.tcb)).toBe(NOW + 60 * SECOND);
  });

  test('a FIN that crosses ours (not acknowledging it) leads to CLOSING', () => {
    const step = deliver(finWait1(), { ctl: 'FIN,ACK', seq: peer(1), ack: us(1) });
    expect(step).toSend([{ ...TO_PEER, ctl: 'ACK', seq: us(2), ack: peer(2) }]);
    expect(step).toBeInTcpState('CLOSING');
    expect(step).toEmit('peer-closed');
  });

  test('text is still received after we closed', () => {
    const step = deliver(finWait1(), { ctl: 'PSH,ACK', seq: peer(1), ack: us(1), data: 'more' });
    expect(step).toSend([{ ...TO_PEER, ctl: 'ACK', seq: us(2), ack: peer(5) }]);
    expect(readable(step.tcb)).toBe(4);
  });

  test('text outside the window is acknowledged and dropped', () => {
    const step = deliver(finWait1(), { ctl: 'PSH,ACK', seq: peer(70000), ack: us(1), data: 'x' });
    expect(step).toSend([{ ...TO_PEER, ctl: 'ACK', seq: us(2), ack: peer(1) }]);
  });

  test('a RST at RCV.NXT resets; a SYN draws a challenge ACK', () => {
    expect(deliver(finWait1(), { ctl: 'RST', seq: peer(1) })).toEmit('reset');
    expect(deliver(finWait1(), { ctl: 'SYN', seq: peer(3) })).toSend([
      { ...TO_PEER, ctl: 'ACK', seq: us(2), ack: peer(1) },
    ]);
  });

  test('the FIN is retransmitted at exactly the RTO', () => {
    const tcb = finWait1();
    expect(handleTimeout(tcb, NOW + RTO - 1)).toSendNothing();
    expect(handleTimeout(tcb, NOW + RTO)).toSend([{ ...TO_PEER, ctl: 'FIN,ACK', seq: us(1), ack: peer(1) }]);
  });

  test('SEND and CLOSE now answer "connection closing"; ABORT sends <SEQ=SND.NXT><CTL=RST>', () => {
    const tcb = finWait1();
    expect(send(tcb, bytes('x'), NOW).out).toEqual([{ kind: 'error', error: 'connection closing' }]);
    expect(close(tcb, NOW).out).toEqual([{ kind: 'error', error: 'connection closing' }]);
    expect(abort(tcb, NOW)).toSend([{ ...TO_PEER, ctl: 'RST', seq: us(2) }]);
  });
});

describe('FIN-WAIT-2', () => {
  test('no timer runs: the RFC has no FIN-WAIT-2 timeout', () => {
    expect(nextDeadline(finWait2())).toBeNull();
  });

  test('text is received and acknowledged', () => {
    const step = deliver(finWait2(), { ctl: 'PSH,ACK', seq: peer(1), ack: us(2), data: '226 ok' });
    expect(step).toSend([{ ...TO_PEER, ctl: 'ACK', seq: us(2), ack: peer(7) }]);
    expect(step).toBeInTcpState('FIN-WAIT-2');
  });

  test('the peer’s FIN is acknowledged and TIME-WAIT starts for 2 MSL', () => {
    const step = deliver(finWait2({ msl: 5 * MS }), { ctl: 'FIN,ACK', seq: peer(1), ack: us(2) });
    expect(step).toSend([{ ...TO_PEER, ctl: 'ACK', seq: us(2), ack: peer(2) }]);
    expect(step).toBeInTcpState('TIME-WAIT');
    expect(nextDeadline(step.tcb)).toBe(NOW + 10 * MS);
  });

  test('a RST at RCV.NXT resets, a SYN draws a challenge ACK, text out of window an ACK', () => {
    expect(deliver(finWait2(), { ctl: 'RST', seq: peer(1) })).toEmit('reset');
    expect(deliver(finWait2(), { ctl: 'SYN', seq: peer(3) })).toSend([
      { ...TO_PEER, ctl: 'ACK', seq: us(2), ack: peer(1) },
    ]);
    expect(deliver(finWait2(), { ctl: 'PSH,ACK', seq: peer(0), ack: us(2), data: 'x' })).toSend([
      { ...TO_PEER, ctl: 'ACK', seq: us(2), ack: peer(1) },
    ]);
  });

  test('ABORT sends a reset', () => {
    expect(abort(finWait2(), NOW)).toSend([{ ...TO_PEER, ctl: 'RST', seq: us(2) }]);
  });
});
