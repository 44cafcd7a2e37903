/**
 * The one-line description of a segment that the ladder and the Mermaid view put on an arrow:
 *
 *   SYN seq=0 isn=2401331091 win=65535 mss=1460
 *   PSH,ACK seq=1 ack=1 len=27 "220 Microsoft FTP Service↵"
 *
 * Flags as the trace spells them, relative seq and ack (see context.ts), len when the segment carries data,
 * the absolute ISN on a SYN, the window when it changed, the MSS option when present, and on an FTP control
 * connection the text the payload carries (controlText: '↵' is CRLF). When the room is short, the extras
 * go first (window, MSS, ISN), then the FTP text is cut, then the whole label: flags, seq and ack are the
 * last to go.
 */

import { flagNames, type Segment } from '../../sim/tcp/segment.ts';
import type { WireContext } from './context.ts';
import { controlText, textWidth, truncate } from './text.ts';

/** Room kept for the FTP text before the label itself is cut. */
const MIN_TEXT = 12;

export function segmentLabel(seg: Segment, ctx: WireContext, width = Number.POSITIVE_INFINITY): string {
  const n = ctx.numbers(seg);
  let head = `${flagNames(seg.flags) || 'no flags'} seq=${n.seq}`;
  if (n.ack !== undefined) head += ` ack=${n.ack}`;
  if (seg.payload.length > 0) head += ` len=${seg.payload.length}`;
  const text = seg.payload.length > 0 && ctx.isControl(seg) ? `"${controlText(seg.payload)}"` : '';
  // The common case, an ACK or a data segment that fits: no extras to weigh.
  if (
    n.isn === undefined &&
    n.wnd === undefined &&
    seg.mss === undefined &&
    text === '' &&
    head.length <= width
  ) {
    return head;
  }
  const extras: string[] = [];
  if (n.isn !== undefined) extras.push(`isn=${n.isn}`);
  if (n.wnd !== undefined) extras.push(`win=${n.wnd}`);
  if (seg.mss !== undefined) extras.push(`mss=${seg.mss}`);
  let label = joined(head, extras, text);
  // Drop the extras from the last: MSS, then the window, then the ISN.
  while (textWidth(label) > width && extras.length > 0) {
    extras.pop();
    label = joined(head, extras, text);
  }
  if (textWidth(label) <= width) return label;
  if (text !== '') {
    const room = width - textWidth(head) - 1;
    if (room >= MIN_TEXT) return `${head} ${truncate(text, room)}`;
  }
  return truncate(text === '' ? head : `${head} ${text}`, width);
}

function joined(head: string, extras: readonly string[], text: string): string {
  let out = head;
  for (const e of extras) out += ` ${e}`;
  return text === '' ? out : `${out} ${text}`;
}

/** The FTP text a segment carries, or '' when it carries none or is not on a control connection. */
export function ftpTextOf(seg: Segment, ctx: WireContext): string {
  return seg.payload.length > 0 && ctx.isControl(seg) ? controlText(seg.payload) : '';
}
