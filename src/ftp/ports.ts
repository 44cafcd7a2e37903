/**
 * The passive ports a server has handed out, and to which session: a small immutable radix table over the
 * 16-bit port number (four levels of 16), so that taking or giving back a port copies four arrays of 16
 * slots whatever the number of ports in use. A plain record of 10,000 ports would be copied whole on every
 * change (measured: most of the cost of a PASV with 10,000 sessions, see server.ts).
 *
 * Owns: the table and its two operations. Leaves out: which port to take (session-data.ts).
 */

import { UsageError } from '../../sim/errors.ts';

type Node = readonly Slot[];
type Slot = Node | string | undefined;

/** Port → session id. `undefined` is the empty table. */
export type PortTable = Node | undefined;

export const NO_PORTS: PortTable = undefined;

const SHIFTS = [12, 8, 4, 0] as const;

function check(port: number): void {
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`not a port: ${port}`);
}

/** The session holding `port`, or undefined. */
export function portOwner(table: PortTable, port: number): string | undefined {
  let node: Slot = table;
  for (const shift of SHIFTS) {
    if (node === undefined || typeof node === 'string') return undefined;
    node = node[(port >> shift) & 15];
  }
  return typeof node === 'string' ? node : undefined;
}

/** A table where `port` belongs to `owner` (or to nobody, when `owner` is undefined). Empty nodes are dropped. */
export function withPort(table: PortTable, port: number, owner: string | undefined): PortTable {
  check(port);
  return put(table, 0, port, owner);
}

/** `withPort` from the node at `level` down (a function of its own, not a closure: see releasePorts). */
function put(
  node: Node | undefined,
  level: number,
  port: number,
  owner: string | undefined,
): Node | undefined {
  const i = (port >> SHIFTS[level]!) & 15;
  const slots: Slot[] = node ? [...node] : new Array<Slot>(16).fill(undefined);
  slots[i] = level === 3 ? owner : put(slots[i] as Node | undefined, level + 1, port, owner);
  for (const x of slots) if (x !== undefined) return Object.freeze(slots);
  return undefined;
}
