/** SYN-SENT (RFC 9293 §3.10.7.3) and the active OPEN (§3.10.1). */

import { describe, expect, test } from 'vitest';
import {
  abort,
  close,
  createTcb,
  handleTimeout,
  nextDeadline,
  open,
  read,
  send,
} from '../../../sim/tcp/index.ts';
import { MS, SECOND } from '../../../sim/time.ts';
import {
  bytes,
  closed,
  deliver,
  ISS,
  LOCAL,
  NOW,
  PEER_ISS,
  peer,
  RTT,
  synSent,
  TO_PEER,
  us,
} from './fixtures.ts';

describe('active OPEN', () => {
  test('sends <SEQ=ISS><CTL=SYN> with our MSS and window, and arms the 1 s initial RTO', () => {
    const step = open(closed(), ISS, 0);
    expect(step).toSend([{ ...TO_PEER, ctl: 'SYN', seq: us(0), wnd: 65535, mss: 1460, len: 0 }]);
    expect(step).toBeInTcpState('SYN-SENT');
    expect(step.tcb.sndUna).toBe(us(0));
    expect(step.tcb.sndNxt).toBe(us(1));
    expect(nextDeadline(step.tcb)).toBe(1 * SECOND);
  });

  test('without a remote socket, or on an open connection, OPEN is an error', () => {
    expect(open(createTcb(LOCAL), ISS, 0).out).toEqual([
      { kind: 'error', error: 'foreign socket unspecified' },
    ]);
    expect(open(synSent(), ISS, 0).out).toEqual([{ kind: 'error', error: 'connection already exists' }]);
    expect(() => open(closed(), 2 ** 32, 0)).toThrow(/ISS must be an integer/);
  });
});

describe('SYN-SENT', () => {
  test('an acceptable SYN,ACK establishes the connection and is acknowledged', () => {
    const step = deliver(synSent(), { ctl: 'SYN,ACK', seq: PEER_ISS, ack: us(1), wnd: 5000, mss: 1000 });
    expect(step).toSend([{ ...TO_PEER, ctl: 'ACK', seq: us(1), ack: peer(1), wnd: 65535, len: 0 }]);
    expect(step).toBeInTcpState('ESTABLISHED');
    expect(step).toEmit('connected');
    const t = step.tcb;
    expect([t.irs, t.rcvNxt, t.sndUna, t.sndWnd, t.sndWl1, t.sndWl2]).toEqual([
      PEER_ISS,
      peer(1),
      us(1),
      5000,
      PEER_ISS,
      us(1),
    ]);
    expect(t.sndMss).toBe(1000);
    // The SYN was timed: RFC 6298 (2.2) gives SRTT = R, RTTVAR = R/2, RTO = max(200 ms, R + 4 RTTVAR).
    expect([t.srtt, t.rttvar, t.rto]).toEqual([RTT, RTT / 2, 200 * MS]);
    // RFC 5681 IW for an MSS of 1000: min(4 * 1000, max(2 * 1000, 4380)) = 4000.
    expect(t.cwnd).toBe(4000);
    expect(nextDeadline(t)).toBeNull();
  });

  test.each([
    ['SEG.ACK = ISS', us(0)],
    ['SEG.ACK > SND.NXT', us(2)],
    ['SEG.ACK far off', 12345],
  ])(
    'an unacceptable ACK (%s) is answered <SEQ=SEG.ACK><CTL=RST> and the SYN stays outstanding',
    (_, ack) => {
      const tcb = synSent();
      const step = deliver(tcb, { ctl: 'SYN,ACK', seq: PEER_ISS, ack });
      expect(step).toSend([{ ...TO_PEER, ctl: 'RST', seq: ack }]);
      expect(step).toBeInTcpState('SYN-SENT');
      expect(nextDeadline(step.tcb)).toBe(nextDeadline(tcb));
    },
  );

  test('a RST with an acceptable ACK means the connection was refused', () => {
    const step = deliver(synSent(), { ctl: 'RST,ACK', seq: 0, ack: us(1) });
    expect(step).toSendNothing();
    expect(step.out).toEqual([
      { kind: 'state', from: 'SYN-SENT', to: 'CLOSED' },
      { kind: 'refused' },
      { kind: 'closed' },
    ]);
    expect(nextDeadline(step.tcb)).toBeNull();
  });

  test('a RST without ACK, or with an unacceptable one, is dropped silently', () => {
    for (const spec of [
      { ctl: 'RST', seq: peer(0) },
      { ctl: 'RST,ACK', seq: 0, ack: us(5) },
    ]) {
      const step = deliver(synSent(), spec);
      expect(step).toSendNothing();
      expect(step).toBeInTcpState('SYN-SENT');
      expect(step).toEmit({ kind: 'drop', reason: 'rst ignored' });
    }
  });

  test('a SYN without ACK is a simultaneous open: SYN-RECEIVED, and our SYN again with an ACK', () => {
    const step = deliver(synSent(), { ctl: 'SYN', seq: PEER_ISS, mss: 1460 });
    expect(step).toSend([{ ...TO_PEER, ctl: 'SYN,ACK', seq: us(0), ack: peer(1), mss: 1460 }]);
    expect(step).toBeInTcpState('SYN-RECEIVED');
    expect(step.tcb.passive).toBe(false);
  });

  test('an ACK or a FIN without SYN is dropped and nothing is sent', () => {
    for (const spec of [
      { ctl: 'ACK', seq: peer(0), ack: us(1) },
      { ctl: 'FIN', seq: peer(0) },
      { ctl: 'PSH', seq: peer(0), data: 'x' },
    ]) {
      const step = deliver(synSent(), spec);
      expect(step).toSendNothing();
      expect(step).toBeInTcpState('SYN-SENT');
    }
  });

  test('text on the SYN,ACK is accepted: readable, and acknowledged after the SYN', () => {
    const step = deliver(synSent(), { ctl: 'SYN,PSH,ACK', seq: PEER_ISS, ack: us(1), data: 'hello' });
    expect(step).toSend([{ ...TO_PEER, ctl: 'ACK', seq: us(1), ack: peer(6), wnd: 65530 }]);
    expect(step).toEmit('data');
    expect(String.fromCharCode(...read(step.tcb, 100, NOW).bytes)).toBe('hello');
  });

  test('a FIN on the SYN,ACK moves on to CLOSE-WAIT', () => {
    const step = deliver(synSent(), { ctl: 'SYN,FIN,ACK', seq: PEER_ISS, ack: us(1) });
    expect(step).toSend([{ ...TO_PEER, ctl: 'ACK', seq: us(1), ack: peer(2) }]);
    expect(step).toBeInTcpState('CLOSE-WAIT');
    expect(step).toEmit('peer-closed');
  });

  test('data written before the handshake completes leaves with the ACK of the SYN,ACK', () => {
    const queued = send(synSent(), bytes('early'), 0);
    expect(queued).toSendNothing();
    const step = deliver(queued.tcb, { ctl: 'SYN,ACK', seq: PEER_ISS, ack: us(1) });
    expect(step).toSend([{ ...TO_PEER, ctl: 'PSH,ACK', seq: us(1), ack: peer(1), data: 'early' }]);
  });

  test('CLOSE and ABORT end the attempt without a segment', () => {
    for (const step of [close(synSent(), NOW), abort(synSent(), NOW)]) {
      expect(step).toSendNothing();
      expect(step).toBeInTcpState('CLOSED');
      expect(step).toEmit('closed');
    }
  });
});

describe('SYN retransmission', () => {
  test('the SYN goes again at exactly 1 s, then after 2 s more (backoff)', () => {
    const tcb = synSent();
    expect(handleTimeout(tcb, 1 * SECOND - 1)).toSendNothing();
    expect(handleTimeout(tcb, 1 * SECOND - 1).tcb).toBe(tcb);
    const first = handleTimeout(tcb, 1 * SECOND);
    expect(first).toSend([{ ...TO_PEER, ctl: 'SYN', seq: us(0), mss: 1460 }]);
    expect(first).toEmit({ kind: 'timer', timer: 'retransmit' });
    expect(nextDeadline(first.tcb)).toBe(3 * SECOND);
    expect(handleTimeout(first.tcb, 3 * SECOND - 1)).toSendNothing();
    expect(handleTimeout(first.tcb, 3 * SECOND)).toSend([{ ...TO_PEER, ctl: 'SYN', seq: us(0) }]);
  });

  test('after synRetries retransmissions the connect times out', () => {
    let tcb = synSent({ synRetries: 2 });
    tcb = handleTimeout(tcb, 1 * SECOND).tcb;
    tcb = handleTimeout(tcb, 3 * SECOND).tcb;
    expect(handleTimeout(tcb, 7 * SECOND - 1)).toSendNothing();
    const last = handleTimeout(tcb, 7 * SECOND);
    expect(last).toSendNothing();
    expect(last.out).toEqual([
      { kind: 'timer', timer: 'retransmit' },
      { kind: 'state', from: 'SYN-SENT', to: 'CLOSED' },
      { kind: 'timed-out' },
      { kind: 'closed' },
    ]);
    expect(nextDeadline(last.tcb)).toBeNull();
  });

  test('after a lost SYN: no RTT sample (Karn), an RTO of 3 s (RFC 6298 5.7), and a one-segment window', () => {
    const again = handleTimeout(synSent(), 1 * SECOND).tcb;
    const step = deliver(again, { ctl: 'SYN,ACK', seq: PEER_ISS, ack: us(1), mss: 1460 }, 1 * SECOND + RTT);
    expect(step).toBeInTcpState('ESTABLISHED');
    expect(step.tcb.srtt).toBeNull();
    expect(step.tcb.rto).toBe(3 * SECOND);
    expect(step.tcb.cwnd).toBe(1460);
  });
});
