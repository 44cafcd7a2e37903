/**
 * Checks the FTP clients (their model, knobs and script) and the plain TCP applications of a scenario, and
 * fills their defaults. See src/clients/script.ts for what each step and knob means.
 */

import type { Endpoint } from '../../sim/tcp/segment.ts';
import { MODEL_NAMES, traitsOf } from '../clients/behaviours.ts';
import {
  type ClientSpec,
  type CodeMatch,
  type Reader,
  type Step,
  TRANSFER_MODES,
  type TransferKnobs,
  type TransferStep,
} from '../clients/script.ts';
import type { TcpAction, TcpAppSpec } from '../clients/tcp-apps.ts';
import { type Check, join, type Obj, show } from './check.ts';
import type { ServerSpec } from './types.ts';

const CLIENT_KEYS = [
  'name',
  'host',
  'server',
  'model',
  'start',
  'think',
  'timeout',
  'dataPort',
  'record',
  'mode',
  'connectDelay',
  'commandDelay',
  'reader',
  'script',
];
const KNOBS = ['mode', 'connectDelay', 'commandDelay', 'localPort', 'reader', 'expect'];
const STEP_KEYS: Readonly<Record<string, readonly string[]>> = {
  login: ['user', 'pass'],
  cwd: ['path'],
  type: ['type'],
  command: ['line', 'expect'],
  list: ['path', 'options', ...KNOBS],
  nlst: ['path', 'options', ...KNOBS],
  retr: ['path', ...KNOBS],
  stor: ['path', 'data', ...KNOBS],
  appe: ['path', 'data', ...KNOBS],
  quit: [],
  send: ['text'],
  wait: ['for', 'reply'],
  'open-data': ['localPort'],
  close: ['what'],
  abort: ['what'],
};

export function validateClients(
  c: Check,
  v: unknown,
  hosts: ReadonlyMap<string, string>,
  server: ServerSpec | null,
): ClientSpec[] {
  if (v === undefined) return [];
  const names = new Set<string>();
  return c.list(v, 'clients').map((x, i) => {
    const spec = client(c, x, join('clients', i), i, hosts, server);
    if (names.has(spec.name))
      c.fail(join(join('clients', i), 'name'), `client ${show(spec.name)} is defined twice`);
    names.add(spec.name);
    return spec;
  });
}

function client(
  c: Check,
  v: unknown,
  at: string,
  i: number,
  hosts: ReadonlyMap<string, string>,
  server: ServerSpec | null,
): ClientSpec {
  const o = c.obj(v, at, 'a client { host, model, script }');
  c.known(o, at, CLIENT_KEYS);
  const name = o.name === undefined ? `c${i + 1}` : c.name(o.name, join(at, 'name'));
  const host = c.host(c.need(o, 'host', at), join(at, 'host'), hosts);
  const model = o.model === undefined ? 'correct' : c.oneOf(o.model, join(at, 'model'), MODEL_NAMES);
  const traits = traitsOf(model);
  const defaults: TransferKnobs = {
    mode: o.mode === undefined ? 'passive' : c.oneOf(o.mode, join(at, 'mode'), TRANSFER_MODES),
    connectDelay: o.connectDelay === undefined ? 0 : c.dur(o.connectDelay, join(at, 'connectDelay')),
    commandDelay: o.commandDelay === undefined ? 0 : c.dur(o.commandDelay, join(at, 'commandDelay')),
    localPort: null,
    reader: o.reader === undefined ? null : reader(c, o.reader, join(at, 'reader')),
  };
  const script = c.list(c.need(o, 'script', at), join(at, 'script'));
  return {
    name,
    host,
    server: serverEndpoint(c, o.server, join(at, 'server'), hosts, server),
    model,
    start: o.start === undefined ? 0 : c.dur(o.start, join(at, 'start')),
    think: o.think === undefined ? 0 : c.dur(o.think, join(at, 'think')),
    timeout: o.timeout === undefined ? null : c.dur(o.timeout, join(at, 'timeout')),
    eol: traits.lfOnly ? '\n' : '\r\n',
    dataPort: o.dataPort === undefined ? null : c.port(o.dataPort, join(at, 'dataPort')),
    record:
      o.record === undefined ? 'bytes' : c.oneOf(o.record, join(at, 'record'), ['bytes', 'count'] as const),
    defaults,
    script: script.map((s, k) => step(c, s, join(join(at, 'script'), k), defaults)),
  };
}

function serverEndpoint(
  c: Check,
  v: unknown,
  at: string,
  hosts: ReadonlyMap<string, string>,
  server: ServerSpec | null,
): Endpoint {
  if (v === undefined) {
    if (server === null) c.fail(at, 'the scenario has no FTP server: name one as server: "host:port"');
    return { addr: hosts.get(server.host)!, port: server.port };
  }
  const s = c.str(v, at);
  return s.includes(':')
    ? c.endpoint(s, at, hosts)
    : { addr: hosts.get(c.host(s, at, hosts))!, port: server?.port ?? 21 };
}

function reader(c: Check, v: unknown, at: string): Reader {
  const o = c.obj(v, at, 'a reader { bytes, every }');
  c.known(o, at, ['bytes', 'every']);
  const every = c.dur(c.need(o, 'every', at), join(at, 'every'));
  if (every === 0) c.fail(join(at, 'every'), 'must be longer than 0');
  return { bytes: c.int(c.need(o, 'bytes', at), join(at, 'bytes'), 1), every };
}

function step(c: Check, v: unknown, at: string, d: TransferKnobs): Step {
  const o = c.obj(v, at, "a step { do: 'login' | 'retr' | ... }");
  const kind = c.oneOf(c.need(o, 'do', at), join(at, 'do'), Object.keys(STEP_KEYS));
  c.known(o, at, ['do', ...STEP_KEYS[kind]!]);
  const str = (k: string) => c.str(c.need(o, k, at), join(at, k));
  const opt = (k: string) => (o[k] === undefined ? null : c.str(o[k], join(at, k)));
  switch (kind) {
    case 'login':
      return {
        do: 'login',
        user: opt('user') ?? 'anonymous',
        pass: opt('pass') ?? 'netstep@',
      };
    case 'cwd':
      return { do: 'cwd', path: str('path') };
    case 'type':
      return { do: 'type', type: c.oneOf(c.need(o, 'type', at), join(at, 'type'), ['A', 'I'] as const) };
    case 'command':
      return {
        do: 'command',
        line: line(c, str('line'), join(at, 'line')),
        expect: codes(c, o.expect, join(at, 'expect')),
      };
    case 'list':
    case 'nlst':
    case 'retr':
    case 'stor':
    case 'appe':
      return transfer(c, o, at, kind, d);
    case 'quit':
      return { do: 'quit' };
    case 'send':
      return { do: 'send', bytes: c.bytes(str('text'), join(at, 'text')) };
    case 'wait':
      if ((o.for === undefined) === (o.reply === undefined))
        c.fail(at, "a wait step needs one of 'for' (a duration) or 'reply' (a code)");
      return o.for !== undefined
        ? { do: 'wait', for: c.dur(o.for, join(at, 'for')) }
        : { do: 'wait-reply', reply: c.code(o.reply, join(at, 'reply')) };
    case 'open-data':
      return {
        do: 'open-data',
        localPort: o.localPort === undefined ? null : c.port(o.localPort, join(at, 'localPort')),
      };
    case 'close':
    case 'abort':
      return {
        do: kind,
        what:
          o.what === undefined ? 'control' : c.oneOf(o.what, join(at, 'what'), ['control', 'data'] as const),
      };
    default:
      return c.fail(join(at, 'do'), `unknown step ${show(kind)}`);
  }
}

function transfer(c: Check, o: Obj, at: string, kind: TransferStep['do'], d: TransferKnobs): TransferStep {
  const upload = kind === 'stor' || kind === 'appe';
  const listing = kind === 'list' || kind === 'nlst';
  const path = o.path === undefined ? null : line(c, c.str(o.path, join(at, 'path')), join(at, 'path'));
  if (path === null && !listing) c.fail(join(at, 'path'), 'is required');
  if (upload && o.data === undefined) c.fail(join(at, 'data'), 'is required: the bytes to upload');
  return {
    do: kind,
    path,
    options:
      o.options === undefined ? null : line(c, c.str(o.options, join(at, 'options')), join(at, 'options')),
    data: upload ? c.bytes(o.data, join(at, 'data')) : null,
    expect: o.expect === undefined ? '2xx' : c.code(o.expect, join(at, 'expect')),
    mode: o.mode === undefined ? d.mode : c.oneOf(o.mode, join(at, 'mode'), TRANSFER_MODES),
    connectDelay:
      o.connectDelay === undefined ? d.connectDelay : c.dur(o.connectDelay, join(at, 'connectDelay')),
    commandDelay:
      o.commandDelay === undefined ? d.commandDelay : c.dur(o.commandDelay, join(at, 'commandDelay')),
    localPort: o.localPort === undefined ? d.localPort : c.port(o.localPort, join(at, 'localPort')),
    reader: o.reader === undefined ? d.reader : reader(c, o.reader, join(at, 'reader')),
  };
}

/** Text that goes into a command line: no line ends of its own (raw bytes are what 'send' is for). */
function line(c: Check, s: string, at: string): string {
  if (/[\r\n]/.test(s)) c.fail(at, "must not contain CR or LF (use a 'send' step for raw bytes)");
  return s;
}

function codes(c: Check, v: unknown, at: string): CodeMatch[] | null {
  if (v === undefined) return null;
  return Array.isArray(v) ? v.map((x, i) => c.code(x, join(at, i))) : [c.code(v, at)];
}

// ---- TCP applications -------------------------------------------------------------------------------------------

const APP_KEYS: Readonly<Record<TcpAppSpec['kind'], readonly string[]>> = {
  bulk: ['kind', 'name', 'host', 'to', 'bytes', 'start', 'localPort'],
  sink: ['kind', 'name', 'host', 'port'],
  script: ['kind', 'name', 'host', 'onPeerClose', 'steps'],
};
const ACTION_KEYS: Readonly<Record<TcpAction['do'], readonly string[]>> = {
  listen: ['port', 'as'],
  connect: ['to', 'localPort', 'as'],
  send: ['conn', 'data'],
  close: ['conn'],
  abort: ['conn'],
  unlisten: ['port'],
};

export function validateApps(c: Check, v: unknown, hosts: ReadonlyMap<string, string>): TcpAppSpec[] {
  if (v === undefined) return [];
  const names = new Set<string>();
  return c.list(v, 'apps').map((x, i) => {
    const at = join('apps', i);
    const o = c.obj(x, at, "an application { kind: 'bulk' | 'sink' | 'script', name, host }");
    const kind = c.oneOf(
      c.need(o, 'kind', at),
      join(at, 'kind'),
      Object.keys(APP_KEYS) as TcpAppSpec['kind'][],
    );
    c.known(o, at, APP_KEYS[kind]);
    const name = c.name(c.need(o, 'name', at), join(at, 'name'));
    if (names.has(name)) c.fail(join(at, 'name'), `application ${show(name)} is defined twice`);
    names.add(name);
    const host = c.host(c.need(o, 'host', at), join(at, 'host'), hosts);
    switch (kind) {
      case 'bulk':
        return {
          kind,
          name,
          host,
          to: c.endpoint(c.need(o, 'to', at), join(at, 'to'), hosts),
          bytes: c.int(c.need(o, 'bytes', at), join(at, 'bytes'), 0),
          start: o.start === undefined ? 0 : c.dur(o.start, join(at, 'start')),
          localPort: o.localPort === undefined ? null : c.port(o.localPort, join(at, 'localPort')),
        };
      case 'sink':
        return { kind, name, host, port: c.port(c.need(o, 'port', at), join(at, 'port')) };
      case 'script': {
        const onPeerClose =
          o.onPeerClose === undefined
            ? 'close'
            : c.oneOf(o.onPeerClose, join(at, 'onPeerClose'), ['close', 'ignore'] as const);
        const steps = c.list(c.need(o, 'steps', at), join(at, 'steps'));
        const named = new Set<string>();
        const actions = steps.map((s, k) => action(c, s, join(join(at, 'steps'), k), hosts, named));
        return { kind, name, host, onPeerClose, steps: actions };
      }
      default:
        return kind satisfies never;
    }
  });
}

function action(
  c: Check,
  v: unknown,
  at: string,
  hosts: ReadonlyMap<string, string>,
  named: Set<string>,
): TcpAction {
  const o = c.obj(v, at, "an action { at, do: 'listen' | 'connect' | 'send' | 'close' | 'abort' }");
  const kind = c.oneOf(c.need(o, 'do', at), join(at, 'do'), Object.keys(ACTION_KEYS) as TcpAction['do'][]);
  c.known(o, at, ['at', 'do', ...ACTION_KEYS[kind]]);
  const t = o.at === undefined ? 0 : c.dur(o.at, join(at, 'at'));
  const conn = () => {
    const n = c.name(c.need(o, 'conn', at), join(at, 'conn'));
    if (!named.has(n))
      c.fail(join(at, 'conn'), `no earlier listen or connect step names a connection ${show(n)}`);
    return n;
  };
  const as = (fallback: string) => {
    const n = o.as === undefined ? fallback : c.name(o.as, join(at, 'as'));
    named.add(n);
    return n;
  };
  switch (kind) {
    case 'listen': {
      const port = c.port(c.need(o, 'port', at), join(at, 'port'));
      return { at: t, do: kind, port, as: as(`listen${port}`) };
    }
    case 'connect':
      return {
        at: t,
        do: kind,
        to: c.endpoint(c.need(o, 'to', at), join(at, 'to'), hosts),
        localPort: o.localPort === undefined ? null : c.port(o.localPort, join(at, 'localPort')),
        as: as('conn'),
      };
    case 'send':
      return { at: t, do: kind, conn: conn(), bytes: c.bytes(c.need(o, 'data', at), join(at, 'data')) };
    case 'close':
    case 'abort':
      return { at: t, do: kind, conn: conn() };
    case 'unlisten':
      return { at: t, do: kind, port: c.port(c.need(o, 'port', at), join(at, 'port')) };
    default:
      return kind satisfies never;
  }
}
