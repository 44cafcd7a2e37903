/**
 * Each invariant on the trace of a real run: the run passes them all, and each one catches a violation
 * planted in what the run left behind (an entry removed or changed, a byte flipped, a connection left open).
 */
import { describe, expect, it } from 'vitest';
import type { TraceEntry } from '../../../sim/trace.ts';
import { checkRun, type FinishedRun, transferFacts } from '../../../src/fuzz/check-run.ts';
import { checkClients } from '../../../src/fuzz/invariants/client-contract.ts';
import { checkLiveness } from '../../../src/fuzz/invariants/liveness.ts';
import { checkReplies } from '../../../src/fuzz/invariants/replies.ts';
import { checkTransfers } from '../../../src/fuzz/invariants/transfers.ts';
import { checkLog } from '../../../src/fuzz/invariants/w3c-log.ts';
import { DEFAULT_SERVER, DEFAULT_TCP, type FuzzPlan } from '../../../src/fuzz/plan.ts';
import { runPlan } from '../../../src/fuzz/run-plan.ts';
import { planScenario, SERVER_HOST } from '../../../src/fuzz/scenario.ts';
import { runScenario } from '../../../src/scenario/run.ts';
import { validateScenario } from '../../../src/scenario/validate.ts';

const knobs = { mode: 'passive', port: null, connectDelay: 0, commandDelay: 0, reader: null } as const;

/** One client: log in, download a file, upload one, list, quit. */
const PLAN: FuzzPlan = {
  seed: 7,
  profile: 'ftp75',
  model: 'correct',
  files: [{ path: '/f1.bin', size: 30_000 }],
  locks: [],
  net: { latency: 1, jitter: 0, bandwidth: 10, loss: 0, duplicate: 0, reorder: 0, reorderDelay: 0 },
  server: DEFAULT_SERVER,
  tcp: DEFAULT_TCP,
  faults: [],
  clients: [
    {
      name: 'c1',
      start: 0,
      think: 0,
      steps: [
        { do: 'login', user: 'anonymous' },
        { ...knobs, do: 'retr', path: '/f1.bin' },
        { ...knobs, do: 'stor', path: '/up-c1-1.bin', size: 5000 },
        { ...knobs, mode: 'active', do: 'list', path: null, options: null },
        { do: 'quit' },
      ],
    },
  ],
};

function run(plan: FuzzPlan): FinishedRun {
  const planned = planScenario(plan);
  const outcome = runScenario(validateScenario(planned.scenario, 'planted'), { trace: true, history: false });
  return { world: outcome.world, plan, planned, idle: outcome.stopped === 'idle' };
}

const r = run(PLAN);
const trace = r.world.trace;

/** The trace without its i-th entry of a kind that `pick` selects. */
function without(pick: (e: TraceEntry) => boolean, nth = 0): TraceEntry[] {
  const hits = trace.filter(pick);
  const gone = hits[nth];
  expect(gone).toBeDefined();
  return trace.filter((e) => e !== gone);
}

describe('a real run', () => {
  it('holds every invariant', () => {
    expect(checkRun(r)).toEqual([]);
    expect(runPlan(PLAN).violations).toEqual([]);
  });

  it('moved what the invariants look at', () => {
    const [downloads, uploads] = transferFacts(r);
    expect(downloads.map((d) => [d.where, d.received.length])).toEqual([
      ['c1 step 1 (retr /f1.bin), 226', 30_000],
    ]);
    expect(uploads.map((u) => [u.path, u.stored?.length])).toEqual([['/up-c1-1.bin', 5000]]);
  });
});

describe('planted violations', () => {
  it('one-final-reply: a final reply removed', () => {
    const planted = without((e) => e.kind === 'ftp-reply' && e.code === 226);
    expect(checkReplies(trace, SERVER_HOST, true)).toBeNull();
    expect(checkReplies(planted, SERVER_HOST, true)?.message).toMatch(/^server\/ctrl#1: /);
  });

  it('one-final-reply: a preliminary reply sent twice', () => {
    const i = trace.findIndex((e) => e.kind === 'ftp-reply' && e.code === 150);
    const planted = [...trace.slice(0, i + 1), trace[i]!, ...trace.slice(i + 1)];
    expect(checkReplies(planted, SERVER_HOST, true)?.message).toMatch(
      /a second preliminary reply 150 to 'RETR \/f1.bin'/,
    );
  });

  it('w3c-log: a DataChannelClosed line removed, or a command line', () => {
    const noClose = without((e) => e.kind === 'ftp-log' && e.entry.method === 'DataChannelClosed');
    expect(checkLog(trace, SERVER_HOST, true)).toBeNull();
    expect(checkLog(noClose, SERVER_HOST, true)?.message).toMatch(
      /DataChannelOpened while the previous data channel is logged open|ControlChannelClosed with a data channel still logged open/,
    );
    const noRetr = without((e) => e.kind === 'ftp-log' && e.entry.method === 'RETR');
    expect(checkLog(noRetr, SERVER_HOST, true)?.message).toMatch(
      /command lines in the log for \d+ final replies/,
    );
  });

  it('transfer-bytes: one byte of the download flipped, the upload cut short', () => {
    const [downloads, uploads] = transferFacts(r);
    const flipped = downloads[0]!.received.slice();
    flipped[12_345] = flipped[12_345]! ^ 0xff;
    expect(checkTransfers([{ ...downloads[0]!, received: flipped }], uploads)?.message).toMatch(
      /byte 12345 differs/,
    );
    expect(
      checkTransfers(downloads, [{ ...uploads[0]!, stored: uploads[0]!.stored!.subarray(0, 4000) }])?.message,
    ).toMatch(/stored 4000 of 5000 bytes/);
  });

  it('liveness: a connection left open at idle', () => {
    const facts = { idle: true, open: [], lastTcpChange: r.world.now, lastActivity: r.world.now, bound: 1 };
    expect(checkLiveness(facts)).toBeNull();
    expect(checkLiveness({ ...facts, open: [{ conn: 'server/data#2', state: 'CLOSE-WAIT' }] })?.message).toBe(
      'the run went idle with server/data#2 still CLOSE-WAIT',
    );
  });

  it('client-contract: the verdict turned into a hang', () => {
    const planted = trace.map((e) =>
      e.kind === 'client-verdict' ? { ...e, verdict: 'hung' as const, detail: 'waiting' } : e,
    );
    expect(checkClients(trace, ['c1'])).toBeNull();
    expect(checkClients(planted, ['c1'])?.message).toBe('c1 hung: waiting');
  });

  it('no-throw: an error inside the run is a failure of the seed, with its message', () => {
    const broken: FuzzPlan = { ...PLAN, files: [{ path: '/f1.bin', size: -1 }] };
    const v = runPlan(broken).violations;
    expect(v).toHaveLength(1);
    expect(v[0]).toMatchObject({ invariant: 'no-throw' });
    expect(v[0]!.message).toMatch(/^the run threw ScenarioError: fuzz seed 7: server\.files/);
  });
});
