/**
 * Gathers what the invariants need from a finished run (the trace, the clients' results, the site's files,
 * the connections left, the configuration's timeouts) and checks them all, in INVARIANTS order. The
 * invariants themselves are pure functions in invariants/; this file is the only one that reads a World.
 */
import { tcpOptions } from '../../sim/tcp/options.ts';
import { MS, SECOND } from '../../sim/time.ts';
import type { World } from '../../sim/world.ts';
import { ftpFs } from '../apps/ftp-server.ts';
import { pattern } from '../clients/bytes.ts';
import { clientState } from '../clients/ftp-client.ts';
import type { TransferResult } from '../clients/ftp-state.ts';
import { makeConfig } from '../ftp/config.ts';
import { lookup } from '../ftp/fs.ts';
import { checkClients } from './invariants/client-contract.ts';
import { checkLiveness, livenessBound } from './invariants/liveness.ts';
import { checkReplies } from './invariants/replies.ts';
import { checkTransfers, type Download, type Upload } from './invariants/transfers.ts';
import type { Violation } from './invariants/violation.ts';
import { checkLog } from './invariants/w3c-log.ts';
import type { FuzzPlan } from './plan.ts';
import { type PlannedScenario, SERVER_HOST } from './scenario.ts';

export interface FinishedRun {
  readonly world: World;
  readonly plan: FuzzPlan;
  readonly planned: PlannedScenario;
  /** The run ended with no event left (false: it hit its step limit or its time limit). */
  readonly idle: boolean;
  /** Why it did not go idle. */
  readonly stopped?: string;
}

export function checkRun(r: FinishedRun): Violation[] {
  const { world } = r;
  const trace = world.trace;
  const found: Violation[] = [];
  const add = (v: Violation | null): void => {
    if (v !== null) found.push(v);
  };
  add(checkTransfers(...transferFacts(r)));
  add(checkReplies(trace, SERVER_HOST, r.idle));
  add(checkLiveness(livenessFacts(r)));
  add(checkLog(trace, SERVER_HOST, r.idle));
  const clients = r.plan.clients.map((c) => c.name);
  add(checkClients(trace, clients));
  return found;
}

/** The downloads and uploads the clients completed, with what they should have moved. */
export function transferFacts(r: FinishedRun): [Download[], Upload[]] {
  const sizes = new Map(r.plan.files.map((f) => [f.path, f.size]));
  const downloads: Download[] = [];
  const uploads = new Map<
    string,
    { where: string; client: string; step: number; ops: Array<{ kind: 'stor' | 'appe'; size: number }> }
  >();
  const skipped = new Set<string>();
  for (const t of r.planned.transfers) {
    const state = clientState(r.world, t.client);
    if (state === undefined) continue;
    const result: TransferResult | undefined = state.results.find((x) => x.index === t.index);
    const where = `${t.client} step ${t.index} (${t.kind}${t.path === null ? '' : ` ${t.path}`})`;
    if (t.kind === 'retr') {
      const size = sizes.get(t.path ?? '');
      if (result === undefined || size === undefined || !isSuccess(result.final) || result.bytes === null)
        continue;
      downloads.push({
        where: `${where}, ${result.final}`,
        client: t.client,
        step: t.index,
        expected: pattern(size),
        received: result.bytes,
      });
    } else if (t.kind === 'stor' || t.kind === 'appe') {
      const path = t.path!;
      const entry = uploads.get(path) ?? {
        where: `${t.client} ${path}`,
        client: t.client,
        step: t.index,
        ops: [],
      };
      uploads.set(path, entry);
      const done = result !== undefined && isSuccess(result.final);
      // An upload the client reached (its script is at or past the step) and that did not succeed: what the
      // server kept of it is the server's choice (keepPartialUploads), not a question of byte integrity.
      if (!done && t.index <= state.index) skipped.add(path);
      if (done)
        uploads.set(path, { ...entry, step: t.index, ops: [...entry.ops, { kind: t.kind, size: t.size }] });
    }
  }
  const fs = ftpFs(r.world, SERVER_HOST);
  const checked: Upload[] = [];
  for (const [path, u] of uploads) {
    if (skipped.has(path) || u.ops.length === 0) continue;
    let expected: Uint8Array = new Uint8Array(0);
    for (const op of u.ops)
      expected = op.kind === 'stor' ? pattern(op.size) : concatBytes(expected, pattern(op.size));
    const node = lookup(fs, path);
    const stored = node.ok && node.value.kind === 'file' ? node.value.data : null;
    checked.push({ where: u.where, client: u.client, step: u.step, path, expected, stored });
  }
  return [downloads, checked];
}

function isSuccess(code: number | null): boolean {
  return code !== null && code >= 200 && code < 300;
}

function concatBytes(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}

function livenessFacts(r: FinishedRun) {
  const { world, plan } = r;
  const open: Array<{ conn: string; state: string }> = [];
  for (const key of world.keys()) {
    if (!key.startsWith('conn:')) continue;
    const c = world.get<{ name: string; tcb: { state: string } }>(key);
    if (c !== undefined && c.tcb.state !== 'CLOSED') open.push({ conn: c.name, state: c.tcb.state });
  }
  let lastTcpChange = 0;
  let lastConn = '';
  let lastActivity = 0;
  for (const e of world.trace) {
    if (e.kind === 'tcp-state') {
      lastTcpChange = e.at;
      lastConn = e.conn;
    } else if (e.kind === 'client-step') lastActivity = e.at;
  }
  for (const f of plan.faults) lastActivity = Math.max(lastActivity, f.until * MS);
  for (const l of plan.locks) lastActivity = Math.max(lastActivity, l.until * MS);
  const server = makeConfig({
    ...(plan.server.dataChannelTimeout === null
      ? {}
      : { dataChannelTimeout: plan.server.dataChannelTimeout * SECOND }),
    ...(plan.server.controlChannelTimeout === null
      ? {}
      : { controlChannelTimeout: plan.server.controlChannelTimeout * SECOND }),
  });
  const tcp = tcpOptions(plan.tcp.msl === null ? {} : { msl: plan.tcp.msl * MS });
  return {
    idle: r.idle,
    ...(r.stopped === undefined ? {} : { stopped: r.stopped }),
    open,
    lastTcpChange,
    lastConn,
    lastActivity,
    bound: livenessBound({ ...server, ...tcp }),
  };
}
