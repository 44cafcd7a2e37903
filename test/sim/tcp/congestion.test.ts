/** Congestion control: RFC 5681 slow start, congestion avoidance, fast retransmit; RFC 6582 NewReno. */

import { describe, expect, test } from 'vitest';
import { handleTimeout, type Step, send, type Tcb } from '../../../sim/tcp/index.ts';
import { MS } from '../../../sim/time.ts';
import { bytes, deliver, established, NOW, peer, TO_PEER, text, us } from './fixtures.ts';

const MSS = 1460;
const dupAck = (tcb: Tcb, at = NOW + 20 * MS, wnd = 65535) =>
  deliver(tcb, { ctl: 'ACK', seq: peer(1), ack: us(1), wnd }, at);
const ackTo = (tcb: Tcb, n: number, at = NOW + 20 * MS) =>
  deliver(tcb, { ctl: 'ACK', seq: peer(1), ack: us(n) }, at);

/** Ten full segments in flight (initial window of 10) and 30000 octets written. */
function tenInFlight(): Tcb {
  const step = send(established({ initialCwnd: 10 }), bytes(text(30000)), NOW);
  expect(step.out.filter((o) => o.kind === 'segment')).toHaveLength(10);
  expect(step.tcb.sndNxt).toBe(us(1 + 10 * MSS));
  return step.tcb;
}

function congestion(step: Step) {
  return step.out.filter((o) => o.kind === 'congestion');
}

describe('slow start and congestion avoidance (RFC 5681 §3.1)', () => {
  test('the initial window is min(4 MSS, max(2 MSS, 4380)): three segments of 1460', () => {
    const step = send(established(), bytes(text(10 * MSS)), NOW);
    expect(step.tcb.cwnd).toBe(4380);
    expect(step).toSend([
      { ...TO_PEER, ctl: 'ACK', seq: us(1), len: MSS },
      { ...TO_PEER, ctl: 'ACK', seq: us(1 + MSS), len: MSS },
      { ...TO_PEER, ctl: 'ACK', seq: us(1 + 2 * MSS), len: MSS },
    ]);
  });

  test('in slow start each ACK grows cwnd by the octets it acknowledges, at most one MSS', () => {
    const sent = send(established(), bytes(text(10 * MSS)), NOW).tcb;
    const one = ackTo(sent, 1 + MSS);
    expect(one.tcb.cwnd).toBe(4380 + MSS);
    // Two segments left: the window now has room for two more than are in flight.
    expect(one).toSend([
      { ...TO_PEER, ctl: 'ACK', seq: us(1 + 3 * MSS), len: MSS },
      { ...TO_PEER, ctl: 'ACK', seq: us(1 + 4 * MSS), len: MSS },
    ]);
    const two = ackTo(one.tcb, 1 + 3 * MSS);
    expect(two.tcb.cwnd).toBe(4380 + 2 * MSS);
  });

  test('above ssthresh each ACK grows cwnd by MSS * MSS / cwnd', () => {
    const sent = send(established(), bytes(text(10 * MSS)), NOW).tcb;
    const lost = handleTimeout(sent, NOW + 200 * MS).tcb;
    // Three segments were in flight: ssthresh = max(4380 / 2, 2 MSS).
    expect([lost.cwnd, lost.ssthresh]).toEqual([MSS, 2 * MSS]);
    const ss = ackTo(lost, 1 + MSS, NOW + 220 * MS).tcb;
    expect(ss.cwnd).toBe(2 * MSS);
    const ca = ackTo(ss, 1 + 2 * MSS, NOW + 240 * MS).tcb;
    expect(ca.cwnd).toBe(2 * MSS + Math.floor((MSS * MSS) / (2 * MSS)));
    const ca2 = ackTo(ca, 1 + 3 * MSS, NOW + 260 * MS).tcb;
    expect(ca2.cwnd).toBe(ca.cwnd + Math.floor((MSS * MSS) / ca.cwnd));
  });

  test('cwnd stops growing at twice the largest window offered, where it can no longer limit sending', () => {
    let tcb = send(established({}, 5000), bytes(text(200 * MSS)), NOW).tcb;
    let t = NOW;
    for (let i = 0; i < 40; i++) {
      t += 20 * MS;
      tcb = deliver(tcb, { ctl: 'ACK', seq: peer(1), ack: tcb.sndNxt, wnd: 5000 }, t).tcb;
    }
    expect(tcb.cwnd).toBe(10000);
  });
});

describe('fast retransmit and NewReno fast recovery (RFC 5681 §3.2, RFC 6582)', () => {
  test('the third duplicate ACK retransmits the first segment and halves the window', () => {
    let tcb = tenInFlight();
    for (let i = 0; i < 2; i++) {
      const step = dupAck(tcb);
      expect(step).toSendNothing();
      tcb = step.tcb;
    }
    expect(tcb.dupAcks).toBe(2);
    const third = dupAck(tcb);
    expect(third).toSend([{ ...TO_PEER, ctl: 'ACK', seq: us(1), len: MSS }]);
    // ssthresh = FlightSize / 2 = 7300; cwnd = ssthresh + 3 MSS.
    expect(congestion(third)).toEqual([
      { kind: 'congestion', event: 'fast-retransmit', cwnd: 11680, ssthresh: 7300 },
    ]);
    expect(third.tcb.recover).toBe(us(10 * MSS));
  });

  test('further duplicates inflate cwnd by one MSS each, until new data fits', () => {
    let tcb = tenInFlight();
    for (let i = 0; i < 3; i++) tcb = dupAck(tcb).tcb;
    expect(dupAck(tcb)).toSendNothing();
    tcb = dupAck(tcb).tcb;
    tcb = dupAck(tcb).tcb;
    expect(tcb.cwnd).toBe(11680 + 2 * MSS);
    const sixth = dupAck(tcb);
    expect(sixth.tcb.cwnd).toBe(11680 + 3 * MSS);
    expect(sixth).toSend([{ ...TO_PEER, ctl: 'ACK', seq: us(1 + 10 * MSS), len: MSS }]);
  });

  test('a partial ACK retransmits the next hole and deflates; the full ACK ends recovery', () => {
    let tcb = tenInFlight();
    for (let i = 0; i < 6; i++) tcb = dupAck(tcb).tcb;
    expect(tcb.cwnd).toBe(16060);
    // The retransmission filled the first hole; the second segment was lost too.
    const partial = ackTo(tcb, 1 + 2 * MSS, NOW + 40 * MS);
    expect(partial).toSend([
      { ...TO_PEER, ctl: 'ACK', seq: us(1 + 2 * MSS), len: MSS },
      { ...TO_PEER, ctl: 'ACK', seq: us(1 + 11 * MSS), len: MSS },
    ]);
    // cwnd - 2920 acknowledged + one MSS added back.
    expect(congestion(partial)).toEqual([
      { kind: 'congestion', event: 'partial-ack', cwnd: 14600, ssthresh: 7300 },
    ]);
    expect(partial.tcb.rtxAt).toBe(NOW + 40 * MS + 200 * MS);
    // Everything up to recover and beyond arrives: cwnd = min(ssthresh, max(FlightSize, MSS) + MSS).
    const full = ackTo(partial.tcb, 1 + 12 * MSS, NOW + 60 * MS);
    expect(congestion(full)).toEqual([
      { kind: 'congestion', event: 'recovered', cwnd: 2 * MSS, ssthresh: 7300 },
    ]);
    expect(full.tcb.inRecovery).toBe(false);
    expect(full).toSend([
      { ...TO_PEER, ctl: 'ACK', seq: us(1 + 12 * MSS), len: MSS },
      { ...TO_PEER, ctl: 'ACK', seq: us(1 + 13 * MSS), len: MSS },
    ]);
  });

  test('only the first partial ACK restarts the retransmission timer', () => {
    let tcb = tenInFlight();
    for (let i = 0; i < 3; i++) tcb = dupAck(tcb).tcb;
    const first = ackTo(tcb, 1 + MSS, NOW + 40 * MS).tcb;
    expect(first.rtxAt).toBe(NOW + 240 * MS);
    const second = ackTo(first, 1 + 2 * MSS, NOW + 60 * MS).tcb;
    expect(second.rtxAt).toBe(NOW + 240 * MS);
  });

  test('an ACK that changes the window, or carries data, is not a duplicate', () => {
    let tcb = tenInFlight();
    for (let i = 0; i < 4; i++)
      tcb = deliver(tcb, { ctl: 'ACK', seq: peer(1), ack: us(1), wnd: 60000 - i }).tcb;
    expect(tcb.dupAcks).toBe(0);
    tcb = tenInFlight();
    for (let i = 0; i < 4; i++)
      tcb = deliver(tcb, { ctl: 'PSH,ACK', seq: peer(1 + i), ack: us(1), data: 'x' }).tcb;
    expect(tcb.dupAcks).toBe(0);
    expect(tcb.inRecovery).toBe(false);
  });

  test('ACKs answering zero-window probes are not counted as duplicates', () => {
    const tcb = send(established({}, 0), bytes('abc'), NOW).tcb;
    let t = tcb;
    for (let i = 0; i < 5; i++) {
      t = handleTimeout(t, t.persistAt!).tcb;
      t = dupAck(t, t.persistAt! - 1, 0).tcb;
    }
    expect(t.dupAcks).toBe(0);
  });

  test('after a timeout, duplicates that do not cover recover do not start another recovery (RFC 6582)', () => {
    let tcb = tenInFlight();
    tcb = handleTimeout(tcb, NOW + 200 * MS).tcb;
    expect(tcb.recover).toBe(us(10 * MSS));
    for (let i = 0; i < 3; i++) {
      const step = dupAck(tcb, NOW + 220 * MS);
      expect(step).toSendNothing();
      tcb = step.tcb;
    }
    expect(tcb.inRecovery).toBe(false);
    expect(tcb.ssthresh).toBe(7300);
  });
});
