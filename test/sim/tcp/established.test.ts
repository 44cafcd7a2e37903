/** ESTABLISHED (RFC 9293 §3.10.7.4): each check in turn, text in and out of the window. */

import { describe, expect, test } from 'vitest';
import { atEof, handleTimeout, nextDeadline, read, readable, send } from '../../../sim/tcp/index.ts';
import { bytes, deliver, established, NOW, PEER_ISS, peer, TO_PEER, us } from './fixtures.ts';

const readAll = (tcb: Parameters<typeof read>[0]) => String.fromCharCode(...read(tcb, 1e9, NOW).bytes);

describe('ESTABLISHED: text', () => {
  test('text at RCV.NXT is readable and acknowledged at once; the window shrinks by its length', () => {
    const step = deliver(established(), { ctl: 'PSH,ACK', seq: peer(1), ack: us(1), data: 'hello' });
    expect(step).toSend([{ ...TO_PEER, ctl: 'ACK', seq: us(1), ack: peer(6), wnd: 65530, len: 0 }]);
    expect(step).toEmit('data');
    expect(readable(step.tcb)).toBe(5);
    expect(readAll(step.tcb)).toBe('hello');
  });

  test('text that crosses 2^32 is received whole (the peer’s RCV.NXT is 2^32 - 2)', () => {
    expect(peer(1)).toBe(2 ** 32 - 2);
    const step = deliver(established(), { ctl: 'PSH,ACK', seq: peer(1), ack: us(1), data: 'abcdefgh' });
    expect(step).toSend([{ ...TO_PEER, ctl: 'ACK', seq: us(1), ack: 6 }]);
    expect(readAll(step.tcb)).toBe('abcdefgh');
  });

  test('text beyond a gap is held and a duplicate ACK goes out; the gap filled releases both', () => {
    const held = deliver(established(), { ctl: 'PSH,ACK', seq: peer(6), ack: us(1), data: 'world' });
    expect(held).toSend([{ ...TO_PEER, ctl: 'ACK', seq: us(1), ack: peer(1), wnd: 65535 }]);
    expect(held).not.toEmit('data');
    expect(readable(held.tcb)).toBe(0);
    const filled = deliver(held.tcb, { ctl: 'PSH,ACK', seq: peer(1), ack: us(1), data: 'hello' });
    expect(filled).toSend([{ ...TO_PEER, ctl: 'ACK', seq: us(1), ack: peer(11), wnd: 65525 }]);
    expect(readAll(filled.tcb)).toBe('helloworld');
  });

  test('an old duplicate is not acceptable: it is acknowledged and dropped', () => {
    const first = deliver(established(), { ctl: 'PSH,ACK', seq: peer(1), ack: us(1), data: 'hello' }).tcb;
    const again = deliver(first, { ctl: 'PSH,ACK', seq: peer(1), ack: us(1), data: 'hello' });
    expect(again).toSend([{ ...TO_PEER, ctl: 'ACK', seq: us(1), ack: peer(6) }]);
    expect(again).toEmit({ kind: 'drop', reason: 'not acceptable' });
    expect(readAll(again.tcb)).toBe('hello');
  });

  test('a segment that is partly old is trimmed to its new octets', () => {
    const first = deliver(established(), { ctl: 'PSH,ACK', seq: peer(1), ack: us(1), data: 'hello' }).tcb;
    const step = deliver(first, { ctl: 'PSH,ACK', seq: peer(3), ack: us(1), data: 'lloXY' });
    expect(step).toSend([{ ...TO_PEER, ctl: 'ACK', seq: us(1), ack: peer(8) }]);
    expect(readAll(step.tcb)).toBe('helloXY');
  });

  test('text beyond the window is not acceptable; text across its edge is cut at the edge', () => {
    const small = established({ rcvBuf: 10 });
    const beyond = deliver(small, { ctl: 'PSH,ACK', seq: peer(11), ack: us(1), data: 'z' });
    expect(beyond).toSend([{ ...TO_PEER, ctl: 'ACK', seq: us(1), ack: peer(1), wnd: 10 }]);
    expect(readable(beyond.tcb)).toBe(0);
    const across = deliver(small, { ctl: 'FIN,PSH,ACK', seq: peer(1), ack: us(1), data: 'abcdefghijklmno' });
    expect(across).toSend([{ ...TO_PEER, ctl: 'ACK', seq: us(1), ack: peer(11), wnd: 0 }]);
    expect(readAll(across.tcb)).toBe('abcdefghij');
    // The FIN after the cut octets was cut with them.
    expect(across).toBeInTcpState('ESTABLISHED');
  });

  test('a segment without ACK is dropped and nothing is sent', () => {
    const step = deliver(established(), { ctl: 'PSH', seq: peer(1), data: 'x' });
    expect(step).toSendNothing();
    expect(step).toEmit({ kind: 'drop', reason: 'no ack' });
    expect(readable(step.tcb)).toBe(0);
  });

  test('a FIN: CLOSE-WAIT, acknowledged, the stream ends after the readable octets', () => {
    const step = deliver(established(), { ctl: 'FIN,PSH,ACK', seq: peer(1), ack: us(1), data: 'bye' });
    expect(step).toSend([{ ...TO_PEER, ctl: 'ACK', seq: us(1), ack: peer(5) }]);
    expect(step).toBeInTcpState('CLOSE-WAIT');
    expect(step.out.map((o) => o.kind)).toEqual(['state', 'segment', 'data', 'peer-closed']);
    expect(atEof(step.tcb)).toBe(false);
    const r = read(step.tcb, 10, NOW);
    expect(String.fromCharCode(...r.bytes)).toBe('bye');
    expect(atEof(r.tcb)).toBe(true);
  });

  test('a FIN beyond a gap waits for the gap', () => {
    const held = deliver(established(), { ctl: 'FIN,ACK', seq: peer(4), ack: us(1) });
    expect(held).toSend([{ ...TO_PEER, ctl: 'ACK', seq: us(1), ack: peer(1) }]);
    expect(held).toBeInTcpState('ESTABLISHED');
    const filled = deliver(held.tcb, { ctl: 'PSH,ACK', seq: peer(1), ack: us(1), data: 'abc' });
    expect(filled).toSend([{ ...TO_PEER, ctl: 'ACK', seq: us(1), ack: peer(5) }]);
    expect(filled).toBeInTcpState('CLOSE-WAIT');
  });
});

describe('ESTABLISHED: RST and SYN', () => {
  test('a RST at exactly RCV.NXT resets the connection; the queues are flushed', () => {
    const withData = send(established(), bytes('unsent?'), NOW).tcb;
    const step = deliver(withData, { ctl: 'RST', seq: peer(1) });
    expect(step).toSendNothing();
    expect(step.out).toEqual([
      { kind: 'state', from: 'ESTABLISHED', to: 'CLOSED' },
      { kind: 'reset' },
      { kind: 'closed' },
    ]);
    expect(step.tcb.sndQueue.length).toBe(0);
    expect(nextDeadline(step.tcb)).toBeNull();
  });

  test('a RST in the window but not at RCV.NXT draws a challenge ACK (RFC 5961 §3)', () => {
    const step = deliver(established(), { ctl: 'RST', seq: peer(1000) });
    expect(step).toSend([{ ...TO_PEER, ctl: 'ACK', seq: us(1), ack: peer(1) }]);
    expect(step).toBeInTcpState('ESTABLISHED');
    expect(step).toEmit({ kind: 'drop', reason: 'rst not exact' });
  });

  test('without the RFC 5961 mitigations, any RST in the window resets', () => {
    const step = deliver(established({ rfc5961: false }), { ctl: 'RST', seq: peer(1000) });
    expect(step).toSendNothing();
    expect(step).toEmit('reset');
  });

  test('a RST outside the window is dropped silently', () => {
    for (const seq of [peer(0), peer(70000)]) {
      const step = deliver(established(), { ctl: 'RST', seq });
      expect(step).toSendNothing();
      expect(step).toBeInTcpState('ESTABLISHED');
    }
  });

  test('a SYN in the window draws a challenge ACK (RFC 5961 §4)', () => {
    const step = deliver(established(), { ctl: 'SYN', seq: peer(5) });
    expect(step).toSend([{ ...TO_PEER, ctl: 'ACK', seq: us(1), ack: peer(1) }]);
    expect(step).toBeInTcpState('ESTABLISHED');
  });

  test('without the mitigations, a SYN in the window is answered with a reset and resets', () => {
    const step = deliver(established({ rfc5961: false }), { ctl: 'SYN', seq: peer(5) });
    expect(step).toSend([{ ...TO_PEER, ctl: 'RST,ACK', seq: 0, ack: peer(6) }]);
    expect(step).toEmit('reset');
    expect(step).toBeInTcpState('CLOSED');
  });

  test('the peer’s SYN,ACK again (our ACK was lost) is old: it is acknowledged again', () => {
    const step = deliver(established(), { ctl: 'SYN,ACK', seq: PEER_ISS, ack: us(1) });
    expect(step).toSend([{ ...TO_PEER, ctl: 'ACK', seq: us(1), ack: peer(1) }]);
    expect(step).toBeInTcpState('ESTABLISHED');
  });
});

describe('ESTABLISHED: the ACK field', () => {
  test('an ACK of our data frees the send queue and stops the retransmission timer', () => {
    const sent = send(established(), bytes('abc'), NOW);
    expect(sent).toSend([{ ...TO_PEER, ctl: 'PSH,ACK', seq: us(1), ack: peer(1), data: 'abc' }]);
    expect(nextDeadline(sent.tcb)).not.toBeNull();
    const acked = deliver(sent.tcb, { ctl: 'ACK', seq: peer(1), ack: us(4) }, NOW + 10);
    expect(acked).toSendNothing();
    expect(acked.tcb.sndUna).toBe(us(4));
    expect(acked.tcb.sndQueue.length).toBe(0);
    expect(nextDeadline(acked.tcb)).toBeNull();
  });

  test('an ACK of something not yet sent is answered with an ACK and the segment is dropped', () => {
    const step = deliver(established(), { ctl: 'PSH,ACK', seq: peer(1), ack: us(5), data: 'x' });
    expect(step).toSend([{ ...TO_PEER, ctl: 'ACK', seq: us(1), ack: peer(1) }]);
    expect(readable(step.tcb)).toBe(0);
  });

  test('an ACK older than SND.UNA - MAX.SND.WND is dropped with an ACK (RFC 5961 §5); without it, ignored', () => {
    const old = us(1 - 70000);
    const strict = deliver(established(), { ctl: 'PSH,ACK', seq: peer(1), ack: old, data: 'x' });
    expect(strict).toSend([{ ...TO_PEER, ctl: 'ACK', seq: us(1), ack: peer(1) }]);
    expect(readable(strict.tcb)).toBe(0);
    const lax = deliver(established({ rfc5961: false }), {
      ctl: 'PSH,ACK',
      seq: peer(1),
      ack: old,
      data: 'x',
    });
    expect(lax).toSend([{ ...TO_PEER, ctl: 'ACK', seq: us(1), ack: peer(2) }]);
    expect(readable(lax.tcb)).toBe(1);
  });

  test('the window is taken only from a segment newer than the last that set it (SND.WL1, SND.WL2)', () => {
    // A segment beyond a gap sets SND.WL1 far ahead ...
    const ahead = deliver(established(), {
      ctl: 'PSH,ACK',
      seq: peer(10),
      ack: us(1),
      wnd: 3000,
      data: 'jk',
    });
    expect(ahead.tcb.sndWnd).toBe(3000);
    expect([ahead.tcb.sndWl1, ahead.tcb.sndWl2]).toEqual([peer(10), us(1)]);
    // ... so the older segment that fills the gap (SEG.SEQ < SND.WL1) does not set the window back.
    const filled = deliver(ahead.tcb, {
      ctl: 'PSH,ACK',
      seq: peer(1),
      ack: us(1),
      wnd: 100,
      data: 'abcdefghi',
    });
    expect(readable(filled.tcb)).toBe(11);
    expect(filled.tcb.sndWnd).toBe(3000);
    // Pure window updates: a newer SEG.SEQ, then the same SEG.SEQ with SEG.ACK not older, both count.
    const update = deliver(filled.tcb, { ctl: 'ACK', seq: peer(12), ack: us(1), wnd: 4000 });
    expect(update.tcb.sndWnd).toBe(4000);
    const again = deliver(update.tcb, { ctl: 'ACK', seq: peer(12), ack: us(1), wnd: 5000 });
    expect(again.tcb.sndWnd).toBe(5000);
    expect(again.tcb.maxSndWnd).toBe(65535);
  });

  test('a zero window holds text back; a probe at RCV.NXT is refused but its ACK is processed', () => {
    const full = deliver(established({ rcvBuf: 4 }), {
      ctl: 'PSH,ACK',
      seq: peer(1),
      ack: us(1),
      data: 'abcd',
    });
    expect(full).toSend([{ ...TO_PEER, ctl: 'ACK', seq: us(1), ack: peer(5), wnd: 0 }]);
    const withData = send(full.tcb, bytes('q'), NOW).tcb;
    const probe = deliver(withData, { ctl: 'PSH,ACK', seq: peer(5), ack: us(2), data: 'e' });
    expect(probe).toSend([{ ...TO_PEER, ctl: 'ACK', seq: us(2), ack: peer(5), wnd: 0 }]);
    expect(probe.tcb.sndUna).toBe(us(2));
    expect(readable(probe.tcb)).toBe(4);
  });

  test('nothing is due in an idle connection, and an early timeout call changes nothing', () => {
    const tcb = established();
    expect(nextDeadline(tcb)).toBeNull();
    const step = handleTimeout(tcb, NOW + 1e12);
    expect(step.tcb).toBe(tcb);
    expect(step.out).toEqual([]);
  });
});
