import { describe, expect, it } from 'vitest';
import * as net from '../../../sim/net/sockets.ts';
import { flagNames } from '../../../sim/tcp/segment.ts';
import { MS } from '../../../sim/time.ts';
import type { World } from '../../../sim/world.ts';
import { APP, netWorld } from './world-helpers.ts';

const SERVER = { addr: '10.0.0.2', port: 80 };

/** The segments on the wire as the sending host put them there: 'client SYN', 'server SYN,ACK', ... */
function wire(w: World): string[] {
  return w.trace
    .filter((e) => e.kind === 'seg-send')
    .map(
      (e) => `${e.host} ${flagNames(e.seg.flags)}${e.seg.payload.length ? ` ${e.seg.payload.length}` : ''}`,
    );
}

describe('socket facade over simulated TCP', () => {
  it('a connect completes the three-way handshake and both sides get their event', () => {
    const { world: w, seen } = netWorld();
    net.listen(w, 'server', 80, { app: APP('srv') });
    const conn = net.connect(w, 'client', SERVER, { app: APP('cli') });
    expect(conn).toBe('client/tcp#1');
    w.run();
    expect(wire(w)).toEqual(['client SYN', 'server SYN,ACK', 'client ACK']);
    expect(seen.map((s) => `${s.at / MS}ms ${s.app} ${s.ev.kind}`)).toEqual([
      '2ms cli connected',
      '3ms srv accepted',
    ]);
    const accepted = seen[1]!.ev;
    expect(accepted.kind === 'accepted' && accepted.remote.addr).toBe('10.0.0.1');
  });

  it("hands an application's slot back with each of its events, and -1 to one that gave none", () => {
    const slots: Array<[string, number]> = [];
    const { world: w } = netWorld();
    w.on('app:slotted', (_w, call: net.AppCall) => slots.push([call.ev.kind, call.slot]));
    const mine = w.slot('state-of-srv');
    net.listen(w, 'server', 80, { app: { type: 'slotted', id: 'srv', slot: mine } });
    net.connect(w, 'client', SERVER, { app: { type: 'slotted', id: 'cli' } });
    w.run();
    expect(slots).toEqual([
      ['connected', -1],
      ['accepted', mine],
    ]);
  });

  it('a connect to a port nobody listens on is refused by RST', () => {
    const { world: w, seen } = netWorld();
    net.connect(w, 'client', SERVER, { app: APP('cli') });
    w.run();
    expect(wire(w)).toEqual(['client SYN', 'server RST,ACK']);
    expect(seen.map((s) => s.ev.kind)).toEqual(['refused']);
    expect(w.trace.some((e) => e.kind === 'tcp-state' && e.to === 'CLOSED')).toBe(true);
  });

  it('bytes sent arrive intact, in order, and close ends both sides through TIME-WAIT', () => {
    const data = Uint8Array.from({ length: 10_000 }, (_, i) => (i * 7) & 0xff);
    const got: Uint8Array[] = [];
    const { world: w, seen } = netWorld({
      tcp: { msl: 100 * MS },
      react(world, app, ev) {
        if (app === 'cli' && ev.kind === 'connected') {
          net.send(world, ev.conn, data);
          net.close(world, ev.conn);
        }
        if (app === 'srv' && ev.kind === 'data') got.push(ev.bytes);
        if (app === 'srv' && ev.kind === 'peer-closed') net.close(world, ev.conn);
      },
    });
    net.listen(w, 'server', 80, { app: APP('srv') });
    net.connect(w, 'client', SERVER, { app: APP('cli') });
    w.run();
    expect(Buffer.concat(got)).toEqual(Buffer.from(data));
    expect(
      seen
        .filter((s) => s.ev.kind === 'closed')
        .map((s) => s.app)
        .sort(),
    ).toEqual(['cli', 'srv']);
    const states = w.trace
      .filter((e) => e.kind === 'tcp-state' && e.host === 'client')
      .map((e) => e.kind === 'tcp-state' && e.to);
    expect(states).toContain('TIME-WAIT');
    expect(states[states.length - 1]).toBe('CLOSED');
    // Nothing is left behind: the connection's names and port are free again.
    expect(
      [...w.keys()].filter(
        (k) => k.startsWith('conn:') || k.startsWith('demux:') || k.startsWith('bound:client'),
      ),
    ).toEqual([]);
  });

  it('a held listener leaves SYNs unanswered until released, then answers them', () => {
    const { world: w, seen } = netWorld();
    net.listen(w, 'server', 80, { app: APP('srv'), hold: true });
    net.connect(w, 'client', SERVER, { app: APP('cli') });
    w.run({ until: 1500 * MS });
    expect(wire(w)).toEqual(['client SYN', 'client SYN']); // the SYN and its retransmission after the 1 s RTO
    expect(seen).toEqual([]);
    w.input('release', (world) => net.holdAccepts(world, 'server', 80, false));
    w.run();
    expect(wire(w).slice(2)).toEqual(['server SYN,ACK', 'client ACK']);
    expect(seen.map((s) => s.ev.kind)).toEqual(['connected', 'accepted']);
  });

  it('a passive connection that never completes is never shown to the listening application', () => {
    const { world: w, seen } = netWorld({
      tcp: { synRetries: 2, initialRto: 200 * MS },
      faults: [{ id: 'cut', match: { from: 'server' }, action: 'drop' }],
    });
    net.listen(w, 'server', 80, { app: APP('srv') });
    net.connect(w, 'client', SERVER, { app: APP('cli') });
    w.run();
    expect(seen.map((s) => `${s.app} ${s.ev.kind}`)).toEqual(['cli timed-out']);
    expect([...w.keys()].filter((k) => k.startsWith('conn:'))).toEqual([]);
  });

  it('an application may abort a connection while the step that opened it still has data for it', () => {
    const { world: w, seen } = netWorld({
      react(world, app, ev) {
        if (app === 'srv' && ev.kind === 'accepted') net.abort(world, ev.conn);
      },
    });
    net.listen(w, 'server', 80, { app: APP('srv') });
    const conn = net.connect(w, 'client', SERVER, { app: APP('cli') });
    net.send(w, conn, new Uint8Array(100)); // queued in SYN-SENT: it rides on the handshake's last ACK
    w.run();
    expect(seen.map((s) => `${s.app} ${s.ev.kind}`)).toEqual([
      'cli connected',
      'srv accepted',
      'srv closed', // its own abort ended it
      'cli reset',
    ]);
  });

  it('a call on a connection that has ended does nothing and says so in the trace', () => {
    const { world: w } = netWorld();
    const conn = net.connect(w, 'client', SERVER, { app: APP('cli') });
    w.run(); // refused: the connection is gone
    expect(net.findConn(w, conn)).toBeUndefined();
    w.input('late send', (world) => {
      expect(net.send(world, conn, new Uint8Array(10))).toBe(true);
      expect(net.read(world, conn)).toHaveLength(0);
    });
    const notes = w.trace
      .filter((e) => e.kind === 'tcp-event' && e.conn === conn)
      .map((e) => e.kind === 'tcp-event' && e.detail);
    expect(notes).toEqual(['send: connection does not exist', 'read: connection does not exist']);
  });

  it('refuses misuse with clear errors', () => {
    const { world: w } = netWorld();
    expect(() => net.listen(w, 'nohost', 80, { app: APP('x') })).toThrow(/no host named 'nohost'/);
    net.listen(w, 'server', 80, { app: APP('x') });
    expect(() => net.listen(w, 'server', 80, { app: APP('x') })).toThrow(/already has a listener/);
    expect(() => net.connect(w, 'client', { addr: '10.0.0.2', port: 70000 }, { app: APP('x') })).toThrow(
      /ports are 1-65535/,
    );
    expect(() => net.send(w, 'client/tcp#9', new Uint8Array(1))).toThrow(/no connection named/);
  });

  it('ephemeral ports come from 49152-65535 and differ between connections', () => {
    const { world: w } = netWorld();
    net.listen(w, 'server', 80, { app: APP('srv') });
    const a = net.connect(w, 'client', SERVER, { app: APP('cli') });
    const b = net.connect(w, 'client', SERVER, { app: APP('cli') });
    const pa = net.getConn(w, a).local.port;
    const pb = net.getConn(w, b).local.port;
    for (const p of [pa, pb]) expect(p).toBeGreaterThanOrEqual(49152);
    expect(pa).not.toBe(pb);
    const fixed = net.connect(w, 'client', SERVER, { app: APP('cli'), localPort: 1000 });
    expect(net.getConn(w, fixed).local.port).toBe(1000);
  });
});
