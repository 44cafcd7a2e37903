/** Sending: MSS segmentation, PSH, Nagle (RFC 1122 §4.2.3.4), sender SWS avoidance (RFC 9293 §3.8.6.2.1). */

import { describe, expect, test } from 'vitest';
import { close, handleTimeout, nextDeadline, send } from '../../../sim/tcp/index.ts';
import { MS } from '../../../sim/time.ts';
import { bytes, deliver, established, NOW, peer, TO_PEER, text, us } from './fixtures.ts';

describe('segmentation', () => {
  test('a write is cut into MSS-sized segments, PSH on the one that ends it; payloads are views', () => {
    const data = bytes(text(4000));
    const step = send(established({ nagle: false }), data, NOW);
    expect(step).toSend([
      { ...TO_PEER, ctl: 'ACK', seq: us(1), ack: peer(1), data: text(1460) },
      { ...TO_PEER, ctl: 'ACK', seq: us(1461), data: text(1460, 1460) },
      { ...TO_PEER, ctl: 'PSH,ACK', seq: us(2921), data: text(1080, 2920) },
    ]);
    for (const o of step.out) if (o.kind === 'segment') expect(o.seg.payload.buffer).toBe(data.buffer);
  });

  test('the peer’s smaller MSS sets the segment size', () => {
    const step = send(established({ nagle: false }, 65535, 536), bytes(text(1200)), NOW);
    expect(step).toSend([
      { ...TO_PEER, ctl: 'ACK', seq: us(1), len: 536 },
      { ...TO_PEER, ctl: 'ACK', seq: us(537), len: 536 },
      { ...TO_PEER, ctl: 'PSH,ACK', seq: us(1073), len: 128 },
    ]);
  });

  test('the send window limits what leaves', () => {
    const step = send(established({}, 2920), bytes(text(4000)), NOW);
    expect(step).toSend([
      { ...TO_PEER, ctl: 'ACK', seq: us(1), len: 1460 },
      { ...TO_PEER, ctl: 'ACK', seq: us(1461), len: 1460 },
    ]);
    expect(step.tcb.sndNxt).toBe(us(2921));
  });
});

describe('Nagle', () => {
  test('with data unacknowledged, small writes wait and leave together on the ACK', () => {
    const a = send(established(), bytes('a'), NOW);
    expect(a).toSend([{ ...TO_PEER, ctl: 'PSH,ACK', seq: us(1), data: 'a' }]);
    const b = send(a.tcb, bytes('b'), NOW);
    expect(b).toSendNothing();
    const c = send(b.tcb, bytes('c'), NOW);
    expect(c).toSendNothing();
    const acked = deliver(c.tcb, { ctl: 'ACK', seq: peer(1), ack: us(2) }, NOW + 10 * MS);
    expect(acked).toSend([{ ...TO_PEER, ctl: 'PSH,ACK', seq: us(2), data: 'bc' }]);
  });

  test('off (TCP_NODELAY), every write leaves at once', () => {
    const a = send(established({ nagle: false }), bytes('a'), NOW);
    expect(send(a.tcb, bytes('b'), NOW)).toSend([{ ...TO_PEER, ctl: 'PSH,ACK', seq: us(2), data: 'b' }]);
  });

  test('full segments are never held; only the small tail waits', () => {
    const a = send(established(), bytes('a'), NOW).tcb;
    const big = send(a, bytes(text(3000)), NOW);
    expect(big).toSend([
      { ...TO_PEER, ctl: 'ACK', seq: us(2), len: 1460 },
      { ...TO_PEER, ctl: 'ACK', seq: us(1462), len: 1460 },
    ]);
  });

  test('CLOSE sends the held tail at once, with the FIN', () => {
    const a = send(established(), bytes('a'), NOW).tcb;
    const bc = send(a, bytes('bc'), NOW).tcb;
    expect(close(bc, NOW)).toSend([{ ...TO_PEER, ctl: 'FIN,PSH,ACK', seq: us(2), data: 'bc' }]);
  });
});

describe('sender silly-window avoidance', () => {
  test('a window too small for a useful segment is not used until the override (persist) timer', () => {
    // The peer offered 1000 at most; now 300 are free and 2000 octets wait.
    const first = send(established({}, 1000), bytes(text(3000)), NOW);
    expect(first).toSend([{ ...TO_PEER, ctl: 'ACK', seq: us(1), len: 1000 }]);
    const small = deliver(first.tcb, { ctl: 'ACK', seq: peer(1), ack: us(1001), wnd: 300 }, NOW + 10 * MS);
    expect(small).toSendNothing();
    // Nothing is in flight, so the persist timer stands in for the RFC's override timeout.
    const at = nextDeadline(small.tcb)!;
    expect(at).toBe(NOW + 10 * MS + 200 * MS);
    expect(handleTimeout(small.tcb, at - 1)).toSendNothing();
    expect(handleTimeout(small.tcb, at)).toSend([{ ...TO_PEER, ctl: 'ACK', seq: us(1001), len: 300 }]);
  });

  test('a segment of at least half the largest window offered goes at once', () => {
    const first = send(established({}, 1000), bytes(text(3000)), NOW).tcb;
    const half = deliver(first, { ctl: 'ACK', seq: peer(1), ack: us(1001), wnd: 500 }, NOW + 10 * MS);
    expect(half).toSend([{ ...TO_PEER, ctl: 'ACK', seq: us(1001), len: 500 }]);
  });
});
