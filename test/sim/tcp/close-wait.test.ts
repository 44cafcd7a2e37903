/** CLOSE-WAIT, LAST-ACK and CLOSING: the peer's FIN is in (RFC 9293 §3.10.4, §3.10.7.4). */

import { describe, expect, test } from 'vitest';
import { abort, atEof, close, handleTimeout, nextDeadline, read, send } from '../../../sim/tcp/index.ts';
import { MS, SECOND } from '../../../sim/time.ts';
import {
  bytes,
  closeWait,
  closing,
  deliver,
  established,
  lastAck,
  NOW,
  peer,
  TO_PEER,
  us,
} from './fixtures.ts';

const RTO = 200 * MS;

describe('CLOSE-WAIT', () => {
  test('we may still send; CLOSE sends our FIN and enters LAST-ACK', () => {
    const sent = send(closeWait(), bytes('221 bye'), NOW);
    expect(sent).toSend([{ ...TO_PEER, ctl: 'PSH,ACK', seq: us(1), ack: peer(2), data: '221 bye' }]);
    const step = close(sent.tcb, NOW);
    expect(step).toSend([{ ...TO_PEER, ctl: 'FIN,ACK', seq: us(8), ack: peer(2) }]);
    expect(step).toBeInTcpState('LAST-ACK');
  });

  test('text after the FIN is ignored; the retransmitted FIN is acknowledged again', () => {
    const text = deliver(closeWait(), { ctl: 'PSH,ACK', seq: peer(2), ack: us(1), data: 'late' });
    expect(text).toSendNothing();
    expect(text.tcb.rcvQueue.length).toBe(0);
    expect(deliver(closeWait(), { ctl: 'FIN,ACK', seq: peer(1), ack: us(1) })).toSend([
      { ...TO_PEER, ctl: 'ACK', seq: us(1), ack: peer(2) },
    ]);
  });

  test('a RST at RCV.NXT resets; a SYN draws a challenge ACK', () => {
    expect(deliver(closeWait(), { ctl: 'RST', seq: peer(2) })).toEmit('reset');
    expect(deliver(closeWait(), { ctl: 'SYN', seq: peer(9) })).toSend([
      { ...TO_PEER, ctl: 'ACK', seq: us(1), ack: peer(2) },
    ]);
  });
});

describe('LAST-ACK', () => {
  test('the ACK of our FIN closes the connection; nothing is sent', () => {
    const step = deliver(lastAck(), { ctl: 'ACK', seq: peer(2), ack: us(2) });
    expect(step).toSendNothing();
    expect(step.out).toEqual([{ kind: 'state', from: 'LAST-ACK', to: 'CLOSED' }, { kind: 'closed' }]);
  });

  test('octets that arrived before the FIN stay readable after the connection has closed', () => {
    const got = deliver(established(), { ctl: 'FIN,PSH,ACK', seq: peer(1), ack: us(1), data: '150 ok' }).tcb;
    const last = close(got, NOW).tcb;
    const done = deliver(last, { ctl: 'ACK', seq: peer(8), ack: us(2) });
    expect(done).toBeInTcpState('CLOSED');
    const r = read(done.tcb, 100, NOW);
    expect(String.fromCharCode(...r.bytes)).toBe('150 ok');
    expect(r.out).toEqual([]);
    expect(atEof(r.tcb)).toBe(true);
  });

  test('an ACK short of our FIN changes nothing', () => {
    const step = deliver(lastAck(), { ctl: 'ACK', seq: peer(2), ack: us(1) });
    expect(step).toSendNothing();
    expect(step).toBeInTcpState('LAST-ACK');
  });

  test('a RST closes without a reset signal: the user has closed already', () => {
    const step = deliver(lastAck(), { ctl: 'RST', seq: peer(2) });
    expect(step.out).toEqual([{ kind: 'state', from: 'LAST-ACK', to: 'CLOSED' }, { kind: 'closed' }]);
  });

  test('the FIN goes again at the RTO, and after maxRetries the connection gives up', () => {
    let tcb = lastAck({ maxRetries: 2 });
    expect(handleTimeout(tcb, NOW + RTO - 1)).toSendNothing();
    const first = handleTimeout(tcb, NOW + RTO);
    expect(first).toSend([{ ...TO_PEER, ctl: 'FIN,ACK', seq: us(1), ack: peer(2) }]);
    tcb = first.tcb;
    expect(nextDeadline(tcb)).toBe(NOW + 3 * RTO);
    tcb = handleTimeout(tcb, NOW + 3 * RTO).tcb;
    expect(nextDeadline(tcb)).toBe(NOW + 7 * RTO);
    const last = handleTimeout(tcb, NOW + 7 * RTO);
    expect(last).toSendNothing();
    expect(last).toEmit('timed-out');
    expect(last).toBeInTcpState('CLOSED');
  });

  test('SEND and CLOSE answer "connection closing"; ABORT closes without a reset', () => {
    expect(send(lastAck(), bytes('x'), NOW).out).toEqual([{ kind: 'error', error: 'connection closing' }]);
    expect(close(lastAck(), NOW).out).toEqual([{ kind: 'error', error: 'connection closing' }]);
    const step = abort(lastAck(), NOW);
    expect(step).toSendNothing();
    expect(step).toBeInTcpState('CLOSED');
  });
});

describe('CLOSING', () => {
  test('the ACK of our FIN leads to TIME-WAIT for 2 MSL', () => {
    const step = deliver(closing(), { ctl: 'ACK', seq: peer(2), ack: us(2) });
    expect(step).toSendNothing();
    expect(step).toBeInTcpState('TIME-WAIT');
    expect(nextDeadline(step.tcb)).toBe(NOW + 60 * SECOND);
  });

  test('an ACK that does not cover our FIN is ignored', () => {
    const step = deliver(closing(), { ctl: 'ACK', seq: peer(2), ack: us(1) });
    expect(step).toSendNothing();
    expect(step).toBeInTcpState('CLOSING');
  });

  test('the peer’s FIN again is acknowledged again; our FIN goes again at the RTO', () => {
    expect(deliver(closing(), { ctl: 'FIN,ACK', seq: peer(1), ack: us(1) })).toSend([
      { ...TO_PEER, ctl: 'ACK', seq: us(2), ack: peer(2) },
    ]);
    expect(handleTimeout(closing(), NOW + RTO - 1)).toSendNothing();
    expect(handleTimeout(closing(), NOW + RTO)).toSend([
      { ...TO_PEER, ctl: 'FIN,ACK', seq: us(1), ack: peer(2) },
    ]);
  });

  test('a RST closes without a reset signal', () => {
    const step = deliver(closing(), { ctl: 'RST', seq: peer(2) });
    expect(step).toBeInTcpState('CLOSED');
    expect(step).not.toEmit('reset');
  });
});
