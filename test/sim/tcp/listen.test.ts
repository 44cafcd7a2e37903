/** LISTEN (RFC 9293 §3.10.7.2, §3.10.1). */

import { describe, expect, test } from 'vitest';
import { abort, close, createTcb, listen, open, send } from '../../../sim/tcp/index.ts';
import {
  bytes,
  deliver,
  FROM_PEER,
  ISS,
  LOCAL,
  listening,
  NOW,
  PEER_ISS,
  peer,
  REMOTE,
  TO_PEER,
  us,
} from './fixtures.ts';

describe('LISTEN', () => {
  test('a RST is ignored', () => {
    const tcb = listening();
    const step = deliver(tcb, { ctl: 'RST', seq: peer(0) });
    expect(step).toSendNothing();
    expect(step.tcb).toBe(tcb);
    expect(step).toEmit({ kind: 'drop', reason: 'rst ignored' });
  });

  test('an ACK is answered <SEQ=SEG.ACK><CTL=RST> and the listener stays', () => {
    const tcb = listening();
    const step = deliver(tcb, { ctl: 'ACK', seq: peer(1), ack: 12345 });
    expect(step).toSend([{ ...TO_PEER, ctl: 'RST', seq: 12345 }]);
    expect(step.tcb).toBe(tcb);
  });

  test('a SYN opens a connection in SYN-RECEIVED that answers SYN,ACK with our MSS and window', () => {
    const tcb = listening();
    const step = deliver(tcb, { ctl: 'SYN', seq: PEER_ISS, mss: 1460 }, 0);
    expect(step).toSend([
      { ...TO_PEER, ctl: 'SYN,ACK', seq: us(0), ack: peer(1), wnd: 65535, mss: 1460, len: 0 },
    ]);
    expect(step).toBeInTcpState('SYN-RECEIVED');
    expect(step.out[0]).toEqual({ kind: 'state', from: 'LISTEN', to: 'SYN-RECEIVED' });
    expect(step.tcb.remote).toEqual(REMOTE);
    expect(step.tcb.irs).toBe(PEER_ISS);
    expect(step.tcb.rcvNxt).toBe(peer(1));
    expect(step.tcb.sndUna).toBe(us(0));
    expect(step.tcb.sndNxt).toBe(us(1));
    // The listening value is untouched: a listener can keep it and open one connection per SYN.
    expect(tcb).toBeInTcpState('LISTEN');
    expect(tcb.remote).toBeNull();
  });

  test('the ISS given with the SYN replaces the one given to listen', () => {
    const step = deliver(listening(), { ctl: 'SYN', seq: PEER_ISS }, 0, 777);
    expect(step).toSend([{ ...TO_PEER, ctl: 'SYN,ACK', seq: 777, ack: peer(1) }]);
  });

  test.each([
    [1460, 1460, 1460],
    [536, 1460, 536],
    [undefined, 1460, 536],
    [9000, 1000, 1000],
  ])('peer MSS %s with ours %s: segments of %s', (peerMss, ours, used) => {
    const spec =
      peerMss === undefined ? { ctl: 'SYN', seq: PEER_ISS } : { ctl: 'SYN', seq: PEER_ISS, mss: peerMss };
    const step = deliver(listening({ mss: ours }), spec, 0);
    expect(step.tcb.sndMss).toBe(used);
    expect(step).toSend([{ ...TO_PEER, ctl: 'SYN,ACK', seq: us(0), ack: peer(1), mss: ours }]);
  });

  test('text on a SYN is not acknowledged nor kept: the peer sends it again', () => {
    const step = deliver(listening(), { ctl: 'SYN', seq: PEER_ISS, data: 'early' }, 0);
    expect(step).toSend([{ ...TO_PEER, ctl: 'SYN,ACK', seq: us(0), ack: peer(1) }]);
    expect(step.tcb.rcvQueue.length).toBe(0);
  });

  test.each(['FIN', 'PSH'])('a %s without SYN is dropped and nothing is sent', (ctl) => {
    const tcb = listening();
    const step = deliver(tcb, { ctl, seq: peer(1), data: 'x' });
    expect(step).toSendNothing();
    expect(step.tcb).toBe(tcb);
    expect(step).toEmit({ kind: 'drop', reason: 'unexpected' });
  });

  test('CLOSE and ABORT end the listener without a segment; SEND has no one to send to', () => {
    const tcb = listening();
    const closedStep = close(tcb, NOW);
    expect(closedStep).toSendNothing();
    expect(closedStep.out).toEqual([{ kind: 'state', from: 'LISTEN', to: 'CLOSED' }, { kind: 'closed' }]);
    expect(abort(tcb, NOW)).toSendNothing();
    expect(abort(tcb, NOW)).toBeInTcpState('CLOSED');
    expect(send(tcb, bytes('x'), NOW).out).toEqual([{ kind: 'error', error: 'foreign socket unspecified' }]);
  });

  test('listen on a TCB that is not CLOSED is an error; a bad ISS is the caller’s mistake', () => {
    expect(listen(listening(), ISS).out).toEqual([{ kind: 'error', error: 'connection already exists' }]);
    expect(() => listen(createTcb(LOCAL), -1)).toThrow(/ISS must be an integer/);
  });

  test('a fully specified listen accepts its remote and keeps it when reset back to LISTEN', () => {
    const tcb = listen(createTcb(LOCAL, REMOTE), ISS).tcb;
    const syn = deliver(tcb, { ctl: 'SYN', seq: PEER_ISS }, 0);
    expect(syn).toBeInTcpState('SYN-RECEIVED');
    const rst = deliver(syn.tcb, { ...FROM_PEER, ctl: 'RST', seq: peer(1) });
    expect(rst).toBeInTcpState('LISTEN');
    expect(rst.tcb.remote).toEqual(REMOTE);
    const other = { ...FROM_PEER, src: { addr: '10.0.0.3', port: 21 }, ctl: 'SYN', seq: 5 };
    // A SYN from another port is not for this TCB (the caller demultiplexes).
    expect(() => deliver(rst.tcb, { ...other, src: { addr: '10.0.0.2', port: 22 } })).toThrow(
      /not for the connection/,
    );
  });

  test('an active OPEN on a listener with a remote socket turns it into SYN-SENT (RFC 9293 §3.10.1)', () => {
    const tcb = listen(createTcb(LOCAL, REMOTE), ISS).tcb;
    const step = open(tcb, 4242, NOW);
    expect(step).toSend([{ ...TO_PEER, ctl: 'SYN', seq: 4242, mss: 1460 }]);
    expect(step.out[0]).toEqual({ kind: 'state', from: 'LISTEN', to: 'SYN-SENT' });
    expect(step.tcb.passive).toBe(false);
  });
});
