/**
 * Invariant 'client-contract': the client model's own promise about how its run ends. The correct client
 * (src/clients/behaviours.ts) promises that every step, transfers included, either completes or fails on an
 * explicit 4xx/5xx reply from the server: it never hangs, never ends a download short, never gives up without
 * a reply that says why.
 *
 * The broken behaviours are held to the same promise on purpose: a campaign run with `--client <behaviour>`
 * is a search for the ways that client breaks against the server, and each way is a finding (a hang for
 * expects-150 after a 125, a truncated download for closes-data-on-226, ...).
 */
import type { TraceEntry } from '../../../sim/trace.ts';
import '../../clients/trace.ts';
import { type Violation, violation } from './violation.ts';

export interface ClientEnd {
  readonly client: string;
  /** null: the client gave no verdict at all. */
  readonly verdict: 'completed' | 'failed' | 'truncated' | 'hung' | null;
  readonly detail: string;
  readonly code?: number;
  readonly seq?: number;
}

export function checkClientEnd(c: ClientEnd): Violation | null {
  const at = { seq: c.seq, at: { kind: 'client', client: c.client } as const };
  switch (c.verdict) {
    case 'completed':
      return null;
    case 'failed':
      if (c.code !== undefined && c.code >= 400 && c.code <= 599) return null;
      return violation(
        'client-contract',
        `${c.client} failed without a 4xx/5xx reply: ${c.detail}${c.code === undefined ? '' : ` (${c.code})`}`,
        at,
      );
    case 'truncated':
    case 'hung':
      return violation('client-contract', `${c.client} ${c.verdict}: ${c.detail}`, at);
    case null:
      return violation('client-contract', `${c.client} gave no verdict`, at);
    default:
      return c.verdict satisfies never;
  }
}

/** The last verdict of each named client in a trace (clients without one get verdict null). */
export function clientEnds(trace: readonly TraceEntry[], clients: readonly string[]): ClientEnd[] {
  const ends = new Map<string, ClientEnd>();
  for (const e of trace) {
    if (e.kind !== 'client-verdict') continue;
    ends.set(e.client, {
      client: e.client,
      verdict: e.verdict,
      detail: e.detail,
      ...(e.code === undefined ? {} : { code: e.code }),
      seq: e.seq,
    });
  }
  return clients.map((client) => ends.get(client) ?? { client, verdict: null, detail: '' });
}

export function checkClients(trace: readonly TraceEntry[], clients: readonly string[]): Violation | null {
  for (const end of clientEnds(trace, clients)) {
    const v = checkClientEnd(end);
    if (v !== null) return v;
  }
  return null;
}
