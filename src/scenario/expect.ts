/**
 * Deciding expectations after a run: each gives a result with its one-line text, whether it held, a detail
 * saying what decided it, and the sequence number of the trace entry where it was decided or failed (the
 * CLI prints the trace around that entry). Expectations written for the other profile are left out.
 *
 * Trace-based expectations need the trace: with tracing off they fail and say so, rather than pass unseen.
 */

import { type FlagTest, filterMatches } from '../../sim/net/faults.ts';
import { formatMs } from '../../sim/time.ts';
import type { TraceEntry } from '../../sim/trace.ts';
import type { World } from '../../sim/world.ts';
import { ftpFs } from '../apps/ftp-server.ts';
import { firstDifference } from '../clients/bytes.ts';
import { clientState } from '../clients/ftp-client.ts';
import { codeMatches } from '../clients/script.ts';
import { sinkConn, tcpAppState } from '../clients/tcp-apps.ts';
import type { Profile } from '../ftp/config.ts';
import { stat } from '../ftp/fs.ts';
import { resolveConn } from './conns.ts';
import { expectationText, patternText } from './expect-text.ts';
import type { EventPattern, Expectation, ExpectationResult } from './expect-types.ts';
import type { Scenario } from './types.ts';

export interface EvalContext {
  readonly world: World;
  readonly scenario: Scenario;
  readonly profile: Profile;
  /** What a check function receives (the run's outcome so far). */
  readonly outcome: unknown;
}

export function evaluate(ctx: EvalContext): ExpectationResult[] {
  return ctx.scenario.expect
    .filter((e) => e.profile === undefined || e.profile === ctx.profile)
    .map((e) => decide(ctx, e));
}

function decide(ctx: EvalContext, e: Expectation): ExpectationResult {
  const text = expectationText(e, ctx.scenario);
  if (e.profile !== undefined && e.profile !== ctx.profile)
    return { text, passed: true, detail: `only under ${e.profile}` };
  const r = body(ctx, e);
  return { text, ...r };
}

type Decided = Omit<ExpectationResult, 'text'>;

function body(ctx: EvalContext, e: Expectation): Decided {
  const w = ctx.world;
  if ('seen' in e || 'notSeen' in e || 'order' in e || 'sequence' in e) {
    if (!w.tracing) return { passed: false, detail: 'needs the trace: run with tracing on' };
  }
  if ('seen' in e) {
    const m = matcher(ctx, e.seen);
    if (m.missing !== undefined) return { passed: false, detail: m.missing };
    if (e.times === undefined) {
      const hit = w.trace.find(m.test);
      return hit === undefined
        ? { passed: false, detail: 'never seen' }
        : { passed: true, detail: `first at ${where(hit)}`, seq: hit.seq };
    }
    const hits = w.trace.filter(m.test);
    const last = hits[hits.length - 1];
    return {
      passed: hits.length === e.times,
      detail: `seen ${hits.length} time(s)${last === undefined ? '' : `, last at ${where(last)}`}`,
      ...(last === undefined ? {} : { seq: last.seq }),
    };
  }
  if ('notSeen' in e) {
    const m = matcher(ctx, e.notSeen);
    const hit = m.missing === undefined ? w.trace.find(m.test) : undefined;
    return hit === undefined
      ? { passed: true, detail: 'not seen' }
      : { passed: false, detail: `seen at ${where(hit)}`, seq: hit.seq };
  }
  if ('order' in e) return order(ctx, e.order);
  if ('sequence' in e) return sequence(ctx, e.sequence);
  if ('outcome' in e) {
    const s = clientState(w, e.client);
    if (s === undefined || s.verdict === null)
      return { passed: false, detail: `client ${e.client} has no verdict` };
    const seq = w.trace.find((x) => x.kind === 'client-verdict' && x.client === e.client)?.seq;
    const code = s.verdictCode === null ? '' : ` (${s.verdictCode})`;
    const passed =
      s.verdict === e.outcome &&
      (e.code === undefined || (s.verdictCode !== null && codeMatches(e.code, s.verdictCode)));
    return {
      passed,
      detail: `${s.verdict}${code}: ${s.verdictDetail}`,
      ...(seq === undefined ? {} : { seq }),
    };
  }
  if ('content' in e) {
    const r = clientState(w, e.content.client)?.results.find((x) => x.index === e.content.step);
    if (r === undefined || r.bytes === null)
      return { passed: false, detail: `step ${e.content.step} did not complete` };
    const text = new TextDecoder().decode(r.bytes);
    const problems: string[] = [];
    if (e.equals !== undefined && text !== e.equals) problems.push(`received ${JSON.stringify(clip(text))}`);
    for (const c of e.contains ?? []) if (!text.includes(c)) problems.push(`no ${JSON.stringify(c)}`);
    for (const c of e.lacks ?? []) if (text.includes(c)) problems.push(`has ${JSON.stringify(c)}`);
    return problems.length === 0
      ? { passed: true, detail: `${r.bytes.length} bytes` }
      : { passed: false, detail: `${problems.join('; ')} in ${JSON.stringify(clip(text))}` };
  }
  if ('app' in e) return app(ctx, e);
  if ('intact' in e) return intact(ctx, e.intact);
  if ('not' in e) {
    const r = decide(ctx, e.not);
    return {
      passed: !r.passed,
      detail: `the negated claim ${r.passed ? 'held' : 'did not hold'}: ${r.detail ?? ''}`,
      ...(r.seq === undefined ? {} : { seq: r.seq }),
    };
  }
  if ('any' in e) {
    const rs = e.any.map((x) => decide(ctx, x));
    const ok = rs.find((r) => r.passed);
    return ok !== undefined
      ? {
          passed: true,
          detail: `${ok.text}: ${ok.detail ?? ''}`,
          ...(ok.seq === undefined ? {} : { seq: ok.seq }),
        }
      : { passed: false, detail: rs.map((r) => `${r.text}: ${r.detail ?? ''}`).join('; ') };
  }
  const problem = e.check(ctx.outcome);
  return problem === null ? { passed: true } : { passed: false, detail: problem };
}

function order(ctx: EvalContext, ps: readonly EventPattern[]): Decided {
  const hits: TraceEntry[] = [];
  for (const p of ps) {
    const m = matcher(ctx, p);
    if (m.missing !== undefined) return { passed: false, detail: m.missing };
    const hit = ctx.world.trace.find(m.test);
    if (hit === undefined) return { passed: false, detail: `never seen: ${patternText(p, ctx.scenario)}` };
    hits.push(hit);
  }
  for (let i = 1; i < hits.length; i++) {
    if (hits[i]!.seq <= hits[i - 1]!.seq) {
      const a = patternText(ps[i - 1]!, ctx.scenario);
      const b = patternText(ps[i]!, ctx.scenario);
      return {
        passed: false,
        detail: `${b} at ${where(hits[i]!)}, but ${a} only at ${where(hits[i - 1]!)}`,
        seq: hits[i]!.seq,
      };
    }
  }
  const last = hits[hits.length - 1]!;
  return { passed: true, detail: hits.map(where).join(', then '), seq: last.seq };
}

function sequence(ctx: EvalContext, ps: readonly EventPattern[]): Decided {
  const trace = ctx.world.trace;
  const hits: TraceEntry[] = [];
  let from = 0;
  for (const p of ps) {
    const m = matcher(ctx, p);
    if (m.missing !== undefined) return { passed: false, detail: m.missing };
    let hit: TraceEntry | undefined;
    for (let i = from; i < trace.length && hit === undefined; i++) if (m.test(trace[i]!)) hit = trace[i];
    if (hit === undefined) {
      const after = hits.length === 0 ? '' : ` after ${where(hits[hits.length - 1]!)}`;
      const seq = hits.length === 0 ? {} : { seq: hits[hits.length - 1]!.seq };
      return { passed: false, detail: `never seen${after}: ${patternText(p, ctx.scenario)}`, ...seq };
    }
    hits.push(hit);
    from = hit.seq + 1;
  }
  return { passed: true, detail: hits.map(where).join(', then '), seq: hits[hits.length - 1]!.seq };
}

function intact(ctx: EvalContext, t: { client: string; step?: number; file?: string }): Decided {
  const s = clientState(ctx.world, t.client);
  if (s === undefined) return { passed: false, detail: `no client ${t.client}` };
  const steps =
    t.step === undefined
      ? s.spec.script.flatMap((st, i) => (['retr', 'stor', 'appe'].includes(st.do) ? [i] : []))
      : [t.step];
  const host = ctx.scenario.server?.host;
  if (host === undefined) return { passed: false, detail: 'the scenario has no FTP server to compare with' };
  const fs = ftpFs(ctx.world, host);
  const checked: string[] = [];
  for (const i of steps) {
    const r = s.results.find((x) => x.index === i);
    if (r === undefined) return { passed: false, detail: `step ${i} did not complete` };
    const path = t.file ?? r.sitePath!;
    const node = stat(fs, path);
    if (node === undefined || node.kind !== 'file')
      return { passed: false, detail: `the server has no file ${path}` };
    if (r.truncated)
      return { passed: false, detail: `step ${i} was truncated: ${r.count} of ${node.data.length} bytes` };
    let a: Uint8Array;
    let b: Uint8Array;
    if (r.kind === 'retr') [a, b] = [r.bytes!, node.data];
    else if (r.kind === 'stor') [a, b] = [node.data, r.sent!];
    else [a, b] = [node.data.subarray(Math.max(0, node.data.length - r.sent!.length)), r.sent!];
    const d = firstDifference(a, b);
    if (d >= 0) {
      const what =
        r.kind === 'retr'
          ? `received ${a.length} bytes, the file has ${b.length}`
          : `the file has ${node.data.length} bytes, ${r.sent!.length} were sent`;
      return { passed: false, detail: `step ${i} (${path}): ${what}; first difference at byte ${d}` };
    }
    checked.push(`${path} ${b.length} bytes`);
  }
  return { passed: true, detail: checked.join(', ') };
}

function app(
  ctx: EvalContext,
  e: { app: string; received?: number; intact?: boolean; completed?: boolean },
): Decided {
  const a = tcpAppState(ctx.world, e.app);
  if (a === undefined) return { passed: false, detail: `no application ${e.app}` };
  const sinks = a.spec.kind === 'sink' ? a.conns.map((c) => sinkConn(ctx.world, c)!) : [];
  const received = a.spec.kind === 'sink' ? sinks.reduce((n, c) => n + c.received, 0) : a.received;
  const mismatch = sinks.find((c) => c.mismatch >= 0)?.mismatch;
  const completed =
    a.spec.kind === 'sink'
      ? sinks.length > 0 && sinks.every((c) => c.finished)
      : a.spec.kind === 'bulk'
        ? a.done
        : a.failures.length === 0;
  const problems: string[] = [];
  if (e.received !== undefined && received !== e.received) problems.push(`received ${received} bytes`);
  if (e.intact !== undefined && (mismatch === undefined) !== e.intact) {
    problems.push(mismatch === undefined ? 'every byte was right' : `first wrong byte at offset ${mismatch}`);
  }
  if (e.completed !== undefined && completed !== e.completed) {
    problems.push(
      completed
        ? 'it completed'
        : `it did not complete${a.failures.length ? ` (${a.failures.join(', ')})` : ''}`,
    );
  }
  const summary = `${received} bytes${mismatch === undefined ? '' : `, wrong from ${mismatch}`}${completed ? ', completed' : ''}`;
  return problems.length === 0
    ? { passed: true, detail: summary }
    : { passed: false, detail: problems.join('; ') };
}

interface Matcher {
  readonly test: (e: TraceEntry) => boolean;
  readonly missing?: string;
}

function matcher(ctx: EvalContext, p: EventPattern): Matcher {
  const w = ctx.world;
  if ('reply' in p) {
    const text = p.text;
    if (p.client !== undefined) {
      const c = p.client;
      return {
        test: (e) =>
          e.kind === 'client-reply' &&
          e.client === c &&
          (p.step === undefined || e.step === p.step) &&
          codeMatches(p.reply, e.code) &&
          (text === undefined || e.text.includes(text)),
      };
    }
    return {
      test: (e) =>
        e.kind === 'ftp-reply' &&
        codeMatches(p.reply, e.code) &&
        (text === undefined || e.text.includes(text)),
    };
  }
  if ('command' in p) {
    const verb = p.command.toUpperCase();
    const session = p.client === undefined ? null : resolveConn(w, { client: p.client, peer: true });
    if (session?.missing !== undefined) return { test: () => false, missing: session.missing };
    return {
      test: (e) => {
        if (e.kind !== 'ftp-command' || (session !== null && !session.names.has(e.session))) return false;
        const line = e.line.toUpperCase();
        return line === verb || line.startsWith(`${verb} `);
      },
    };
  }
  if ('segment' in p || 'state' in p || 'event' in p) {
    const r = resolveConn(w, p.conn);
    if (r.missing !== undefined) return { test: () => false, missing: r.missing };
    const names = r.names;
    if ('state' in p) return { test: (e) => e.kind === 'tcp-state' && e.to === p.state && names.has(e.conn) };
    if ('event' in p)
      return { test: (e) => e.kind === 'sock-event' && e.event === p.event && names.has(e.conn) };
    const filter = {
      flags: (typeof p.segment === 'string' ? [p.segment] : p.segment) as readonly FlagTest[],
    };
    const kind = p.dir === 'out' ? 'seg-send' : 'seg-recv';
    return {
      test: (e) =>
        e.kind === kind && names.has(e.conn) && filterMatches(filter, e.seg, { from: '', to: '', now: e.at }),
    };
  }
  if ('tcp' in p) {
    const r = p.conn === undefined ? null : resolveConn(w, p.conn);
    if (r?.missing !== undefined) return { test: () => false, missing: r.missing };
    const what = p.tcp;
    return {
      test: (e) =>
        e.kind === 'tcp-event' &&
        (r === null || r.names.has(e.conn)) &&
        (e.event === what || e.detail === what || e.detail.startsWith(`${what} `)),
    };
  }
  if ('log' in p) {
    const m = p.log;
    return {
      test: (e) => {
        if (e.kind !== 'ftp-log') return false;
        const x = e.entry;
        if (m.method !== undefined && x.method.toUpperCase() !== m.method.toUpperCase()) return false;
        if (m.uri !== undefined && x.uriStem !== m.uri) return false;
        if (m.status !== undefined) {
          if (
            m.status === '-'
              ? x.status !== '-' && x.status !== ''
              : !/^\d+$/.test(x.status) || !codeMatches(m.status, Number(x.status))
          )
            return false;
        }
        if (m.win32 !== undefined && x.win32 !== m.win32) return false;
        if (m.substatus !== undefined && x.substatus !== m.substatus) return false;
        if (m.port !== undefined && x.serverPort !== m.port) return false;
        if (m.user !== undefined && x.user !== m.user) return false;
        return m.path === undefined || x.fullPath === m.path;
      },
    };
  }
  if ('step' in p) {
    return {
      test: (e) =>
        e.kind === 'client-step' && e.client === p.client && e.index === p.step && e.phase === p.phase,
    };
  }
  const fields = Object.entries(p.fields ?? {});
  return {
    test: (e) => {
      if (e.kind !== p.entry || (p.host !== undefined && e.host !== p.host)) return false;
      const rec = e as unknown as Record<string, unknown>;
      return fields.every(([k, v]) => rec[k] === v || JSON.stringify(rec[k]) === JSON.stringify(v));
    },
  };
}

function where(e: TraceEntry): string {
  return `#${e.seq} (${formatMs(e.at)})`;
}

function clip(s: string): string {
  return s.length > 120 ? `${s.slice(0, 117)}...` : s;
}
