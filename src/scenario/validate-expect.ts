/**
 * Checks a scenario's expectations (expect-types.ts) against what the scenario defines: every client, step,
 * application, host and connection an expectation names must exist, so that a typo fails at load time rather
 * than as an expectation that can never hold.
 */

import { FAULT_FLAGS } from '../../sim/net/faults.ts';
import { TCP_STATES } from '../../sim/tcp/tcb.ts';
import type { ClientSpec } from '../clients/script.ts';
import type { TcpAppSpec } from '../clients/tcp-apps.ts';
import { VERDICTS } from '../clients/trace.ts';
import { type Check, join, type Obj, show, suggest } from './check.ts';
import type { ConnRef, EventPattern, Expectation, LogMatch, SocketEventName } from './expect-types.ts';

export interface ExpectContext {
  readonly clients: readonly ClientSpec[];
  readonly apps: readonly TcpAppSpec[];
  readonly hosts: ReadonlyMap<string, string>;
}

const HEADS = [
  'seen',
  'notSeen',
  'order',
  'sequence',
  'outcome',
  'intact',
  'content',
  'app',
  'not',
  'any',
  'check',
];
const PATTERNS = ['reply', 'command', 'segment', 'state', 'event', 'tcp', 'log', 'step', 'entry'];
const EVENTS: readonly SocketEventName[] = [
  'accepted',
  'connected',
  'peer-closed',
  'closed',
  'reset',
  'refused',
  'timed-out',
];
const LOG_KEYS = ['method', 'uri', 'status', 'win32', 'substatus', 'port', 'user', 'path'];

export function validateExpectations(c: Check, v: unknown, ctx: ExpectContext): Expectation[] {
  if (v === undefined) return [];
  return c.list(v, 'expect').map((e, i) => expectation(c, e, join('expect', i), ctx));
}

function expectation(c: Check, v: unknown, at: string, ctx: ExpectContext): Expectation {
  const o = c.obj(v, at, 'an expectation');
  // With 'app', 'intact' is a field of the application's expectation rather than an expectation of its own.
  const found = HEADS.filter((h) => o[h] !== undefined);
  const heads = o.app !== undefined ? found.filter((h) => h !== 'intact') : found;
  if (heads.length !== 1) {
    const found = heads.length === 0 ? 'none' : heads.join(', ');
    c.fail(at, `an expectation has exactly one of ${HEADS.join(', ')} (found ${found})`);
  }
  const head = heads[0]!;
  const common = {
    ...(o.profile === undefined
      ? {}
      : { profile: c.oneOf(o.profile, join(at, 'profile'), ['ftp75', 'iis6'] as const) }),
    ...(o.text === undefined ? {} : { text: c.str(o.text, join(at, 'text')) }),
  };
  const keys = (more: readonly string[]) => c.known(o, at, [head, 'profile', 'text', ...more]);
  switch (head) {
    case 'seen':
      keys(['times']);
      return {
        seen: pattern(c, o.seen, join(at, 'seen'), ctx),
        ...(o.times === undefined ? {} : { times: c.int(o.times, join(at, 'times'), 0) }),
        ...common,
      };
    case 'notSeen':
      keys([]);
      return { notSeen: pattern(c, o.notSeen, join(at, 'notSeen'), ctx), ...common };
    case 'order':
    case 'sequence': {
      keys([]);
      const list = c.list(o[head], join(at, head));
      if (list.length < 2) c.fail(join(at, head), 'needs at least two patterns');
      const ps = list.map((p, i) => pattern(c, p, join(join(at, head), i), ctx));
      return head === 'order' ? { order: ps, ...common } : { sequence: ps, ...common };
    }
    case 'outcome': {
      keys(['client', 'code']);
      const client = clientOf(c, c.need(o, 'client', at), join(at, 'client'), ctx).name;
      return {
        client,
        outcome: c.oneOf(o.outcome, join(at, 'outcome'), VERDICTS),
        ...(o.code === undefined ? {} : { code: c.code(o.code, join(at, 'code')) }),
        ...common,
      };
    }
    case 'intact':
      keys([]);
      return { intact: intact(c, o.intact, join(at, 'intact'), ctx), ...common };
    case 'content': {
      keys(['equals', 'contains', 'lacks']);
      const t = join(at, 'content');
      const r = c.obj(o.content, t, 'a transfer { client, step }');
      c.known(r, t, ['client', 'step']);
      const cl = clientOf(c, c.need(r, 'client', t), join(t, 'client'), ctx);
      const step = stepOf(c, cl, r.step, join(t, 'step'), ['list', 'nlst', 'retr']);
      const texts = (k: string) =>
        o[k] === undefined
          ? {}
          : { [k]: c.list(o[k], join(at, k)).map((s, i) => c.str(s, join(join(at, k), i))) };
      return {
        content: { client: cl.name, step },
        ...(o.equals === undefined ? {} : { equals: c.str(o.equals, join(at, 'equals')) }),
        ...texts('contains'),
        ...texts('lacks'),
        ...common,
      };
    }
    case 'app': {
      keys(['received', 'intact', 'completed']);
      const app = appOf(c, o.app, join(at, 'app'), ctx).name;
      return {
        app,
        ...(o.received === undefined ? {} : { received: c.int(o.received, join(at, 'received'), 0) }),
        ...(o.intact === undefined ? {} : { intact: c.bool(o.intact, join(at, 'intact')) }),
        ...(o.completed === undefined ? {} : { completed: c.bool(o.completed, join(at, 'completed')) }),
        ...common,
      };
    }
    case 'not':
      keys([]);
      return { not: expectation(c, o.not, join(at, 'not'), ctx), ...common };
    case 'any': {
      keys([]);
      const list = c.list(o.any, join(at, 'any'));
      if (list.length === 0) c.fail(join(at, 'any'), 'needs at least one expectation');
      return { any: list.map((e, i) => expectation(c, e, join(join(at, 'any'), i), ctx)), ...common };
    }
    case 'check':
      keys([]);
      if (typeof o.check !== 'function')
        c.fail(join(at, 'check'), `expected a function (outcome) => string | null, got ${show(o.check)}`);
      if (common.text === undefined)
        c.fail(join(at, 'text'), 'a check function needs a text: the line it shows in reports');
      return { check: o.check as (outcome: unknown) => string | null, ...common };
    default:
      return c.fail(at, `unknown expectation ${show(head)}`);
  }
}

function intact(
  c: Check,
  v: unknown,
  at: string,
  ctx: ExpectContext,
): { client: string; step?: number; file?: string } {
  const o = c.obj(v, at, 'a transfer { client, step?, file? }');
  c.known(o, at, ['client', 'step', 'file']);
  const cl = clientOf(c, c.need(o, 'client', at), join(at, 'client'), ctx);
  if (cl.record !== 'bytes' && cl.script.some((s) => s.do === 'retr')) {
    c.fail(
      join(at, 'client'),
      `client ${show(cl.name)} records only byte counts (record: 'count'): its downloads cannot be compared`,
    );
  }
  const r: { client: string; step?: number; file?: string } = { client: cl.name };
  if (o.step !== undefined) r.step = stepOf(c, cl, o.step, join(at, 'step'), ['retr', 'stor', 'appe']);
  else if (!cl.script.some((s) => s.do === 'retr' || s.do === 'stor' || s.do === 'appe')) {
    c.fail(at, `client ${show(cl.name)} has no retr, stor or appe step`);
  }
  if (o.file !== undefined) {
    if (o.step === undefined) c.fail(join(at, 'file'), "name the step whose file this is: 'step'");
    const f = c.str(o.file, join(at, 'file'));
    r.file = f.startsWith('/') ? f : `/${f}`;
  }
  return r;
}

function pattern(c: Check, v: unknown, at: string, ctx: ExpectContext): EventPattern {
  const o = c.obj(v, at, `an event pattern: one of ${PATTERNS.join(', ')}`);
  // 'step' is a pattern of its own, or a filter of a reply pattern (the step the reply came in).
  const found = PATTERNS.filter((h) => o[h] !== undefined);
  const heads = found.length > 1 ? found.filter((h) => h !== 'step') : found;
  if (heads.length !== 1)
    c.fail(
      at,
      `an event pattern has exactly one of ${PATTERNS.join(', ')} (found ${heads.join(', ') || 'none'})`,
    );
  const head = heads[0]!;
  const client = () =>
    o.client === undefined ? {} : { client: clientOf(c, o.client, join(at, 'client'), ctx).name };
  switch (head) {
    case 'reply': {
      c.known(o, at, ['reply', 'client', 'step', 'text']);
      if (o.step !== undefined && o.client === undefined)
        c.fail(join(at, 'step'), "a step belongs to a client: give 'client'");
      const step =
        o.step === undefined
          ? {}
          : {
              step: stepOf(c, clientOf(c, o.client, join(at, 'client'), ctx), o.step, join(at, 'step'), null),
            };
      return {
        reply: c.code(o.reply, join(at, 'reply')),
        ...client(),
        ...step,
        ...(o.text === undefined ? {} : { text: c.str(o.text, join(at, 'text')) }),
      };
    }
    case 'command':
      c.known(o, at, ['command', 'client']);
      return { command: c.str(o.command, join(at, 'command')), ...client() };
    case 'segment': {
      c.known(o, at, ['segment', 'conn', 'dir']);
      const flags = typeof o.segment === 'string' ? [o.segment] : c.list(o.segment, join(at, 'segment'));
      const checked = flags.map((f, i) => {
        const fa = typeof o.segment === 'string' ? join(at, 'segment') : join(join(at, 'segment'), i);
        const s = c.str(f, fa);
        const bare = s.startsWith('!') ? s.slice(1) : s;
        if (!(FAULT_FLAGS as readonly string[]).includes(bare))
          c.fail(
            fa,
            `unknown flag ${show(s)}${suggest(bare, FAULT_FLAGS)} (known: ${FAULT_FLAGS.join(', ')}, each may start with '!')`,
          );
        return s;
      });
      return {
        segment: checked,
        conn: connRef(c, c.need(o, 'conn', at), join(at, 'conn'), ctx),
        ...(o.dir === undefined ? {} : { dir: c.oneOf(o.dir, join(at, 'dir'), ['in', 'out'] as const) }),
      };
    }
    case 'state':
      c.known(o, at, ['state', 'conn']);
      return {
        state: c.oneOf(o.state, join(at, 'state'), TCP_STATES),
        conn: connRef(c, c.need(o, 'conn', at), join(at, 'conn'), ctx),
      };
    case 'event':
      c.known(o, at, ['event', 'conn']);
      return {
        event: c.oneOf(o.event, join(at, 'event'), EVENTS),
        conn: connRef(c, c.need(o, 'conn', at), join(at, 'conn'), ctx),
      };
    case 'tcp':
      c.known(o, at, ['tcp', 'conn']);
      return {
        tcp: c.str(o.tcp, join(at, 'tcp')),
        ...(o.conn === undefined ? {} : { conn: connRef(c, o.conn, join(at, 'conn'), ctx) }),
      };
    case 'log':
      c.known(o, at, ['log']);
      return { log: logMatch(c, o.log, join(at, 'log')) };
    case 'step': {
      c.known(o, at, ['step', 'client', 'phase']);
      const cl = clientOf(c, c.need(o, 'client', at), join(at, 'client'), ctx);
      return {
        step: stepOf(c, cl, o.step, join(at, 'step'), null),
        client: cl.name,
        phase:
          o.phase === undefined
            ? 'done'
            : c.oneOf(o.phase, join(at, 'phase'), ['start', 'done', 'fail'] as const),
      };
    }
    case 'entry': {
      c.known(o, at, ['entry', 'fields', 'host']);
      return {
        entry: c.str(o.entry, join(at, 'entry')),
        ...(o.fields === undefined
          ? {}
          : { fields: c.obj(o.fields, join(at, 'fields'), 'fields { name: value }') }),
        ...(o.host === undefined ? {} : { host: c.host(o.host, join(at, 'host'), ctx.hosts) }),
      };
    }
    default:
      return c.fail(at, `unknown event pattern ${show(head)}`);
  }
}

function logMatch(c: Check, v: unknown, at: string): LogMatch {
  const o: Obj = c.obj(v, at, `log fields { ${LOG_KEYS.join(', ')} }`);
  c.known(o, at, LOG_KEYS);
  const m: { -readonly [K in keyof LogMatch]: LogMatch[K] } = {};
  for (const k of ['method', 'uri', 'user', 'path'] as const)
    if (o[k] !== undefined) m[k] = c.str(o[k], join(at, k));
  for (const k of ['win32', 'substatus'] as const) if (o[k] !== undefined) m[k] = c.int(o[k], join(at, k), 0);
  if (o.port !== undefined) m.port = c.port(o.port, join(at, 'port'));
  if (o.status !== undefined) m.status = o.status === '-' ? '-' : c.code(o.status, join(at, 'status'));
  return m;
}

function connRef(c: Check, v: unknown, at: string, ctx: ExpectContext): ConnRef {
  if (typeof v === 'string') return { name: v };
  const o = c.obj(v, at, 'a connection: a name, { client, data? }, or { app, conn? }');
  const peer = o.peer === undefined ? {} : { peer: c.bool(o.peer, join(at, 'peer')) };
  if (o.client !== undefined) {
    c.known(o, at, ['client', 'data', 'peer']);
    const cl = clientOf(c, o.client, join(at, 'client'), ctx).name;
    if (o.data === undefined) return { client: cl, ...peer };
    const data = o.data === 'last' || o.data === 'any' ? o.data : c.int(o.data, join(at, 'data'), 1);
    return { client: cl, data, ...peer };
  }
  if (o.app !== undefined) {
    c.known(o, at, ['app', 'conn', 'peer']);
    const app = appOf(c, o.app, join(at, 'app'), ctx);
    if (o.conn === undefined) return { app: app.name, ...peer };
    const conn = c.str(o.conn, join(at, 'conn'));
    const named =
      app.kind === 'script'
        ? app.steps.flatMap((s) => (s.do === 'listen' || s.do === 'connect' ? [s.as] : []))
        : [app.name];
    if (!named.includes(conn))
      c.fail(
        join(at, 'conn'),
        `application ${show(app.name)} names no connection ${show(conn)}${suggest(conn, named)}`,
      );
    return { app: app.name, conn, ...peer };
  }
  c.known(o, at, ['name', 'peer']);
  return { name: c.str(c.need(o, 'name', at), join(at, 'name')), ...peer };
}

function clientOf(c: Check, v: unknown, at: string, ctx: ExpectContext): ClientSpec {
  const name = c.str(v, at);
  const cl = ctx.clients.find((x) => x.name === name);
  if (cl === undefined)
    c.fail(
      at,
      `no client named ${show(name)}${suggest(
        name,
        ctx.clients.map((x) => x.name),
      )}`,
    );
  return cl;
}

function appOf(c: Check, v: unknown, at: string, ctx: ExpectContext): TcpAppSpec {
  const name = c.str(v, at);
  const app = ctx.apps.find((x) => x.name === name);
  if (app === undefined)
    c.fail(
      at,
      `no application named ${show(name)}${suggest(
        name,
        ctx.apps.map((x) => x.name),
      )}`,
    );
  return app;
}

/** A step index of the client's script (from 0), of one of the given kinds. */
function stepOf(c: Check, cl: ClientSpec, v: unknown, at: string, kinds: readonly string[] | null): number {
  const i = c.int(v, at, 0);
  const s = cl.script[i];
  if (s === undefined)
    c.fail(at, `client ${show(cl.name)} has ${cl.script.length} steps (0..${cl.script.length - 1})`);
  if (kinds !== null && !kinds.includes(s.do))
    c.fail(at, `step ${i} of client ${show(cl.name)} is '${s.do}', not ${kinds.join(' or ')}`);
  return i;
}
