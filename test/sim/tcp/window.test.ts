/** Flow control: the receive window, window updates with receiver SWS avoidance, zero-window probes. */

import { describe, expect, test } from 'vitest';
import {
  close,
  handleTimeout,
  type MutTcb,
  nextDeadline,
  read,
  readable,
  readOwned,
  send,
  type Tcb,
  type TcpOutput,
} from '../../../sim/tcp/index.ts';
import { MS, SECOND } from '../../../sim/time.ts';
import { bytes, deliver, established, NOW, peer, TO_PEER, text, us } from './fixtures.ts';

const RTO = 200 * MS;

/** An established TCB with a receive buffer of `buf` octets, all of them received and unread. */
function filled(buf: number): Tcb {
  return deliver(established({ rcvBuf: buf }), { ctl: 'ACK', seq: peer(1), ack: us(1), len: buf }).tcb;
}

describe('receive window', () => {
  test('a slow reader closes the window: it shrinks by every octet received', () => {
    let tcb = established({ rcvBuf: 3000 });
    const steps = [1460, 1460, 80].map((n, i) => {
      const step = deliver(tcb, { ctl: 'ACK', seq: peer(1 + 1460 * i), ack: us(1), len: n });
      tcb = step.tcb;
      return step;
    });
    expect(steps[0]).toSend([{ ...TO_PEER, ctl: 'ACK', seq: us(1), ack: peer(1461), wnd: 1540 }]);
    expect(steps[1]).toSend([{ ...TO_PEER, ctl: 'ACK', seq: us(1), ack: peer(2921), wnd: 80 }]);
    expect(steps[2]).toSend([{ ...TO_PEER, ctl: 'ACK', seq: us(1), ack: peer(3001), wnd: 0 }]);
    expect(readable(tcb)).toBe(3000);
  });

  test('reading reopens the window only by min(RCV.BUFF / 2, MSS) at least, then announces it', () => {
    const full = filled(3000);
    expect(full.rcvWnd).toBe(0);
    const little = read(full, 1000, NOW);
    expect(little.bytes.length).toBe(1000);
    expect(little).toSendNothing();
    expect(little.tcb.rcvWnd).toBe(0);
    const more = read(little.tcb, 500, NOW);
    expect(more).toSend([{ ...TO_PEER, ctl: 'ACK', seq: us(1), ack: peer(3001), wnd: 1500 }]);
  });

  test('a reader that keeps up does not send window updates of its own', () => {
    let tcb = established();
    for (let i = 0; i < 5; i++) {
      const step = deliver(tcb, { ctl: 'ACK', seq: peer(1 + 1460 * i), ack: us(1), len: 1460 });
      expect(step).toSend([
        { ...TO_PEER, ctl: 'ACK', seq: us(1), ack: peer(1 + 1460 * (i + 1)), wnd: 65535 - 1460 },
      ]);
      const r = read(step.tcb, 1e9, NOW);
      expect(r).toSendNothing();
      tcb = r.tcb;
    }
  });

  test('readOwned is read(tcb, all) done in place: the same octets, outputs and TCB, without a copy', () => {
    const full = filled(3000);
    const cases: Tcb[] = [full, established(), read(full, 2999, NOW).tcb];
    for (const tcb of cases) {
      const r = read(tcb, Number.POSITIVE_INFINITY, NOW);
      const owned = { ...tcb } as MutTcb;
      const out: TcpOutput[] = [];
      const got = readOwned(owned, out);
      expect(got).toEqual(r.bytes);
      expect(out).toEqual(r.out);
      expect(owned).toEqual(r.tcb);
    }
    // The window reopened from zero is announced, as read announces it.
    const out: TcpOutput[] = [];
    readOwned({ ...full } as MutTcb, out);
    expect(out.map((o) => o.kind)).toEqual(['segment']);
  });

  test('the right edge never moves left: a read that frees too little keeps the offered window', () => {
    const tcb = deliver(established({ rcvBuf: 4000 }), {
      ctl: 'ACK',
      seq: peer(1),
      ack: us(1),
      len: 1000,
    }).tcb;
    expect(tcb.rcvWnd).toBe(3000);
    const r = read(tcb, 10, NOW);
    expect(r.tcb.rcvWnd).toBe(3000);
    expect(r.tcb.rcvNxt + r.tcb.rcvWnd).toBe(tcb.rcvNxt + tcb.rcvWnd);
  });
});

describe('zero window: the persist timer (RFC 9293 §3.8.6.1)', () => {
  function blocked(): Tcb {
    const step = send(established({}, 0), bytes('abc'), NOW);
    expect(step).toSendNothing();
    return step.tcb;
  }

  test('probes one octet at exactly the RTO, then with the interval doubled', () => {
    const tcb = blocked();
    expect(nextDeadline(tcb)).toBe(NOW + RTO);
    expect(handleTimeout(tcb, NOW + RTO - 1)).toSendNothing();
    const probe = handleTimeout(tcb, NOW + RTO);
    expect(probe).toSend([{ ...TO_PEER, ctl: 'ACK', seq: us(1), data: 'a' }]);
    expect(probe).toEmit({ kind: 'timer', timer: 'persist' });
    expect(nextDeadline(probe.tcb)).toBe(NOW + 3 * RTO);
    // The peer's answer: still zero. The probe octet is sent again at the next probe.
    const answer = deliver(probe.tcb, { ctl: 'ACK', seq: peer(1), ack: us(1), wnd: 0 }, NOW + RTO + 10 * MS);
    expect(answer).toSendNothing();
    expect(handleTimeout(answer.tcb, NOW + 3 * RTO - 1)).toSendNothing();
    const again = handleTimeout(answer.tcb, NOW + 3 * RTO);
    expect(again).toSend([{ ...TO_PEER, ctl: 'ACK', seq: us(1), data: 'a' }]);
    expect(nextDeadline(again.tcb)).toBe(NOW + 7 * RTO);
  });

  test('the probe interval stops growing at maxRto', () => {
    let tcb = send(established({ initialRto: 1 * SECOND, maxRto: 2 * SECOND }, 0), bytes('abc'), NOW).tcb;
    const gaps: number[] = [];
    let at = nextDeadline(tcb)!;
    for (let i = 0; i < 4; i++) {
      tcb = handleTimeout(tcb, at).tcb;
      tcb = deliver(tcb, { ctl: 'ACK', seq: peer(1), ack: us(1), wnd: 0 }, at + 1).tcb;
      const next = nextDeadline(tcb)!;
      gaps.push((next - at) / MS);
      at = next;
    }
    expect(gaps).toEqual([400, 800, 1600, 2000]);
  });

  test('after CLOSE, answered probes give up at orphanRetries; an open connection probes on', () => {
    const probesUntil = (closed: boolean): string[] => {
      let tcb = send(established({ orphanRetries: 3 }, 0), bytes('abc'), NOW).tcb;
      if (closed) tcb = close(tcb, NOW).tcb;
      const seen: string[] = [];
      for (let i = 0; i < 6; i++) {
        const at = nextDeadline(tcb)!;
        const step = handleTimeout(tcb, at);
        tcb = step.tcb;
        if (tcb.state === 'CLOSED') {
          expect(step).toSendNothing(); // like Linux: no RST
          expect(step).toEmit({ kind: 'timed-out' });
          seen.push('gave up');
          break;
        }
        seen.push('probe');
        tcb = deliver(tcb, { ctl: 'ACK', seq: peer(1), ack: us(1), wnd: 0 }, at + 1).tcb;
      }
      return seen;
    };
    expect(probesUntil(true)).toEqual(['probe', 'probe', 'probe', 'gave up']);
    expect(probesUntil(false)).toEqual(['probe', 'probe', 'probe', 'probe', 'probe', 'probe']);
  });

  test('when the window opens, sending resumes at SND.UNA with the probed octet', () => {
    const probed = handleTimeout(blocked(), NOW + RTO).tcb;
    const open = deliver(probed, { ctl: 'ACK', seq: peer(1), ack: us(1), wnd: 1000 }, NOW + RTO + 10 * MS);
    expect(open).toSend([{ ...TO_PEER, ctl: 'PSH,ACK', seq: us(1), data: 'abc' }]);
    expect(open.tcb.persistAt).toBeNull();
    expect(open.tcb.rtxAt).toBe(NOW + RTO + 10 * MS + RTO);
  });

  test('a probe the peer had room for is acknowledged, and the rest follows', () => {
    const probed = handleTimeout(blocked(), NOW + RTO).tcb;
    const took = deliver(probed, { ctl: 'ACK', seq: peer(1), ack: us(2), wnd: 1000 }, NOW + RTO + 10 * MS);
    expect(took).toSend([{ ...TO_PEER, ctl: 'PSH,ACK', seq: us(2), data: 'bc' }]);
  });

  test('a FIN waiting behind a zero window is the probe when no data is left', () => {
    const sent = send(established(), bytes(text(10)), NOW).tcb;
    const zero = deliver(sent, { ctl: 'ACK', seq: peer(1), ack: us(11), wnd: 0 }, NOW + 10 * MS).tcb;
    const closing = close(zero, NOW + 20 * MS);
    expect(closing).toSendNothing();
    expect(closing).toBeInTcpState('FIN-WAIT-1');
    const at = nextDeadline(closing.tcb)!;
    expect(at).toBe(NOW + 20 * MS + RTO);
    expect(handleTimeout(closing.tcb, at)).toSend([{ ...TO_PEER, ctl: 'FIN,ACK', seq: us(11), len: 0 }]);
  });

  test('a peer that answers probes keeps the connection alive for ever; silence times it out', () => {
    let tcb = send(established({ maxRetries: 3 }, 0), bytes('abc'), NOW).tcb;
    for (let i = 0; i < 10; i++) {
      tcb = handleTimeout(tcb, nextDeadline(tcb)!).tcb;
      tcb = deliver(tcb, { ctl: 'ACK', seq: peer(1), ack: us(1), wnd: 0 }, tcb.persistAt! - 1).tcb;
    }
    expect(tcb).toBeInTcpState('ESTABLISHED');
    for (let i = 0; i < 3; i++) tcb = handleTimeout(tcb, nextDeadline(tcb)!).tcb;
    const gone = handleTimeout(tcb, nextDeadline(tcb)!);
    expect(gone).toEmit('timed-out');
    expect(gone).toBeInTcpState('CLOSED');
  });
});
