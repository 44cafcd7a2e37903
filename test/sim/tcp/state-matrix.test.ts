/**
 * Every synchronized state against each kind of segment (SYN, ACK, FIN, RST, text), inside and outside the
 * window: RFC 9293 §3.10.7.4 as a table. Each row names the state, the segment, the state that follows,
 * and what is sent back; the fixtures' sequence numbers sit across 2^32.
 */

import { describe, expect, test } from 'vitest';
import { nextDeadline, readable, type Tcb, type TcpState } from '../../../sim/tcp/index.ts';
import { SECOND } from '../../../sim/time.ts';
import {
  closeWait,
  closing,
  deliver,
  established,
  finWait1,
  finWait2,
  lastAck,
  NOW,
  peer,
  type SegSpec,
  synReceived,
  TO_PEER,
  timeWait,
  us,
} from './fixtures.ts';

interface Fixture {
  readonly make: () => Tcb;
  /** SND.UNA, SND.NXT (ours) and RCV.NXT (the peer's next), as offsets from each ISS. */
  readonly una: number;
  readonly nxt: number;
  readonly rcv: number;
}

const STATES: Record<string, Fixture> = {
  'SYN-RECEIVED': { make: synReceived, una: 0, nxt: 1, rcv: 1 },
  ESTABLISHED: { make: established, una: 1, nxt: 1, rcv: 1 },
  'FIN-WAIT-1': { make: finWait1, una: 1, nxt: 2, rcv: 1 },
  'FIN-WAIT-2': { make: finWait2, una: 2, nxt: 2, rcv: 1 },
  'CLOSE-WAIT': { make: closeWait, una: 1, nxt: 1, rcv: 2 },
  CLOSING: { make: closing, una: 1, nxt: 2, rcv: 2 },
  'LAST-ACK': { make: lastAck, una: 1, nxt: 2, rcv: 2 },
  'TIME-WAIT': { make: timeWait, una: 2, nxt: 2, rcv: 2 },
};

type Input = 'SYN' | 'ACK' | 'FIN' | 'RST' | 'text';

function segment(input: Input, f: Fixture, offset: number): SegSpec {
  const seq = peer(f.rcv + offset);
  switch (input) {
    case 'SYN':
      return { ctl: 'SYN', seq: peer(f.rcv + offset + 5) };
    case 'ACK':
      return { ctl: 'ACK', seq, ack: us(f.nxt) };
    case 'FIN':
      return { ctl: 'FIN,ACK', seq, ack: us(f.nxt) };
    case 'RST':
      return { ctl: 'RST', seq };
    case 'text':
      // Acknowledges the SYN only (it must, to be processed in SYN-RECEIVED), never our FIN.
      return { ctl: 'PSH,ACK', seq, ack: us(Math.max(f.una, 1)), data: 'x' };
  }
}

/** What follows: the next state, and 'ack' (an ACK of RCV.NXT + n is sent) or 'nothing'. */
type Outcome = readonly [TcpState, 'nothing' | { ackPlus: number }];
const NONE = 'nothing' as const;
const ack = (n = 0) => ({ ackPlus: n });

const IN_WINDOW: Record<string, Record<Input, Outcome>> = {
  'SYN-RECEIVED': {
    SYN: ['LISTEN', NONE],
    ACK: ['ESTABLISHED', NONE],
    FIN: ['CLOSE-WAIT', ack(1)],
    RST: ['LISTEN', NONE],
    text: ['ESTABLISHED', ack(1)],
  },
  ESTABLISHED: {
    SYN: ['ESTABLISHED', ack()],
    ACK: ['ESTABLISHED', NONE],
    FIN: ['CLOSE-WAIT', ack(1)],
    RST: ['CLOSED', NONE],
    text: ['ESTABLISHED', ack(1)],
  },
  'FIN-WAIT-1': {
    SYN: ['FIN-WAIT-1', ack()],
    ACK: ['FIN-WAIT-2', NONE],
    FIN: ['TIME-WAIT', ack(1)],
    RST: ['CLOSED', NONE],
    text: ['FIN-WAIT-1', ack(1)],
  },
  'FIN-WAIT-2': {
    SYN: ['FIN-WAIT-2', ack()],
    ACK: ['FIN-WAIT-2', NONE],
    FIN: ['TIME-WAIT', ack(1)],
    RST: ['CLOSED', NONE],
    text: ['FIN-WAIT-2', ack(1)],
  },
  'CLOSE-WAIT': {
    SYN: ['CLOSE-WAIT', ack()],
    ACK: ['CLOSE-WAIT', NONE],
    FIN: ['CLOSE-WAIT', ack()],
    RST: ['CLOSED', NONE],
    text: ['CLOSE-WAIT', NONE],
  },
  CLOSING: {
    SYN: ['CLOSING', ack()],
    ACK: ['TIME-WAIT', NONE],
    FIN: ['TIME-WAIT', ack()],
    RST: ['CLOSED', NONE],
    text: ['CLOSING', NONE],
  },
  'LAST-ACK': {
    SYN: ['LAST-ACK', ack()],
    ACK: ['CLOSED', NONE],
    FIN: ['CLOSED', NONE],
    RST: ['CLOSED', NONE],
    text: ['LAST-ACK', NONE],
  },
  'TIME-WAIT': {
    SYN: ['TIME-WAIT', ack()],
    ACK: ['TIME-WAIT', NONE],
    FIN: ['TIME-WAIT', ack()],
    RST: ['CLOSED', NONE],
    text: ['TIME-WAIT', NONE],
  },
};

const INPUTS: Input[] = ['SYN', 'ACK', 'FIN', 'RST', 'text'];
const RESETS: TcpState[] = ['ESTABLISHED', 'FIN-WAIT-1', 'FIN-WAIT-2', 'CLOSE-WAIT'];

describe('inside the window, at RCV.NXT', () => {
  const rows = Object.entries(IN_WINDOW).flatMap(([state, outcomes]) =>
    INPUTS.map((input) => [state, input, ...outcomes[input]] as const),
  );
  test.each(rows)('%s + %s -> %s, sends %j', (state, input, next, reply) => {
    const f = STATES[state]!;
    const step = deliver(f.make(), segment(input, f, 0));
    expect(step).toBeInTcpState(next);
    const after = step.tcb;
    if (reply === NONE) expect(step).toSendNothing();
    else {
      // <SEQ=SND.NXT><ACK=RCV.NXT>, with SND.NXT and RCV.NXT as they are after the segment.
      expect(step).toSend([{ ...TO_PEER, ctl: 'ACK', seq: after.sndNxt, ack: peer(f.rcv + reply.ackPlus) }]);
      expect(after.sndNxt).toBe(us(f.nxt));
    }
    // Only a RST in a state where the user may still be waiting for data signals 'reset'.
    if (input === 'RST' && RESETS.includes(state as TcpState)) expect(step).toEmit('reset');
    else expect(step).not.toEmit('reset');
    // Text is kept only where the seventh step accepts it.
    if (input === 'text')
      expect(readable(after)).toBe(
        ['CLOSE-WAIT', 'CLOSING', 'LAST-ACK', 'TIME-WAIT'].includes(state) ? 0 : 1,
      );
  });
});

describe('outside the window', () => {
  const rows = Object.keys(STATES).flatMap((state) => INPUTS.map((input) => [state, input] as const));
  test.each(rows)(
    '%s + %s 70000 octets ahead: an ACK (nothing for a RST), state unchanged',
    (state, input) => {
      const f = STATES[state]!;
      const tcb = f.make();
      const step = deliver(tcb, segment(input, f, 70000));
      expect(step).toBeInTcpState(state as TcpState);
      if (input === 'RST') expect(step).toSendNothing();
      else expect(step).toSend([{ ...TO_PEER, ctl: 'ACK', seq: us(f.nxt), ack: peer(f.rcv) }]);
      expect(step).toEmit({ kind: 'drop', reason: 'not acceptable' });
      expect(nextDeadline(step.tcb)).toBe(nextDeadline(tcb));
    },
  );
});

describe('before the window (old duplicates)', () => {
  test.each(Object.keys(STATES))('%s: old text is acknowledged, never delivered again', (state) => {
    const f = STATES[state]!;
    const step = deliver(f.make(), {
      ctl: 'PSH,ACK',
      seq: peer(f.rcv - 3),
      ack: us(Math.max(f.una, 1)),
      data: 'old',
    });
    expect(step).toSend([{ ...TO_PEER, ctl: 'ACK', seq: us(f.nxt), ack: peer(f.rcv) }]);
    expect(readable(step.tcb)).toBe(0);
  });

  test('TIME-WAIT restarts its 2 MSL only for the peer’s own FIN again, not for any old FIN', () => {
    const tcb = timeWait();
    const later = NOW + 5 * SECOND;
    const again = deliver(tcb, { ctl: 'FIN,ACK', seq: peer(1), ack: us(2) }, later);
    expect(nextDeadline(again.tcb)).toBe(later + 60 * SECOND);
    const older = deliver(tcb, { ctl: 'FIN,ACK', seq: peer(0), ack: us(2) }, later);
    expect(nextDeadline(older.tcb)).toBe(nextDeadline(tcb));
  });
});
