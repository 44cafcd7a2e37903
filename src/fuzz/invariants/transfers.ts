/**
 * Invariant 'transfer-bytes': no byte of a completed transfer is lost, added or reordered.
 * - A RETR the client completed (a 2xx final reply, and the client took the transfer as done) delivered
 *   exactly the file's bytes from the REST offset on.
 * - A path the clients uploaded to holds exactly what the completed STORs and APPEs sent, in order (STOR
 *   replaces, APPE appends). A path with an upload that started and did not complete is left out: what the
 *   server keeps of a failed upload is its own choice (keepPartialUploads), not a byte-integrity question.
 * The facts are gathered from the run (check-run.ts); this file only compares.
 */
import { type Violation, violation } from './violation.ts';

export interface Download {
  /** Where, for the message: 'c1 step 3 (retr /f1.bin)'. */
  readonly where: string;
  readonly client: string;
  readonly step: number;
  readonly expected: Uint8Array;
  readonly received: Uint8Array;
}

export interface Upload {
  readonly where: string;
  readonly client: string;
  /** The last upload step to the path. */
  readonly step: number;
  readonly path: string;
  /** What the completed uploads, in order, should have left. */
  readonly expected: Uint8Array;
  /** What the site holds at the end of the run (null: no such file). */
  readonly stored: Uint8Array | null;
}

export function checkTransfers(downloads: readonly Download[], uploads: readonly Upload[]): Violation | null {
  for (const d of downloads) {
    const diff = compare(d.expected, d.received, 'received');
    const at = { kind: 'download', client: d.client, step: d.step } as const;
    if (diff !== null) return violation('transfer-bytes', `${d.where}: ${diff}`, { at });
  }
  for (const u of uploads) {
    const at = { kind: 'upload', client: u.client, step: u.step, path: u.path } as const;
    if (u.stored === null) {
      return violation('transfer-bytes', `${u.where}: the file is missing after its uploads completed`, {
        at,
      });
    }
    const diff = compare(u.expected, u.stored, 'stored');
    if (diff !== null) return violation('transfer-bytes', `${u.where}: ${diff}`, { at });
  }
  return null;
}

/** What is wrong with `got` against `expected`, in one phrase, or null when they are equal. */
export function compare(expected: Uint8Array, got: Uint8Array, verb: string): string | null {
  // The common case, equal bytes, at memcmp speed; the byte loop only runs to say where they differ.
  if (expected.length === got.length && Buffer.compare(view(expected), view(got)) === 0) return null;
  const n = Math.min(expected.length, got.length);
  let i = 0;
  while (i < n && expected[i] === got[i]) i++;
  if (i === n && expected.length === got.length) return null;
  if (i === n && got.length < expected.length) {
    return `${verb} ${got.length} of ${expected.length} bytes: the last ${expected.length - got.length} are missing (truncated)`;
  }
  if (i === n)
    return `${verb} ${got.length} bytes for ${expected.length}: ${got.length - expected.length} bytes added at the end`;
  return `${verb} ${got.length} bytes for ${expected.length}: byte ${i} differs (0x${hex(got[i]!)} for 0x${hex(expected[i]!)})`;
}

function view(b: Uint8Array): Buffer {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength);
}

function hex(b: number): string {
  return b.toString(16).padStart(2, '0');
}
