/**
 * A host's port table, spread over world keys (see sockets.ts for why): which local ports are bound, which
 * 4-tuples and listeners exist, the host's next connection number and next ephemeral port.
 *
 * - `bound:<host>|<port>`  how many connections and listeners use that local port;
 * - `conns:<host>`         the host's next connection number; `eph:<host>` its next ephemeral port.
 * The `demux:` and `listen:` keys themselves are written by sockets.ts; the questions about them are here.
 */

import { UsageError } from '../errors.ts';
import type { Endpoint } from '../tcp/segment.ts';
import type { World } from '../world.ts';
import { type HostConfig, netConfig } from './network.ts';

export const EPHEMERAL_LOW = 49152;
export const EPHEMERAL_HIGH = 65535;

/** True when `host` has a connection (TIME-WAIT included) from `localPort` to `remote`: connect would fail. */
export function tupleInUse(world: World, host: string, localPort: number, remote: Endpoint): boolean {
  return world.get(`demux:${host}|${localPort}|${remote.addr}|${remote.port}`) !== undefined;
}

export function isListening(world: World, host: string, port: number): boolean {
  return world.get(`listen:${host}|${port}`) !== undefined;
}

export function checkHost(world: World, host: string): HostConfig {
  const h = netConfig(world).hosts.get(host);
  if (h === undefined) throw new UsageError(`no host named '${host}'`);
  return h;
}

export function checkPort(port: number, what: string): void {
  if (!Number.isInteger(port) || port < 1 || port > 65535)
    throw new UsageError(`cannot ${what} port ${port}: ports are 1-65535`);
}

export function newConnName(world: World, host: string, label: string): string {
  const n = world.get<number>(`conns:${host}`) ?? 1;
  world.set(`conns:${host}`, n + 1);
  return `${host}/${label}#${n}`;
}

export function bind(world: World, host: string, port: number, delta: number): void {
  const key = `bound:${host}|${port}`;
  const n = (world.get<number>(key) ?? 0) + delta;
  if (n > 0) world.set(key, n);
  else world.delete(key);
}

/**
 * An ephemeral port, 49152-65535: sequential from a start drawn once per host from its seeded stream (so
 * two hosts do not pick the same numbers), skipping ports in use.
 */
export function ephemeralPort(world: World, host: string): number {
  const span = EPHEMERAL_HIGH - EPHEMERAL_LOW + 1;
  let next = world.get<number>(`eph:${host}`) ?? world.rng(`ports:${host}`).int(0, span - 1);
  for (let tries = 0; tries < span; tries++) {
    const port = EPHEMERAL_LOW + next;
    next = (next + 1) % span;
    if (world.get(`bound:${host}|${port}`) === undefined) {
      world.set(`eph:${host}`, next);
      return port;
    }
  }
  throw new UsageError(`${host}: every ephemeral port (49152-65535) is in use`);
}
