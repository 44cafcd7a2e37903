/**
 * TIME-WAIT (RFC 9293 §3.4.2, §3.10.7.4): the side that closes first waits 2·MSL before it forgets the
 * connection, so that a FIN retransmitted by the other side is still answered. Here the last ACK of a is
 * lost; b retransmits its FIN; a, in TIME-WAIT, acknowledges it again and restarts its 2·MSL timer.
 */

import { SECOND } from '../../sim/time.ts';
import { tcpAppState } from '../../src/clients/tcp-apps.ts';
import { defineScenario, type RunOutcome } from '../../src/scenario/index.ts';

const MSL = 1 * SECOND;

/** a's connection leaves TIME-WAIT exactly 2·MSL after the last FIN it received. */
function twoMslAfterLastFin(o: RunOutcome): string | null {
  const conn = tcpAppState(o.world, 'a')?.named.x;
  if (conn === undefined) return "a never opened its connection 'x'";
  let lastFin: number | null = null;
  let fins = 0;
  let closedAt: number | null = null;
  for (const e of o.world.trace) {
    if (e.kind === 'seg-recv' && e.conn === conn && (e.seg.flags & 0x01) !== 0) {
      fins++;
      lastFin = e.at;
    }
    if (e.kind === 'tcp-state' && e.conn === conn && e.from === 'TIME-WAIT' && e.to === 'CLOSED')
      closedAt = e.at;
  }
  if (fins < 2) return `a received ${fins} FIN(s): the retransmitted FIN never came`;
  if (closedAt === null || lastFin === null) return 'a never left TIME-WAIT';
  const waited = closedAt - lastFin;
  return waited === 2 * MSL
    ? null
    : `a left TIME-WAIT ${waited} ns after the last FIN, not 2·MSL = ${2 * MSL} ns`;
}

export default defineScenario({
  name: 'time-wait',
  about:
    'RFC 9293: TIME-WAIT lasts 2·MSL, and a retransmitted FIN arriving in it is acknowledged and restarts the wait',
  hosts: [
    { name: 'a', addr: '10.0.0.1' },
    { name: 'b', addr: '10.0.0.2' },
  ],
  paths: [{ between: ['a', 'b'], latency: '1ms' }],
  tcp: { msl: '1s' },
  // a's ACK of b's FIN (a pure ACK leaving a at 12 ms) is lost.
  faults: [
    {
      id: 'lost-last-ack',
      action: 'drop',
      count: 1,
      match: { from: 'a', flags: 'pure-ack', since: '12ms', until: '13ms' },
    },
  ],
  apps: [
    {
      kind: 'script',
      name: 'a',
      host: 'a',
      steps: [
        { at: '0ms', do: 'connect', to: 'b:80', localPort: 40000, as: 'x' },
        { at: '5ms', do: 'send', conn: 'x', data: 'hello' },
        { at: '10ms', do: 'close', conn: 'x' },
      ],
    },
    { kind: 'script', name: 'b', host: 'b', steps: [{ at: '0ms', do: 'listen', port: 80, as: 'srv' }] },
  ],
  expect: [
    {
      sequence: [
        { state: 'TIME-WAIT', conn: { app: 'a', conn: 'x' } },
        { segment: 'FIN', conn: { app: 'a', conn: 'x' } },
        { segment: ['ACK', '!FIN'], conn: { app: 'a', conn: 'x' }, dir: 'out' },
        { state: 'CLOSED', conn: { app: 'b', conn: 'srv' } },
        { state: 'CLOSED', conn: { app: 'a', conn: 'x' } },
      ],
      text: "b's FIN comes again while a is in TIME-WAIT; a acknowledges it; b closes; a closes last",
    },
    {
      seen: { tcp: 'retransmit', conn: { app: 'b', conn: 'srv' } },
      text: 'b retransmits its FIN when its timer fires',
    },
    {
      check: twoMslAfterLastFin,
      text: 'a leaves TIME-WAIT exactly 2·MSL (2 s) after the last FIN it acknowledged',
    },
    { app: 'b', received: 5 },
  ],
});
