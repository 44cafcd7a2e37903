import { describe, expect, it } from 'vitest';
import { pattern, patternByte, patternMismatch } from '../../../src/clients/bytes.ts';
import { sinkConn, tcpAppState } from '../../../src/clients/tcp-apps.ts';
import {
  type RunOutcome,
  runScenario,
  type ScenarioInput,
  validateScenario,
} from '../../../src/scenario/index.ts';

function run(more: Partial<ScenarioInput>): RunOutcome {
  const s: ScenarioInput = {
    name: 'tcp',
    about: 'a TCP application test',
    hosts: [
      { name: 'a', addr: '10.0.0.1' },
      { name: 'b', addr: '10.0.0.2' },
    ],
    paths: [{ between: ['a', 'b'], latency: '1ms' }],
    ...more,
  };
  return runScenario(validateScenario(s, 'test'));
}

function sink(o: RunOutcome, name = 'sink') {
  const app = tcpAppState(o.world, name)!;
  return app.conns.map((c) => sinkConn(o.world, c)!);
}

describe('the test pattern', () => {
  it('never repeats at the offsets a misplaced segment would land on', () => {
    const p = pattern(1 << 17);
    for (const shift of [1, 256, 1460, 65536]) {
      expect(patternMismatch(p.subarray(shift, shift + 4096), 0)).toBeGreaterThanOrEqual(0);
    }
    expect(p[1000]).toBe(patternByte(1000));
  });

  it('patternMismatch names the stream offset of the first wrong byte', () => {
    const bytes = pattern(5000).slice(3000);
    expect(patternMismatch(bytes, 3000)).toBe(-1);
    bytes[1234] = bytes[1234]! ^ 1;
    expect(patternMismatch(bytes, 3000)).toBe(4234);
  });
});

describe('bulk sender and sink', () => {
  it('200 KB over a lossy path arrive whole and in order, and both ends close', () => {
    const o = run({
      seed: 3,
      paths: [{ between: ['a', 'b'], latency: '2ms', bandwidth: '10Mbps', loss: 0.03 }],
      apps: [
        { kind: 'bulk', name: 'bulk', host: 'a', to: 'b:5000', bytes: 200_000 },
        { kind: 'sink', name: 'sink', host: 'b', port: 5000 },
      ],
    });
    expect(o.world.trace.some((e) => e.kind === 'seg-drop')).toBe(true);
    expect(sink(o)).toEqual([expect.objectContaining({ received: 200_000, mismatch: -1, finished: true })]);
    expect(tcpAppState(o.world, 'bulk')!.done).toBe(true);
  });

  it('a sink reports the offset of the first byte that is not the pattern', () => {
    const o = run({
      apps: [
        { kind: 'sink', name: 'sink', host: 'b', port: 5000 },
        {
          kind: 'script',
          name: 'liar',
          host: 'a',
          steps: [
            { at: '0ms', do: 'connect', to: 'b:5000', as: 'x' },
            { at: '5ms', do: 'send', conn: 'x', data: pattern(100) },
            { at: '6ms', do: 'send', conn: 'x', data: 'not the pattern' },
            { at: '7ms', do: 'close', conn: 'x' },
          ],
        },
      ],
      expect: [{ app: 'sink', received: 115, intact: false, completed: true }],
    });
    expect(sink(o)[0]!.mismatch).toBe(100);
    expect(o.passed).toBe(true);
  });
});

describe('scripted sockets', () => {
  it('names connections: its own by connect, accepted ones by their listener', () => {
    const o = run({
      apps: [
        {
          kind: 'script',
          name: 'a',
          host: 'a',
          steps: [{ at: '0ms', do: 'connect', to: 'b:80', localPort: 4000, as: 'x' }],
        },
        { kind: 'script', name: 'b', host: 'b', steps: [{ at: '0ms', do: 'listen', port: 80, as: 'srv' }] },
      ],
    });
    expect(tcpAppState(o.world, 'a')!.named).toEqual({ x: 'a/x#1' });
    expect(tcpAppState(o.world, 'b')!.named).toEqual({ srv: 'b/srv#1' });
  });

  it('records refusals, and a step on a connection that is gone is skipped with a note', () => {
    const o = run({
      apps: [
        {
          kind: 'script',
          name: 'a',
          host: 'a',
          steps: [
            { at: '0ms', do: 'connect', to: 'b:81', as: 'x' },
            { at: '10ms', do: 'send', conn: 'x', data: 'too late' },
          ],
        },
      ],
    });
    expect(tcpAppState(o.world, 'a')!.failures).toEqual(['a/x#1: refused']);
    const notes = o.world.trace.flatMap((e) =>
      e.kind === 'app-event' ? [`${e.event}: ${e.detail ?? ''}`] : [],
    );
    expect(notes).toEqual(['refused: ', "send skipped: no open connection 'x'"]);
  });

  it("onPeerClose 'ignore' leaves the connection half-open: the peer sits in FIN-WAIT-2", () => {
    const o = run({
      tcp: { msl: '1s' },
      limits: { until: '500ms' },
      apps: [
        {
          kind: 'script',
          name: 'a',
          host: 'a',
          steps: [
            { at: '0ms', do: 'connect', to: 'b:80', as: 'x' },
            { at: '5ms', do: 'close', conn: 'x' },
          ],
        },
        {
          kind: 'script',
          name: 'b',
          host: 'b',
          onPeerClose: 'ignore',
          steps: [{ at: '0ms', do: 'listen', port: 80, as: 'srv' }],
        },
      ],
    });
    const states = o.world.trace.flatMap((e) => (e.kind === 'tcp-state' && e.conn === 'a/x#1' ? [e.to] : []));
    expect(states).toEqual(['SYN-SENT', 'ESTABLISHED', 'FIN-WAIT-1', 'FIN-WAIT-2']);
  });
});
