/** CLOSED (RFC 9293 §3.10.7.1): the reply of a port with no connection, and user calls on a closed TCB. */

import { describe, expect, test } from 'vitest';
import { abort, close, closedPortReply, handleSegment, read, send } from '../../../sim/tcp/index.ts';
import { bytes, closed, deliver, FROM_PEER, NOW, peer, seg, TO_PEER, us } from './fixtures.ts';
import { traceLine } from './matchers.ts';

describe('closed port: the reset a segment with no connection gets', () => {
  test('a SYN gets <SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK>', () => {
    const reply = closedPortReply(seg({ ...FROM_PEER, ctl: 'SYN', seq: peer(0) }));
    expect(reply && traceLine(reply)).toBe(
      `10.0.0.1:1025 > 10.0.0.2:21 RST,ACK seq=0 ack=${peer(1)} wnd=0 len=0`,
    );
  });

  test('SEG.LEN counts the text, the SYN and the FIN, and wraps past 2^32', () => {
    const reply = closedPortReply(seg({ ...FROM_PEER, ctl: 'SYN,FIN', seq: 2 ** 32 - 2, data: 'hello' }));
    expect(reply?.ack).toBe(5); // 2^32 - 2 + 5 + 1 + 1
  });

  test('an ACK-bearing segment gets <SEQ=SEG.ACK><CTL=RST>', () => {
    for (const ctl of ['ACK', 'FIN,ACK', 'PSH,ACK', 'SYN,ACK']) {
      const reply = closedPortReply(seg({ ...FROM_PEER, ctl, seq: peer(1), ack: us(7), data: 'x' }));
      expect(reply && traceLine(reply)).toBe(`10.0.0.1:1025 > 10.0.0.2:21 RST seq=${us(7)} wnd=0 len=0`);
    }
  });

  test('a RST gets nothing, with or without ACK', () => {
    expect(closedPortReply(seg({ ...FROM_PEER, ctl: 'RST', seq: peer(1) }))).toBeNull();
    expect(closedPortReply(seg({ ...FROM_PEER, ctl: 'RST,ACK', seq: peer(1), ack: us(1) }))).toBeNull();
  });
});

describe('a TCB in CLOSED', () => {
  test('answers segments like a closed port and stays as it is', () => {
    const tcb = closed();
    const step = deliver(tcb, { ctl: 'ACK', seq: peer(1), ack: us(3) });
    expect(step).toSend([{ ...TO_PEER, ctl: 'RST', seq: us(3) }]);
    expect(step.tcb).toBe(tcb);
    expect(deliver(tcb, { ctl: 'RST', seq: peer(1) })).toSendNothing();
  });

  test('SEND, CLOSE, ABORT and RECEIVE answer "connection does not exist"', () => {
    const tcb = closed();
    for (const step of [send(tcb, bytes('x'), NOW), close(tcb, NOW), abort(tcb, NOW), read(tcb, 10, NOW)]) {
      expect(step).toSendNothing();
      expect(step.tcb).toBe(tcb);
      expect(step.out).toEqual([{ kind: 'error', error: 'connection does not exist' }]);
    }
  });

  test('a segment for another port is the caller’s mistake', () => {
    const other = seg({ ...FROM_PEER, dst: { addr: '10.0.0.1', port: 9 }, ctl: 'SYN', seq: 1 });
    expect(() => handleSegment(closed(), other, NOW)).toThrow(/not for the connection at local port 1025/);
  });
});
