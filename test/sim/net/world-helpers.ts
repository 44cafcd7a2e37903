/**
 * A small simulated network for the socket layer's tests: hosts joined by symmetric paths, and a scripted
 * application that records every socket event it gets and can act on them.
 */
import { installNetwork, type NetSpec } from '../../../sim/net/network.ts';
import { type PathOptions, pathConfig } from '../../../sim/net/path-config.ts';
import { type AppCall, deliver, installSockets, type SocketEvent } from '../../../sim/net/sockets.ts';
import type { TcpOptions } from '../../../sim/tcp/options.ts';
import { World } from '../../../sim/world.ts';

export interface Seen {
  readonly at: number;
  readonly app: string;
  readonly ev: SocketEvent;
}

export type Reaction = (world: World, app: string, ev: SocketEvent) => void;

export function netWorld(
  o: {
    hosts?: Array<[string, string]>;
    path?: PathOptions;
    tcp?: Partial<TcpOptions>;
    faults?: NetSpec['faults'];
    seed?: number;
    react?: Reaction;
  } = {},
) {
  const w = new World({ seed: o.seed ?? 1 });
  const hosts = (
    o.hosts ?? [
      ['client', '10.0.0.1'],
      ['server', '10.0.0.2'],
    ]
  ).map(([name, addr]) => ({ name, addr }));
  const config = pathConfig(o.path ?? { latency: '1ms' });
  const paths = [];
  for (const a of hosts) for (const b of hosts) if (a !== b) paths.push({ from: a.name, to: b.name, config });
  installNetwork(w, { hosts, paths, faults: o.faults ?? [] }, deliver);
  installSockets(w, o.tcp ?? {});
  const seen: Seen[] = [];
  w.on('app:test', (world, call: AppCall) => {
    seen.push({ at: world.now, app: call.app, ev: call.ev });
    o.react?.(world, call.app, call.ev);
  });
  return { world: w, seen };
}

export const APP = (id: string) => ({ type: 'test', id });
