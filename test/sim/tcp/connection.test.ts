/**
 * Whole connections between two machines over the test link (pair.ts): the handshakes, the ways a
 * connection ends, and recovery from loss and from half-open connections.
 */

import { describe, expect, test } from 'vitest';
import { flagNames, type Segment } from '../../../sim/tcp/index.ts';
import { MS, SECOND } from '../../../sim/time.ts';
import { type Fate, Pair } from './pair.ts';

const D = 10 * MS; // one-way delay of the test link
const SHORT = { msl: 100 * MS };

/** Control bits and sequence numbers of what a side sent, as a compact trace. */
function ctl(segs: Segment[]): string[] {
  return segs.map((s) => flagNames(s.flags));
}

describe('opening', () => {
  test('three-way handshake: SYN, SYN,ACK, ACK; A is established after one RTT, B after 1.5', () => {
    const p = new Pair({ delay: D });
    p.run((q) => q.a.tcb.state === 'ESTABLISHED');
    expect(p.now).toBe(2 * D);
    p.run((q) => q.b.tcb.state === 'ESTABLISHED');
    expect(p.now).toBe(3 * D);
    expect(ctl(p.a.sent)).toEqual(['SYN', 'ACK']);
    expect(ctl(p.b.sent)).toEqual(['SYN,ACK']);
    expect(p.a.states).toEqual(['CLOSED', 'SYN-SENT', 'ESTABLISHED']);
    expect(p.b.states).toEqual(['CLOSED', 'LISTEN', 'SYN-RECEIVED', 'ESTABLISHED']);
    expect(p.a.tcb.sndWnd).toBe(65535);
    expect(p.b.tcb.sndWnd).toBe(65535);
  });

  test('simultaneous open: both SYNs cross, both answer SYN,ACK, both are established (RFC 9293 Figure 8)', () => {
    const p = new Pair({ delay: D, simultaneous: true });
    p.connect();
    expect(p.now).toBe(2 * D);
    expect(ctl(p.a.sent)).toEqual(['SYN', 'SYN,ACK']);
    expect(ctl(p.b.sent)).toEqual(['SYN', 'SYN,ACK']);
    expect(p.a.states).toEqual(['CLOSED', 'SYN-SENT', 'SYN-RECEIVED', 'ESTABLISHED']);
    expect(p.b.states).toEqual(['CLOSED', 'SYN-SENT', 'SYN-RECEIVED', 'ESTABLISHED']);
    p.send(p.a, 'ping');
    p.run();
    expect(p.text(p.b)).toBe('ping');
  });

  test('a lost SYN is sent again after the initial RTO of 1 s', () => {
    const p = new Pair({ delay: D, schedule: (from, n) => ({ drop: from === 'a' && n === 0 }) });
    p.connect();
    expect(p.lost.map((s) => flagNames(s.flags))).toEqual(['SYN']);
    expect(p.now).toBe(1 * SECOND + 3 * D);
  });

  test('a lost SYN,ACK: the SYN comes again and B answers it at once', () => {
    const p = new Pair({ delay: D, schedule: (from, n) => ({ drop: from === 'b' && n === 0 }) });
    p.connect();
    // A's SYN timer (1 s from 0) fires before B's SYN,ACK timer (1 s from 10 ms), which B's answer
    // to the SYN then restarts.
    expect(ctl(p.a.sent)).toEqual(['SYN', 'SYN', 'ACK']);
    expect(ctl(p.b.sent)).toEqual(['SYN,ACK', 'SYN,ACK']);
    expect(p.now).toBe(1 * SECOND + 3 * D);
  });

  test('a connection to a port where nothing listens is refused', () => {
    const p = new Pair({ delay: D });
    p.crash(p.b);
    p.run();
    expect(p.a.events.map((e) => e.kind)).toContain('refused');
    expect(ctl(p.b.sent)).toEqual(['RST,ACK']);
    expect(p.a.tcb.state).toBe('CLOSED');
  });
});

describe('closing', () => {
  function established(): Pair {
    const p = new Pair({ delay: D, a: SHORT, b: SHORT });
    p.connect();
    return p;
  }

  test('A closes first: FIN, ACK, then B closes: FIN, ACK; A waits 2 MSL in TIME-WAIT', () => {
    const p = established();
    p.b.onEvent = (o, q) => {
      if (o.kind === 'peer-closed') q.close(q.b);
    };
    const start = p.now;
    p.close(p.a);
    p.run();
    expect(p.a.states.slice(3)).toEqual(['FIN-WAIT-1', 'FIN-WAIT-2', 'TIME-WAIT', 'CLOSED']);
    expect(p.b.states.slice(4)).toEqual(['CLOSE-WAIT', 'LAST-ACK', 'CLOSED']);
    // B's application closed when told of A's FIN, which is after B's ACK of it had left.
    expect(ctl(p.a.sent).slice(-2)).toEqual(['FIN,ACK', 'ACK']);
    expect(ctl(p.b.sent).slice(-2)).toEqual(['ACK', 'FIN,ACK']);
    // A entered TIME-WAIT when B's FIN arrived (start + 2D) and stayed 2 MSL.
    expect(p.now).toBe(start + 2 * D + 200 * MS);
  });

  test('B keeps sending after A closed (half close), then closes', () => {
    const p = established();
    p.close(p.a);
    p.run((q) => q.a.tcb.state === 'FIN-WAIT-2');
    p.send(p.b, '226 Transfer complete');
    p.close(p.b);
    p.run();
    expect(p.text(p.a)).toBe('226 Transfer complete');
    expect(p.a.tcb.state).toBe('CLOSED');
    expect(p.b.tcb.state).toBe('CLOSED');
  });

  test('simultaneous close: both FIN-WAIT-1, CLOSING, TIME-WAIT', () => {
    const p = established();
    p.close(p.a);
    p.close(p.b);
    p.run();
    for (const s of [p.a, p.b]) {
      expect(s.states.slice(-4)).toEqual(['FIN-WAIT-1', 'CLOSING', 'TIME-WAIT', 'CLOSED']);
    }
  });

  test('abort: a RST, and the peer is reset', () => {
    const p = established();
    p.abort(p.a);
    p.run();
    expect(ctl(p.a.sent).slice(-1)).toEqual(['RST']);
    expect(p.b.events.map((e) => e.kind)).toEqual(expect.arrayContaining(['reset', 'closed']));
    expect(p.b.tcb.state).toBe('CLOSED');
  });

  test('the last ACK lost: B sends its FIN again and A, in TIME-WAIT, acknowledges it again', () => {
    let aSent = 0;
    const p = new Pair({
      delay: D,
      a: SHORT,
      b: SHORT,
      schedule: (from, _n, seg): Fate => {
        if (from !== 'a') return {};
        aSent++;
        // A's ACK of B's FIN is its fourth segment (SYN, ACK, FIN, ACK).
        return { drop: aSent === 4 && flagNames(seg.flags) === 'ACK' };
      },
    });
    p.connect();
    p.b.onEvent = (o, q) => {
      if (o.kind === 'peer-closed') q.close(q.b);
    };
    p.close(p.a);
    p.run();
    expect(p.lost).toHaveLength(1);
    expect(ctl(p.b.sent).slice(-2)).toEqual(['FIN,ACK', 'FIN,ACK']);
    expect(p.b.states.slice(-2)).toEqual(['LAST-ACK', 'CLOSED']);
    expect(p.a.states.slice(-2)).toEqual(['TIME-WAIT', 'CLOSED']);
  });
});

describe('half-open connections', () => {
  test('the peer forgot the connection: our data draws a RST and we are reset', () => {
    const p = new Pair({ delay: D });
    p.connect();
    p.crash(p.b);
    p.send(p.a, 'anyone there?');
    p.run();
    expect(ctl(p.b.sent).slice(-1)).toEqual(['RST']);
    expect(p.a.events.map((e) => e.kind)).toContain('reset');
    expect(p.a.tcb.state).toBe('CLOSED');
  });

  test('we forgot it and open again from the same port: challenge ACK, RST, then the old side is gone', () => {
    const p = new Pair({ delay: D });
    p.connect();
    p.crash(p.a);
    p.reopen(p.a, 12345);
    p.run((q) => q.b.tcb.state === 'CLOSED');
    // B (ESTABLISHED) answered the new SYN with a challenge ACK; A (SYN-SENT) found its ACK unacceptable
    // and sent <SEQ=SEG.ACK><CTL=RST>, exactly RCV.NXT for B, which reset the stale connection.
    expect(ctl(p.b.sent).slice(-1)).toEqual(['ACK']);
    expect(ctl(p.a.sent).slice(-2)).toEqual(['SYN', 'RST']);
    expect(p.b.events.map((e) => e.kind)).toContain('reset');
    // B no longer listens here (the pair has no listener), so A's next SYN is refused.
    p.run();
    expect(p.a.events.map((e) => e.kind)).toContain('refused');
  });
});

describe('data under loss', () => {
  test('a lost data segment is repaired by fast retransmit, and every octet arrives once, in order', () => {
    const payload = 'x'.repeat(20 * 1460);
    let dataSegments = 0;
    const p = new Pair({
      delay: D,
      a: { initialCwnd: 10 },
      schedule: (from, _n, seg) => {
        if (from !== 'a' || seg.payload.length === 0) return {};
        dataSegments++;
        return { drop: dataSegments === 3 };
      },
    });
    p.connect();
    p.send(p.a, payload);
    p.run();
    expect(p.text(p.b)).toBe(payload);
    expect(p.a.events).toContainEqual(
      expect.objectContaining({ kind: 'congestion', event: 'fast-retransmit' }),
    );
    expect(p.a.events.some((e) => e.kind === 'timer')).toBe(false);
  });
});
