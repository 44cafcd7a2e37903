/**
 * The trace: every processed event that a model chose to record, as a typed entry with the simulated time,
 * a stable sequence number (its index in the trace), the host it happened at, its kind and its details.
 * All views (ladder, Mermaid, pcap, W3C log, JSON) are renderings of the trace.
 *
 * Entry kinds are declared by the layers that record them, by augmenting `TraceKinds`:
 *
 *   declare module '../trace.ts' { interface TraceKinds { 'tcp-state': { conn: string; from: TcpState; to: TcpState } } }
 *
 * Recording costs nothing when tracing is off: callers write `if (world.tracing) world.record(...)`, so the
 * details object is never built.
 */

import type { Time } from './time.ts';

/** Kind name -> details. The engine itself records only 'note' entries; other layers add their own. */
export interface TraceKinds {
  /** A free-form note, for example from a user script or a test. */
  note: { readonly text: string };
}

export type TraceKind = keyof TraceKinds;

export interface TraceHeader<K extends TraceKind = TraceKind> {
  /** Position in the trace, from 0. Stable: the same run always numbers an entry the same way. */
  readonly seq: number;
  readonly at: Time;
  /** The host the entry belongs to ('' for entries that belong to no host). */
  readonly host: string;
  readonly kind: K;
}

export type TraceEntry = { [K in TraceKind]: TraceHeader<K> & Readonly<TraceKinds[K]> }[TraceKind];

/** The entry type of one kind: `EntryOf<'note'>`. */
export type EntryOf<K extends TraceKind> = Extract<TraceEntry, { kind: K }>;

/** Narrows an entry to one kind. */
export function isKind<K extends TraceKind>(e: TraceEntry, kind: K): e is EntryOf<K> {
  return e.kind === kind;
}
