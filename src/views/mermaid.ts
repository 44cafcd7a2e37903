/**
 * The trace as a Mermaid `sequenceDiagram`, the text GitHub renders inside a ```mermaid block.
 *
 * - Participants are the hosts, in the order given, each aliased 'name address'.
 * - By default one message per segment arrival (`A->>B`), labelled as on the ladder (relative seq/ack,
 *   FTP text) and prefixed with the arrival time in ms; a segment the network lost is `A-xB` with the
 *   reason; a held one is `A--)B` with the rule. TCP state changes, the FTP server's data-channel states
 *   and notes are `Note over` the host, and so are the client models' verdicts and failed steps.
 * - With `ftpOnly`, one message per FTP command (client to server) and per reply (server to client), plus
 *   the server's data-channel notes: the FTP conversation without the TCP underneath.
 *
 * Mermaid reads some characters as syntax: `;` ends a statement, `#` starts an entity, `<` and `>` are
 * HTML, `%%` starts a comment, a line break ends a message. `mermaidText` writes those as Mermaid's entity
 * codes (`#59;`, `#35;`, `#lt;`, ...), which the renderer shows as the characters themselves; the only
 * markup the view itself writes is `<br/>` between the lines of a multi-line reply.
 */

import type { Time } from '../../sim/time.ts';
import type { TraceEntry } from '../../sim/trace.ts';
import type {} from '../clients/trace.ts';
import { WireContext } from './context.ts';
import { formatTime, type LadderHost } from './ladder.ts';
import { segmentLabel } from './segment-label.ts';
import { truncate } from './text.ts';
import { dropReason, replyLines, shortConn } from './trace-kinds.ts';

export interface MermaidOptions {
  /** Hosts to draw (participants), in order; default all. Messages to or from other hosts are left out. */
  readonly hosts?: readonly string[];
  /** FTP commands and replies instead of segments. */
  readonly ftpOnly?: boolean;
  readonly from?: Time;
  readonly to?: Time;
  /** Longest message text, in characters before escaping. Default 90. */
  readonly maxText?: number;
}

/** GitHub's Mermaid refuses diagrams whose text is longer than this (mermaid's maxTextSize default). */
export const MERMAID_MAX_TEXT = 50_000;

const ENTITIES: Readonly<Record<string, string>> = {
  '#': '#35;',
  ';': '#59;',
  '<': '#lt;',
  '>': '#gt;',
  '%': '#37;',
  '"': '#quot;',
  '\n': ' ',
  '\r': ' ',
};

/** Text as Mermaid shows it literally: syntax characters as entity codes, line breaks as spaces. */
export function mermaidText(s: string): string {
  return s.replace(/[#;<>%"\n\r]/g, (c) => ENTITIES[c]!);
}

/** A participant id Mermaid accepts: letters, digits and '_'; unique among the hosts. */
function participantIds(names: readonly string[]): Map<string, string> {
  const ids = new Map<string, string>();
  const used = new Set<string>();
  for (const name of names) {
    const base = name.replace(/[^A-Za-z0-9_]/g, '_');
    let id = base;
    for (let i = 2; used.has(id); i++) id = `${base}_${i}`;
    used.add(id);
    ids.set(name, id);
  }
  return ids;
}

export function mermaidLines(
  trace: readonly TraceEntry[],
  hosts: readonly LadderHost[],
  options: MermaidOptions = {},
): string[] {
  const names = options.hosts ?? hosts.map((h) => h.name);
  const ids = participantIds(names);
  const max = options.maxText ?? 90;
  const out = ['sequenceDiagram'];
  for (const name of names) {
    const addr = hosts.find((h) => h.name === name)?.addr;
    out.push(`    participant ${ids.get(name)} as ${mermaidText(addr ? `${name} ${addr}` : name)}`);
  }
  const ctx = new WireContext();
  const text = (at: Time, s: string) => mermaidText(truncate(`${formatTime(at)} ${s}`, max));
  const message = (from: string, arrow: string, to: string, at: Time, s: string) => {
    const a = ids.get(from);
    const b = ids.get(to);
    if (a !== undefined && b !== undefined) out.push(`    ${a}${arrow}${b}: ${text(at, s)}`);
  };
  const note = (host: string, at: Time, s: string) => {
    const id = ids.get(host);
    if (id !== undefined) out.push(`    Note over ${id}: ${text(at, s)}`);
  };
  for (const e of trace) {
    ctx.observe(e);
    if (
      (options.from !== undefined && e.at < options.from) ||
      (options.to !== undefined && e.at > options.to)
    )
      continue;
    // The client models' verdicts and failed steps, in either mode: the end of the story.
    if (e.kind === 'client-verdict') {
      const code = e.code !== undefined ? ` (${e.code})` : '';
      note(e.host, e.at, `${e.client} ${e.verdict}${code}${e.detail ? `: ${e.detail}` : ''}`);
      continue;
    }
    if (e.kind === 'client-step' && e.phase === 'fail') {
      note(e.host, e.at, `${e.client} ${e.step} failed${e.detail ? `: ${e.detail}` : ''}`);
      continue;
    }
    if (options.ftpOnly) {
      switch (e.kind) {
        case 'ftp-command':
          message(ctx.peerOf(e.session) ?? '', '->>', e.host, e.at, e.line);
          break;
        case 'ftp-reply': {
          const body = replyLines(e.code, e.text)
            .map((l) => mermaidText(truncate(l, max)))
            .join('<br/>');
          const a = ids.get(e.host);
          const b = ids.get(ctx.peerOf(e.session) ?? '');
          if (a !== undefined && b !== undefined)
            out.push(`    ${a}->>${b}: ${mermaidText(formatTime(e.at))} ${body}`);
          break;
        }
        case 'ftp-data':
          note(e.host, e.at, `${shortConn(e.session, e.host)} data ${e.from} → ${e.to}`);
          break;
        case 'ftp-note':
          note(e.host, e.at, `${shortConn(e.session, e.host)} ${e.text}`);
          break;
        default:
          break;
      }
      continue;
    }
    switch (e.kind) {
      case 'seg-recv':
        message(e.from, '->>', e.host, e.at, segmentLabel(e.seg, ctx));
        break;
      case 'seg-drop':
        message(e.host, '-x', e.to, e.at, `${segmentLabel(e.seg, ctx)} ✗ ${dropReason(e.reason, e.rule)}`);
        break;
      case 'seg-hold':
        message(e.host, '--)', e.to, e.at, `${segmentLabel(e.seg, ctx)} ‖ held by ${e.rule}`);
        break;
      case 'tcp-state':
        note(e.host, e.at, `${shortConn(e.conn, e.host)} ${e.from} → ${e.to}`);
        break;
      case 'ftp-data':
        note(e.host, e.at, `${shortConn(e.session, e.host)} data ${e.from} → ${e.to}`);
        break;
      case 'ftp-note':
        note(e.host, e.at, `${shortConn(e.session, e.host)} ${e.text}`);
        break;
      default:
        break;
    }
  }
  return out;
}
