import { describe, expect, it } from 'vitest';
import { NO_PORTS, type PortTable, portOwner, withPort } from '../../../../src/ftp/ports.ts';
import { Net, trace } from './driver.ts';

describe('the passive port table', () => {
  it('records owners, forgets them, and never changes a table it was given', () => {
    const a = withPort(NO_PORTS, 49152, 's1');
    const b = withPort(a, 65535, 's2');
    const c = withPort(b, 49152, undefined);
    expect([portOwner(a, 49152), portOwner(a, 65535)]).toEqual(['s1', undefined]);
    expect([portOwner(b, 49152), portOwner(b, 65535)]).toEqual(['s1', 's2']);
    expect([portOwner(c, 49152), portOwner(c, 65535)]).toEqual([undefined, 's2']);
    expect(withPort(c, 65535, undefined)).toBe(NO_PORTS); // empty again: nothing left behind
  });

  it('agrees with a plain map over many random operations', () => {
    let table: PortTable = NO_PORTS;
    const map = new Map<number, string>();
    let seed = 1;
    const rand = (n: number) => {
      seed = (seed * 1103515245 + 12345) >>> 0;
      return seed % n;
    };
    for (let i = 0; i < 5000; i++) {
      const port = rand(4) === 0 ? rand(65536) : 49152 + rand(300);
      const owner = rand(3) === 0 ? undefined : `s${rand(50)}`;
      table = withPort(table, port, owner);
      if (owner === undefined) map.delete(port);
      else map.set(port, owner);
    }
    for (let port = 49000; port < 49500; port++) expect(portOwner(table, port)).toBe(map.get(port));
    for (const [port, owner] of map) expect(portOwner(table, port)).toBe(owner);
  });

  it('refuses what is not a port', () => {
    expect(() => withPort(NO_PORTS, 65536, 'x')).toThrow(/not a port/);
  });
});

describe('ports given back by sessions', () => {
  const portOf = (out: ReturnType<Net['cmd']>) =>
    (out.find((o) => o.kind === 'data-listen') as { local: { port: number } } | undefined)?.local.port;

  it('a listener that failed, or was replaced, gives its port back', () => {
    const net = new Net({ config: { passivePortLow: 50000, passivePortHigh: 50000 } }).login();
    net.autoListen = false;
    net.cmd('PASV');
    expect(trace(net.feed({ kind: 'data-listen-failed', session: 'c1', data: 1 }))).toEqual([
      '> 425 Cannot open data connection.',
    ]);
    net.autoListen = true;
    expect(portOf(net.cmd('PASV'))).toBe(50000);
    expect(trace(net.cmd('PASV'))).toEqual([
      'stop-listening #2',
      'listen #3 :50000',
      '> 227 Entering Passive Mode (10,0,0,1,195,80).',
    ]);
  });
});
