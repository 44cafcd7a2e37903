/** Delayed ACK (RFC 1122 §4.2.3.2, RFC 5681 §4.2), an option that is off by default. */

import { describe, expect, test } from 'vitest';
import { handleTimeout, nextDeadline, send, type Tcb } from '../../../sim/tcp/index.ts';
import { MS } from '../../../sim/time.ts';
import { bytes, deliver, established, NOW, peer, TO_PEER, us } from './fixtures.ts';

const DELAY = 200 * MS;
const lazy = (): Tcb => established({ delayedAck: true });
const data = (tcb: Tcb, at: number, seq: number, text: string) =>
  deliver(tcb, { ctl: 'PSH,ACK', seq, ack: us(1), data: text }, at);

describe('delayed ACK', () => {
  test('is off by default: every segment is acknowledged at once', () => {
    expect(data(established(), NOW, peer(1), 'a')).toSend([
      { ...TO_PEER, ctl: 'ACK', seq: us(1), ack: peer(2) },
    ]);
  });

  test('one segment is acknowledged at exactly the delay, not before', () => {
    const step = data(lazy(), NOW, peer(1), 'a');
    expect(step).toSendNothing();
    expect(nextDeadline(step.tcb)).toBe(NOW + DELAY);
    expect(handleTimeout(step.tcb, NOW + DELAY - 1)).toSendNothing();
    const fired = handleTimeout(step.tcb, NOW + DELAY);
    expect(fired).toSend([{ ...TO_PEER, ctl: 'ACK', seq: us(1), ack: peer(2) }]);
    expect(fired).toEmit({ kind: 'timer', timer: 'delayed-ack' });
    expect(nextDeadline(fired.tcb)).toBeNull();
  });

  test('the second segment is acknowledged at once, with the first', () => {
    const one = data(lazy(), NOW, peer(1), 'a').tcb;
    const two = data(one, NOW + MS, peer(2), 'b');
    expect(two).toSend([{ ...TO_PEER, ctl: 'ACK', seq: us(1), ack: peer(3) }]);
    expect(nextDeadline(two.tcb)).toBeNull();
  });

  test('a segment beyond a gap, and the one that fills it, are acknowledged at once', () => {
    const ahead = data(lazy(), NOW, peer(2), 'b');
    expect(ahead).toSend([{ ...TO_PEER, ctl: 'ACK', seq: us(1), ack: peer(1) }]);
    const fill = data(ahead.tcb, NOW + MS, peer(1), 'a');
    expect(fill).toSend([{ ...TO_PEER, ctl: 'ACK', seq: us(1), ack: peer(3) }]);
  });

  test('a FIN is acknowledged at once', () => {
    const step = deliver(lazy(), { ctl: 'FIN,ACK', seq: peer(1), ack: us(1) });
    expect(step).toSend([{ ...TO_PEER, ctl: 'ACK', seq: us(1), ack: peer(2) }]);
  });

  test('data we send carries the delayed ACK and cancels the timer', () => {
    const waiting = data(lazy(), NOW, peer(1), 'USER x').tcb;
    const reply = send(waiting, bytes('331 ok'), NOW + 5 * MS);
    expect(reply).toSend([{ ...TO_PEER, ctl: 'PSH,ACK', seq: us(1), ack: peer(7), data: '331 ok' }]);
    expect(reply.tcb.ackAt).toBeNull();
  });

  test('the earliest of several timers is the deadline; a retransmission carries the delayed ACK', () => {
    const sent = send(lazy(), bytes('RETR f'), NOW).tcb;
    const got = data(sent, NOW + 50 * MS, peer(1), '1').tcb;
    expect([got.rtxAt, got.ackAt]).toEqual([NOW + 200 * MS, NOW + 250 * MS]);
    expect(nextDeadline(got)).toBe(NOW + 200 * MS);
    const again = handleTimeout(got, NOW + 200 * MS);
    expect(again).toSend([{ ...TO_PEER, ctl: 'PSH,ACK', seq: us(1), ack: peer(2), data: 'RETR f' }]);
    expect(again.tcb.ackAt).toBeNull();
    expect(nextDeadline(again.tcb)).toBe(NOW + 600 * MS);
  });
});
