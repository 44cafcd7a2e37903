/**
 * The FTP server's W3C extended log as IIS would have written it: the header block, then one line per
 * 'ftp-log' entry of the server's host, in trace order. The lines are the ones the model wrote (the view
 * does not format log fields: src/ftp/w3c.ts does); the header is the model's own, opened at time 0.
 */

import type { TraceEntry } from '../../sim/trace.ts';
import '../apps/ftp-trace.ts';
import { w3cHeader } from '../ftp/w3c.ts';

/**
 * The log of the FTP server on `host` (every server's lines when `host` is undefined). `header` defaults to
 * the model's header for a log opened at time 0.
 */
export function w3cLogLines(
  trace: readonly TraceEntry[],
  host?: string,
  header: readonly string[] = w3cHeader(0),
): string[] {
  const out = [...header];
  for (const e of trace)
    if (e.kind === 'ftp-log' && (host === undefined || e.host === host)) out.push(e.line);
  return out;
}
