/** The retransmission timer (RFC 6298): deadlines at t-1 and t, backoff, Karn's rule, RTT samples, limits. */

import { describe, expect, test } from 'vitest';
import { handleTimeout, nextDeadline, send, type Tcb } from '../../../sim/tcp/index.ts';
import { MS, SECOND } from '../../../sim/time.ts';
import { bytes, deliver, established, NOW, peer, TO_PEER, text, us } from './fixtures.ts';

const RTO = 200 * MS;

function withData(tcb: Tcb, n: number, at = NOW) {
  return send(tcb, bytes(text(n)), at);
}

describe('retransmission timeout', () => {
  test('unacknowledged data goes again at exactly the RTO, then at twice the RTO after that', () => {
    const sent = withData(established(), 100);
    expect(sent).toSend([{ ...TO_PEER, ctl: 'PSH,ACK', seq: us(1), ack: peer(1), data: text(100) }]);
    expect(nextDeadline(sent.tcb)).toBe(NOW + RTO);
    expect(handleTimeout(sent.tcb, NOW + RTO - 1)).toSendNothing();
    const first = handleTimeout(sent.tcb, NOW + RTO);
    expect(first).toSend([{ ...TO_PEER, ctl: 'PSH,ACK', seq: us(1), ack: peer(1), data: text(100) }]);
    expect(first.tcb.rto).toBe(2 * RTO);
    expect(nextDeadline(first.tcb)).toBe(NOW + 3 * RTO);
    expect(handleTimeout(first.tcb, NOW + 3 * RTO - 1)).toSendNothing();
    expect(handleTimeout(first.tcb, NOW + 3 * RTO)).toSend([
      { ...TO_PEER, ctl: 'PSH,ACK', seq: us(1), len: 100 },
    ]);
  });

  test('the backoff stops at maxRto', () => {
    let tcb = withData(established({ initialRto: 500 * MS, maxRto: 500 * MS }), 10).tcb;
    let at = NOW + RTO;
    const gaps: number[] = [];
    for (let i = 0; i < 4; i++) {
      tcb = handleTimeout(tcb, at).tcb;
      const next = nextDeadline(tcb)!;
      gaps.push((next - at) / MS);
      at = next;
    }
    expect(gaps).toEqual([400, 500, 500, 500]);
  });

  test('RTT samples follow RFC 6298 (2.3): RTTVAR from the old SRTT, then SRTT', () => {
    const tcb = established({ minRto: 1 * MS });
    expect([tcb.srtt, tcb.rttvar]).toEqual([10 * MS, 5 * MS]);
    const sent = withData(tcb, 10).tcb;
    const acked = deliver(sent, { ctl: 'ACK', seq: peer(1), ack: us(11) }, NOW + 30 * MS).tcb;
    // RTTVAR = 3/4 * 5 + 1/4 * |10 - 30| = 8.75 ms; SRTT = 7/8 * 10 + 1/8 * 30 = 12.5 ms; RTO = 12.5 + 4 * 8.75.
    expect(acked.rttvar).toBe(8.75 * MS);
    expect(acked.srtt).toBe(12.5 * MS);
    expect(acked.rto).toBe(47.5 * MS);
  });

  test('Karn: the ACK of a retransmitted segment gives no sample, and the backed-off RTO stays', () => {
    const sent = withData(established(), 10).tcb;
    const again = handleTimeout(sent, NOW + RTO).tcb;
    const acked = deliver(again, { ctl: 'ACK', seq: peer(1), ack: us(11) }, NOW + RTO + 5 * MS).tcb;
    expect(acked.srtt).toBe(10 * MS);
    expect(acked.rto).toBe(2 * RTO);
    // The next new segment is timed, and its sample brings the RTO back.
    const next = withData(acked, 10, NOW + 300 * MS).tcb;
    const sampled = deliver(next, { ctl: 'ACK', seq: peer(1), ack: us(21) }, NOW + 310 * MS).tcb;
    expect(sampled.rto).toBe(RTO);
  });

  test('an ACK of new data restarts the timer for what is still outstanding; the last ACK stops it', () => {
    const sent = withData(established(), 2000).tcb; // 1460 + 540
    const partial = deliver(sent, { ctl: 'ACK', seq: peer(1), ack: us(1461) }, NOW + 50 * MS).tcb;
    expect(nextDeadline(partial)).toBe(NOW + 50 * MS + RTO);
    const all = deliver(partial, { ctl: 'ACK', seq: peer(1), ack: us(2001) }, NOW + 60 * MS).tcb;
    expect(nextDeadline(all)).toBeNull();
  });

  test('after maxRetries retransmissions the connection times out, without a reset', () => {
    let tcb = withData(established({ maxRetries: 3 }), 10).tcb;
    for (let i = 0; i < 3; i++) tcb = handleTimeout(tcb, nextDeadline(tcb)!).tcb;
    const at = nextDeadline(tcb)!;
    expect(at).toBe(NOW + (1 + 2 + 4 + 8) * RTO);
    const step = handleTimeout(tcb, at);
    expect(step).toSendNothing();
    expect(step.out).toEqual([
      { kind: 'timer', timer: 'retransmit' },
      { kind: 'state', from: 'ESTABLISHED', to: 'CLOSED' },
      { kind: 'timed-out' },
      { kind: 'closed' },
    ]);
  });

  test('progress resets the retry count: a connection that keeps moving never times out', () => {
    let tcb = established({ maxRetries: 1 });
    let t = NOW;
    for (let i = 0; i < 5; i++) {
      tcb = withData(tcb, 10, t).tcb;
      t += RTO;
      tcb = handleTimeout(tcb, t).tcb;
      expect(tcb).toBeInTcpState('ESTABLISHED');
      tcb = deliver(tcb, { ctl: 'ACK', seq: peer(1), ack: us(10 * (i + 1) + 1) }, t + MS).tcb;
      expect(tcb.retries).toBe(0);
      t += 10 * MS;
    }
  });

  test('a timeout goes back to SND.UNA and sends one segment (cwnd is one segment after a loss)', () => {
    const sent = withData(established(), 4000);
    // Two full segments leave; Nagle holds the 1080-octet tail while they are unacknowledged.
    expect(sent).toSend([
      { ...TO_PEER, ctl: 'ACK', seq: us(1), len: 1460 },
      { ...TO_PEER, ctl: 'ACK', seq: us(1461), len: 1460 },
    ]);
    const rto = handleTimeout(sent.tcb, NOW + RTO);
    expect(rto).toSend([{ ...TO_PEER, ctl: 'ACK', seq: us(1), len: 1460 }]);
    // RFC 5681 (4): ssthresh = max(FlightSize / 2, 2 * SMSS) = max(1460, 2920); cwnd = 1 segment.
    expect(rto).toEmit({ kind: 'congestion', event: 'timeout', cwnd: 1460, ssthresh: 2920 });
    // The first comes back acknowledged: slow start allows two, the second goes again ...
    const acked = deliver(rto.tcb, { ctl: 'ACK', seq: peer(1), ack: us(1461) }, NOW + RTO + 20 * MS);
    expect(acked).toSend([{ ...TO_PEER, ctl: 'ACK', seq: us(1461), len: 1460 }]);
    // ... and once it is acknowledged, the tail.
    const tail = deliver(acked.tcb, { ctl: 'ACK', seq: peer(1), ack: us(2921) }, NOW + RTO + 40 * MS);
    expect(tail).toSend([{ ...TO_PEER, ctl: 'PSH,ACK', seq: us(2921), len: 1080 }]);
  });

  test('an ACK beyond a go-back point moves it: octets the peer already has are not sent again', () => {
    const sent = withData(established(), 4000).tcb;
    const rto = handleTimeout(sent, NOW + RTO).tcb;
    // The peer had the later segments: its ACK covers all but the last.
    const acked = deliver(rto, { ctl: 'ACK', seq: peer(1), ack: us(2921) }, NOW + RTO + 20 * MS);
    expect(acked).toSend([{ ...TO_PEER, ctl: 'PSH,ACK', seq: us(2921), len: 1080 }]);
  });

  test('the initial RTO is the option, 1 s by default', () => {
    expect(established().options.initialRto).toBe(1 * SECOND);
  });
});
