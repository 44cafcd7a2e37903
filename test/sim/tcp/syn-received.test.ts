/** SYN-RECEIVED (RFC 9293 §3.10.7.4), passive and after a simultaneous open. */

import { describe, expect, test } from 'vitest';
import { abort, close, handleTimeout, nextDeadline, read, send } from '../../../sim/tcp/index.ts';
import { SECOND } from '../../../sim/time.ts';
import { bytes, deliver, NOW, PEER_ISS, peer, RTT, synReceived, synSent, TO_PEER, us } from './fixtures.ts';

/** Our SYN and theirs crossed: we are in SYN-RECEIVED from SYN-SENT. */
function simultaneous() {
  const step = deliver(synSent(), { ctl: 'SYN', seq: PEER_ISS, mss: 1460 });
  expect(step).toBeInTcpState('SYN-RECEIVED');
  return step.tcb;
}

describe('SYN-RECEIVED (passive)', () => {
  test('the ACK of our SYN establishes the connection; nothing is sent', () => {
    const step = deliver(synReceived(), { ctl: 'ACK', seq: peer(1), ack: us(1) });
    expect(step).toSendNothing();
    expect(step).toBeInTcpState('ESTABLISHED');
    expect(step).toEmit('connected');
    expect(step.tcb.sndUna).toBe(us(1));
    expect(step.tcb.srtt).toBe(NOW);
    expect(nextDeadline(step.tcb)).toBeNull();
  });

  test.each([us(0), us(5)])('an unacceptable ACK %d is answered <SEQ=SEG.ACK><CTL=RST>', (ack) => {
    const step = deliver(synReceived(), { ctl: 'ACK', seq: peer(1), ack });
    expect(step).toSend([{ ...TO_PEER, ctl: 'RST', seq: ack }]);
    expect(step).toBeInTcpState('SYN-RECEIVED');
  });

  test('a RST at RCV.NXT returns the connection to LISTEN, and the user is not told', () => {
    const step = deliver(synReceived(), { ctl: 'RST', seq: peer(1) });
    expect(step).toSendNothing();
    expect(step.out).toEqual([{ kind: 'state', from: 'SYN-RECEIVED', to: 'LISTEN' }]);
    expect(step.tcb.remote).toBeNull();
    expect(nextDeadline(step.tcb)).toBeNull();
  });

  test('a RST in the window but not at RCV.NXT draws a challenge ACK (RFC 5961 §3)', () => {
    const step = deliver(synReceived(), { ctl: 'RST', seq: peer(100) });
    expect(step).toSend([{ ...TO_PEER, ctl: 'ACK', seq: us(1), ack: peer(1) }]);
    expect(step).toBeInTcpState('SYN-RECEIVED');
  });

  test('a RST outside the window is dropped silently', () => {
    const step = deliver(synReceived(), { ctl: 'RST', seq: peer(70000) });
    expect(step).toSendNothing();
    expect(step).toBeInTcpState('SYN-RECEIVED');
  });

  test('the peer’s SYN again (our SYN,ACK was lost) draws our SYN,ACK again at once', () => {
    const step = deliver(synReceived(), { ctl: 'SYN', seq: PEER_ISS, mss: 1460 });
    expect(step).toSend([{ ...TO_PEER, ctl: 'SYN,ACK', seq: us(0), ack: peer(1), mss: 1460 }]);
    expect(step).toBeInTcpState('SYN-RECEIVED');
  });

  test('a new SYN inside the window returns the connection to LISTEN', () => {
    const step = deliver(synReceived(), { ctl: 'SYN', seq: peer(10) });
    expect(step).toSendNothing();
    expect(step).toBeInTcpState('LISTEN');
  });

  test('text without ACK is dropped', () => {
    const step = deliver(synReceived(), { ctl: 'PSH', seq: peer(1), data: 'x' });
    expect(step).toSendNothing();
    expect(step).toEmit({ kind: 'drop', reason: 'no ack' });
    expect(step.tcb.rcvQueue.length).toBe(0);
  });

  test('text on the ACK is accepted once established', () => {
    const step = deliver(synReceived(), { ctl: 'PSH,ACK', seq: peer(1), ack: us(1), data: 'USER x' });
    expect(step).toSend([{ ...TO_PEER, ctl: 'ACK', seq: us(1), ack: peer(7) }]);
    expect(step).toBeInTcpState('ESTABLISHED');
    expect(String.fromCharCode(...read(step.tcb, 99, NOW).bytes)).toBe('USER x');
  });

  test('a FIN on the ACK goes on to CLOSE-WAIT', () => {
    const step = deliver(synReceived(), { ctl: 'FIN,ACK', seq: peer(1), ack: us(1) });
    expect(step).toSend([{ ...TO_PEER, ctl: 'ACK', seq: us(1), ack: peer(2) }]);
    expect(step.out.filter((o) => o.kind === 'state').map((o) => o.kind === 'state' && o.to)).toEqual([
      'ESTABLISHED',
      'CLOSE-WAIT',
    ]);
  });

  test('the SYN,ACK is retransmitted at exactly 1 s', () => {
    const tcb = synReceived();
    expect(handleTimeout(tcb, 1 * SECOND - 1)).toSendNothing();
    expect(handleTimeout(tcb, 1 * SECOND)).toSend([{ ...TO_PEER, ctl: 'SYN,ACK', seq: us(0), ack: peer(1) }]);
  });

  test('CLOSE is queued until established, then the FIN follows the queued data', () => {
    const written = send(synReceived(), bytes('abc'), NOW);
    expect(written).toSendNothing();
    const closing = close(written.tcb, NOW);
    expect(closing).toSendNothing();
    expect(closing).toBeInTcpState('SYN-RECEIVED');
    expect(send(closing.tcb, bytes('late'), NOW).out).toEqual([
      { kind: 'error', error: 'connection closing' },
    ]);
    expect(close(closing.tcb, NOW).out).toEqual([{ kind: 'error', error: 'connection closing' }]);
    const step = deliver(closing.tcb, { ctl: 'ACK', seq: peer(1), ack: us(1) });
    expect(step).toSend([{ ...TO_PEER, ctl: 'FIN,PSH,ACK', seq: us(1), ack: peer(1), data: 'abc' }]);
    expect(step).toBeInTcpState('FIN-WAIT-1');
    expect(step).toEmit('connected');
  });

  test('ABORT sends <SEQ=SND.NXT><CTL=RST>', () => {
    const step = abort(synReceived(), NOW);
    expect(step).toSend([{ ...TO_PEER, ctl: 'RST', seq: us(1) }]);
    expect(step).toBeInTcpState('CLOSED');
  });
});

describe('SYN-RECEIVED after a simultaneous open', () => {
  test('the peer’s SYN,ACK (its SYN already seen) establishes the connection, as in RFC 9293 Figure 8', () => {
    const step = deliver(simultaneous(), { ctl: 'SYN,ACK', seq: PEER_ISS, ack: us(1), mss: 1460 }, 2 * RTT);
    expect(step).toSendNothing();
    expect(step).toBeInTcpState('ESTABLISHED');
    expect(step).toEmit('connected');
  });

  test('a bare ACK of our SYN establishes it too', () => {
    const step = deliver(simultaneous(), { ctl: 'ACK', seq: peer(1), ack: us(1) }, 2 * RTT);
    expect(step).toBeInTcpState('ESTABLISHED');
  });

  test('a RST means the connection was refused', () => {
    const step = deliver(simultaneous(), { ctl: 'RST', seq: peer(1) });
    expect(step.out).toEqual([
      { kind: 'state', from: 'SYN-RECEIVED', to: 'CLOSED' },
      { kind: 'refused' },
      { kind: 'closed' },
    ]);
  });
});
