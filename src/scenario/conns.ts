/**
 * Turning an expectation's connection reference into connection names, after a run: a client's control or
 * data connections come from the client's state, an application's from its state, and "the other end" of a
 * connection from the trace (the connection at the other host whose segments carry the same two endpoints).
 */

import type { Endpoint } from '../../sim/tcp/segment.ts';
import type { TraceEntry } from '../../sim/trace.ts';
import type { World } from '../../sim/world.ts';
import { clientState } from '../clients/ftp-client.ts';
import { tcpAppState } from '../clients/tcp-apps.ts';
import type { ConnRef } from './expect-types.ts';

export interface Resolved {
  readonly names: ReadonlySet<string>;
  /** Why nothing was found, when nothing was. */
  readonly missing?: string;
}

export function resolveConn(world: World, given: ConnRef): Resolved {
  const ref = typeof given === 'string' ? { name: given } : given;
  const own = ownNames(world, ref);
  if (own.missing !== undefined || !ref.peer) return own;
  const names = new Set<string>();
  for (const n of own.names) {
    const p = peerOf(world.trace, n);
    if (p !== null) names.add(p);
  }
  return names.size === 0
    ? { names, missing: `no connection at the other end of ${[...own.names].join(', ')}` }
    : { names };
}

function ownNames(world: World, ref: Exclude<ConnRef, string>): Resolved {
  if ('name' in ref) return { names: new Set([ref.name]) };
  if ('client' in ref) {
    const s = clientState(world, ref.client);
    if (s === undefined) return { names: new Set(), missing: `no client '${ref.client}' in this world` };
    if (ref.data === undefined) {
      return s.ctrl === null
        ? { names: new Set(), missing: `client '${ref.client}' never connected` }
        : { names: new Set([s.ctrl]) };
    }
    if (ref.data === 'any') return { names: new Set(s.data) };
    const n = ref.data === 'last' ? s.data.length : ref.data;
    const name = s.data[n - 1];
    if (name === undefined) {
      return {
        names: new Set(),
        missing: `client '${ref.client}' opened ${s.data.length} data connection(s), not #${n}`,
      };
    }
    return { names: new Set([name]) };
  }
  const a = tcpAppState(world, ref.app);
  if (a === undefined) return { names: new Set(), missing: `no application '${ref.app}' in this world` };
  if (ref.conn === undefined) return { names: new Set(a.conns) };
  const name = a.named[ref.conn];
  if (name === undefined)
    return { names: new Set(), missing: `application '${ref.app}' never opened '${ref.conn}'` };
  return { names: new Set([name]) };
}

const same = (a: Endpoint, b: Endpoint) => a.addr === b.addr && a.port === b.port;

/** The name of the connection at the other end of `name`, found through the segments both carried. */
export function peerOf(trace: readonly TraceEntry[], name: string): string | null {
  let local: Endpoint | null = null;
  let remote: Endpoint | null = null;
  for (const e of trace) {
    if (e.kind === 'seg-send' && e.conn === name) {
      local = e.seg.src;
      remote = e.seg.dst;
      break;
    }
    if (e.kind === 'seg-recv' && e.conn === name) {
      local = e.seg.dst;
      remote = e.seg.src;
      break;
    }
  }
  if (local === null || remote === null) return null;
  for (const e of trace) {
    if (
      e.kind === 'seg-send' &&
      e.conn !== '' &&
      e.conn !== name &&
      same(e.seg.src, remote) &&
      same(e.seg.dst, local)
    ) {
      return e.conn;
    }
    if (
      e.kind === 'seg-recv' &&
      e.conn !== '' &&
      e.conn !== name &&
      same(e.seg.src, local) &&
      same(e.seg.dst, remote)
    ) {
      return e.conn;
    }
  }
  return null;
}
