/**
 * A shrunk failure as a scenario file that `netstep run` replays: the minimal plan's scenario, with one
 * expectation that says what the violated invariant says, written in the scenario vocabulary
 * (src/scenario/expect-types.ts) so that the replay fails (exit 1) on the same thing:
 *
 * - transfer-bytes   `intact` for the transfer (the download's bytes, or the uploaded file's);
 * - client-contract  the client ends completed, or failed on a 4xx or 5xx;
 * - liveness         the stuck connection reaches CLOSED (with the run cut at the bound when it closed too
 *                    late); a run that never went idle fails its own step limit, which the file keeps;
 * - one-final-reply  the unanswered command is followed by a final reply, or the replies are as many as
 *                    the commands allow (one fewer 1xx, or one fewer of the stray reply's code);
 * - w3c-log          the log has as many lines as the commands and data connections allow;
 * - no-throw         nothing: the replay throws as the run did.
 *
 * The vocabulary cannot say every invariant exactly (it has no "one final reply per command"), so each
 * file is replayed once when written (`verifyReplay`) and the summary says whether it fails as it should.
 */
import type { TraceEntry } from '../../sim/trace.ts';
import { runScenario } from '../scenario/run.ts';
import type { ExpectationInput, ScenarioInput } from '../scenario/types.ts';
import { validateScenario } from '../scenario/validate.ts';
import type { Violation, Where } from './invariants/violation.ts';
import type { Shrunk } from './jobs.ts';
import { planSize } from './plan.ts';
import { MAX_STEPS } from './run-plan.ts';
import { planScenario, SERVER_HOST } from './scenario.ts';

export function replayName(s: Pick<Shrunk, 'seed' | 'invariant'>): string {
  return `seed-${s.seed}-${s.invariant}.json`;
}

export function replayScenario(s: Shrunk, setup: { readonly model: string }): ScenarioInput {
  const size = planSize(s.plan);
  const about =
    `netstep fuzz seed ${s.seed} (${setup.model} client, ${s.plan.profile}), shrunk to ${size.clients} ` +
    `client(s) and ${size.steps} step(s): ${s.invariant}: ${s.violation.message}`.replace(/\s+/g, ' ');
  const { scenario } = planScenario(s.plan, about);
  const v = s.violation;
  const at = v.at;
  const text = `fuzz invariant ${v.invariant}: ${v.message}`.replace(/\s+/g, ' ');
  if (v.invariant === 'no-throw' || at === undefined) return scenario;
  if (at.kind === 'not-idle') return { ...scenario, limits: { ...scenario.limits, maxSteps: MAX_STEPS } };
  const trace = traceOf(scenario);
  const expectation = expectationFor(at, v, trace, scenario);
  if (expectation === null) return scenario;
  const limits =
    at.kind === 'late' && trace !== null ? { limits: { ...scenario.limits, until: lateCut(trace, v) } } : {};
  return { ...scenario, ...limits, expect: [{ ...expectation, text }] };
}

function expectationFor(
  at: Where,
  v: Violation,
  trace: readonly TraceEntry[] | null,
  scenario: ScenarioInput,
): ExpectationInput | null {
  switch (at.kind) {
    case 'download':
      return { intact: { client: at.client, step: at.step } };
    case 'upload':
      return { intact: { client: at.client, step: at.step, file: at.path } };
    case 'client':
      return {
        any: [
          { outcome: 'completed', client: at.client },
          { outcome: 'failed', client: at.client, code: '4xx' },
          { outcome: 'failed', client: at.client, code: '5xx' },
        ],
      };
    case 'conn':
      return { seen: { state: 'CLOSED', conn: at.conn } };
    case 'late':
      return at.conn === '' ? null : { seen: { state: 'CLOSED', conn: at.conn } };
    case 'reply': {
      if (trace === null) return null;
      const client = clientOfSession(trace, at.session, scenario);
      if (at.what === 'unanswered') {
        const verb = (at.line ?? '').split(' ')[0]!;
        const after = (code: '2xx' | '4xx' | '5xx'): ExpectationInput => ({
          order: [
            { command: verb, ...client },
            { reply: code, ...client },
          ],
        });
        return { any: [after('2xx'), after('4xx'), after('5xx')] };
      }
      if (at.what === 'wrong-reply') {
        // The command is followed by a reply it allows (what the server should have said).
        const verb = (at.line ?? '').split(' ')[0]!;
        return {
          not: {
            order: [
              { command: verb, ...client },
              { reply: at.code!, ...client },
            ],
          },
        };
      }
      const code = at.what === 'second-1xx' ? '1xx' : at.code!;
      const seen = count(trace, (e) => e.kind === 'ftp-reply' && matches(code, e.code));
      return { seen: { reply: code }, times: seen - 1 };
    }
    case 'log': {
      if (trace === null) return null;
      const logs = trace.filter((e) => e.kind === 'ftp-log');
      const method = (m: string) => logs.filter((e) => e.kind === 'ftp-log' && e.entry.method === m).length;
      if (at.what === 'data-pairs') {
        return { seen: { log: { method: 'DataChannelClosed' } }, times: method('DataChannelOpened') };
      }
      if (at.what === 'control') return { seen: { log: { method: 'ControlChannelOpened' } }, times: 1 };
      const m = /(\d+) command lines in the log for (\d+) final replies/.exec(v.message);
      if (m === null) return null;
      return {
        seen: { entry: 'ftp-log', host: SERVER_HOST },
        times: logs.length - Number(m[1]) + Number(m[2]),
      };
    }
    case 'not-idle':
      return null;
    default:
      return at satisfies never;
  }
}

/** The minimal scenario's trace (null when the run throws). */
function traceOf(scenario: ScenarioInput): readonly TraceEntry[] | null {
  try {
    return runScenario(validateScenario(scenario, 'replay'), {
      trace: true,
      history: false,
      maxSteps: MAX_STEPS,
    }).world.trace;
  } catch {
    return null;
  }
}

/** The client whose control connection is the server's `session` (by the address its segments come from). */
function clientOfSession(
  trace: readonly TraceEntry[],
  session: string,
  s: ScenarioInput,
): { client?: string } {
  const seg = trace.find((e) => e.kind === 'seg-recv' && e.conn === session);
  if (seg?.kind !== 'seg-recv') return {};
  const host = s.hosts.find((h) => h.addr === seg.seg.src.addr)?.name;
  return host === undefined || host === SERVER_HOST ? {} : { client: host };
}

/** Just before the late connection closed: the replay is cut there, so it never reaches CLOSED. */
function lateCut(trace: readonly TraceEntry[], v: Violation): string {
  const conn = v.at?.kind === 'late' ? v.at.conn : undefined;
  const closed = trace.findLast((e) => e.kind === 'tcp-state' && e.conn === conn);
  return `${Math.max(0, (closed?.at ?? 1) - 1)}ns`;
}

function count(trace: readonly TraceEntry[], test: (e: TraceEntry) => boolean): number {
  let n = 0;
  for (const e of trace) if (test(e)) n++;
  return n;
}

function matches(code: number | string, actual: number): boolean {
  return typeof code === 'number' ? code === actual : Math.floor(actual / 100) === Number(code[0]);
}

export interface ReplayCheck {
  /** The replay does what the failure did: an expectation fails, or the run throws (no-throw). */
  readonly fails: boolean;
  readonly detail: string;
}

/** Runs a replay scenario as `netstep run` would, and says whether it fails. */
export function verifyReplay(scenario: ScenarioInput): ReplayCheck {
  try {
    const outcome = runScenario(validateScenario(scenario, 'replay'), { trace: true, history: false });
    const failed = outcome.results.find((r) => !r.passed);
    return failed === undefined
      ? { fails: false, detail: 'every expectation holds on replay' }
      : { fails: true, detail: `${failed.text}: ${failed.detail ?? ''}` };
  } catch (e) {
    return { fails: true, detail: `the replay throws ${e instanceof Error ? e.message : String(e)}` };
  }
}
