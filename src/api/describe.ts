/**
 * One trace entry as one plain line of text, for every kind, also the kinds the ladder does not draw (FTP
 * replies and commands, W3C lines, socket calls and events, client verdicts) and kinds declared after this
 * file was written (their fields, as key=value). What the stepper shows as "the current event", and what
 * a failed matcher prints for an entry the ladder leaves out.
 *
 *   #41  12.000ms  server  ftp-reply  server/ctrl#1 226 "Transfer complete."
 *
 * Sequence numbers here are absolute (the ladder's are relative): a line stands on its own, without the
 * trace before it. Payloads show their length and, when short and printable, their text.
 */

import { flagNames } from '../../sim/tcp/segment.ts';
import { formatMs } from '../../sim/time.ts';
import type { TraceEntry } from '../../sim/trace.ts';
import { isSegmentEntry } from './query.ts';

/** The entry's details, without its seq, time and host. */
export function entryDetail(e: TraceEntry): string {
  if (isSegmentEntry(e)) {
    const s = e.seg;
    const ack = flagNames(s.flags).includes('ACK') ? ` ack=${s.ack}` : '';
    const len = s.payload.length > 0 ? ` len=${s.payload.length}${payloadText(s.payload)}` : '';
    const where =
      e.kind === 'seg-recv'
        ? `${e.conn || '(no connection)'} ◀ ${e.from}`
        : `${e.conn || '(no connection)'} ▶ ${e.to || s.dst.addr}`;
    const extra =
      e.kind === 'seg-drop'
        ? ` (lost: ${e.reason}${e.rule ? ` ${e.rule}` : ''})`
        : e.kind === 'seg-hold' || e.kind === 'seg-release'
          ? ` (rule ${e.rule})`
          : '';
    return `${where} ${flagNames(s.flags) || 'no flags'} seq=${s.seq}${ack} win=${s.wnd}${len}${extra}`;
  }
  switch (e.kind) {
    case 'tcp-state':
      return `${e.conn} ${e.from} → ${e.to}`;
    case 'tcp-event':
      return `${e.conn} ${e.event} ${e.detail}`;
    case 'sock-event':
    case 'sock-call': {
      const what = e.kind === 'sock-event' ? e.event : e.call;
      return `${e.conn} ${what}${e.bytes === undefined ? '' : ` ${e.bytes} bytes`}`;
    }
    case 'ftp-command':
      return `${e.session} ${JSON.stringify(e.line)}`;
    case 'ftp-reply':
      return `${e.session} ${e.code} ${JSON.stringify(e.text)}`;
    case 'ftp-log':
      return `${e.session} ${e.line}`;
    case 'ftp-data':
      return `${e.session} data#${e.data} ${e.from} → ${e.to}${e.conn ? ` (${e.conn})` : ''}`;
    case 'ftp-note':
      return `${e.session} ${e.text}`;
    case 'note':
      return e.text;
    default:
      return genericDetail(e);
  }
}

/** `#seq  time  host  kind  details`. */
export function describeEntry(e: TraceEntry): string {
  return `#${e.seq}  ${formatMs(e.at)}  ${e.host || '-'}  ${e.kind}  ${entryDetail(e)}`;
}

function genericDetail(e: TraceEntry): string {
  const parts: string[] = [];
  for (const [k, v] of Object.entries(e)) {
    if (k === 'seq' || k === 'at' || k === 'host' || k === 'kind') continue;
    parts.push(`${k}=${fieldText(v)}`);
  }
  return parts.join(' ');
}

function fieldText(v: unknown): string {
  if (v instanceof Uint8Array) return `<${v.length} bytes>`;
  if (typeof v === 'string') return /^[\w./#:-]+$/.test(v) ? v : JSON.stringify(v);
  if (typeof v === 'object' && v !== null)
    return JSON.stringify(v, (_k, x) => (x instanceof Uint8Array ? `<${x.length} bytes>` : x));
  return String(v);
}

/** Short printable payloads (an FTP line) as text; anything else by length alone. */
function payloadText(p: Uint8Array): string {
  if (p.length > 80) return '';
  let s = '';
  for (const b of p) {
    if (b === 0x0d || b === 0x0a) s += b === 0x0a ? '\\n' : '\\r';
    else if (b >= 0x20 && b < 0x7f) s += String.fromCharCode(b);
    else return '';
  }
  return ` "${s}"`;
}
