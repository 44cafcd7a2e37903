/**
 * The two inputs a transfer repeats thousands of times, computed without the general transition: a download's
 * data-drained in the middle of the payload (the next chunk goes out) and an upload's data-bytes (the chunk is
 * kept). `fastStep` returns exactly the Step that the general transition (server.ts) returns for the same
 * input, the same fields in the same order and frozen alike, or null when the input is not
 * one of those two common cases, and then the caller takes the general path. `fastSessionStep` is the same
 * for one session apart from its site (server.ts `handleSession`, the simulator's path).
 *
 * Owns: nothing of the protocol; the rules applied are those of session-stream.ts (onDrained + sendMore,
 * onBytes), which stay the reference and are what every other case runs. Tested against them in
 * test/src/ftp/session/fast.test.ts, state for state.
 *
 * Why (measured, Node 20, 2 busy cores, /tmp micro-benchmark of 10,000 drains of one download): when the
 * general transition was an immer draft it cost 15-25 µs per input; since it copies the session instead
 * (server.ts), about 4.4 µs against 3.3 µs here. A long transfer is thousands of such steps (a 4 MiB upload
 * in 1,460-byte segments: ~2,900), so the path is kept, small as the difference now is.
 * A step that ends a transfer (the last chunk: FIN and 226) or that could run queued commands is left to the
 * general path: it happens once per transfer.
 */

import type { Draft } from 'immer';
import type { Time } from '../../sim/time.ts';
import type { FtpConfig } from './config.ts';
import type { FtpInput, FtpOutput } from './io.ts';
import {
  appendChunk,
  copySession,
  copyTransfer,
  type FtpServer,
  type Session,
  type Transfer,
} from './session-state.ts';

export interface FastStep {
  readonly server: FtpServer;
  readonly outputs: readonly FtpOutput[];
}

/** The step of one session (server.ts `handleSession`): the site is never changed by these inputs. */
export interface FastSessionStep {
  readonly session: Session;
  readonly outputs: readonly FtpOutput[];
}

/** The Step of `input` when it is a mid-download data-drained or a mid-upload data-bytes, else null. */
export function fastStep(server: FtpServer, input: FtpInput, now: Time): FastStep | null {
  if (input.kind !== 'data-drained' && input.kind !== 'data-bytes') return null;
  const s = Object.hasOwn(server.sessions, input.session) ? server.sessions[input.session] : undefined;
  if (s === undefined) return null;
  const r = fastSessionStep(server.config, s, input, now);
  if (r === null) return null;
  const sessions = Object.freeze({ ...server.sessions, [s.id]: r.session });
  return { server: Object.freeze({ ...server, sessions }), outputs: r.outputs };
}

/** `fastStep` of the session `s` that `input` names: the session after it, or null for the general path. */
export function fastSessionStep(
  config: FtpConfig,
  s: Session,
  input: FtpInput,
  now: Time,
): FastSessionStep | null {
  if (input.kind !== 'data-drained' && input.kind !== 'data-bytes') return null;
  const t = s.busy;
  const d = s.data;
  if (t?.kind !== 'transfer' || d?.state !== 'ESTABLISHED' || d.id !== input.data) return null;
  if (input.kind === 'data-drained') return drained(config, s, t, now);
  return bytes(s, t, input.bytes, now);
}

/**
 * onDrained then sendMore (session-stream.ts), when the chunk sent is not the last: awaitingDrain stays true,
 * the transfer stays busy, so no queued command runs and no port changes.
 */
function drained(config: FtpConfig, s: Session, t: Transfer, now: Time): FastSessionStep | null {
  if (t.phase !== 'SENDING' || !t.awaitingDrain || t.payload === null) return null;
  const left = t.payload.length - t.sent;
  const n = Math.min(left, config.sendChunkBytes);
  if (left <= 0 || t.sent + n >= t.payload.length) return null; // the last chunk: FIN and 226 follow
  const data = s.data as Extract<Session['data'], { state: 'ESTABLISHED' }>;
  const out: FtpOutput = {
    kind: 'data-send',
    session: s.id,
    data: data.id,
    bytes: t.payload.subarray(t.sent, t.sent + n),
  };
  const busy = copyTransfer(t) as Draft<Transfer>;
  busy.sent = t.sent + n;
  busy.awaitingDrain = true;
  busy.moved = t.sent;
  busy.firstByteAt = t.firstByteAt ?? now;
  busy.lastActivityAt = now;
  return { session: withBusy(s, busy), outputs: [out] };
}

/** onBytes (session-stream.ts) during an upload's RECEIVING phase; the early-bytes case takes the general path. */
function bytes(s: Session, t: Transfer, chunk: Uint8Array, now: Time): FastSessionStep | null {
  if (t.phase !== 'RECEIVING') return null;
  const busy = copyTransfer(t) as Draft<Transfer>;
  busy.received = Object.freeze(appendChunk(t.received, chunk));
  busy.moved = t.moved + chunk.length;
  busy.firstByteAt = t.firstByteAt ?? now;
  busy.lastActivityAt = now;
  return { session: withBusy(s, busy), outputs: [] };
}

/** The session with its transfer replaced, both frozen (copies field by field: session-state.ts). */
function withBusy(s: Session, busy: Transfer): Session {
  const copy = copySession(s) as Draft<Session>;
  copy.busy = Object.freeze(busy) as Draft<Transfer>;
  return Object.freeze(copy) as Session;
}
