/**
 * Checks a scenario written as data and turns it into the `Scenario` the runner uses. The first problem
 * found is thrown as a ScenarioError naming the file and the field (`clients[0].script[3].mode: ...`).
 * Checks that belong to a layer below (path settings, fault rules, TCP options, the FTP server's settings and
 * files) are that layer's own, run here at load time so that a bad file fails before any run.
 *
 * Clients and TCP applications: validate-clients.ts. Expectations: validate-expect.ts.
 */

import { parseFaults } from '../../sim/net/fault-validate.ts';
import type { FaultRule } from '../../sim/net/faults.ts';
import { type PathConfig, type PathOptions, pathConfig } from '../../sim/net/path-config.ts';
import { type TcpOptions, tcpOptions } from '../../sim/tcp/options.ts';
import { makeConfig } from '../ftp/config.ts';
import { type EntrySpec, fsFromEntries } from '../ftp/fs.ts';
import { DEFAULT_USER_DB } from '../ftp/users.ts';
import { Check, join, type Obj, show } from './check.ts';
import type { Scenario, ServerSpec } from './types.ts';
import { validateApps, validateClients } from './validate-clients.ts';
import { validateExpectations } from './validate-expect.ts';

const TOP = [
  'name',
  'about',
  'seed',
  'profile',
  'hosts',
  'paths',
  'defaultPath',
  'faults',
  'tcp',
  'server',
  'clients',
  'apps',
  'expect',
  'limits',
  'trace',
];
const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
const TCP_DURATIONS = ['initialRto', 'minRto', 'maxRto', 'msl', 'delayedAckTimeout'];

export function validateScenario(data: unknown, where: string): Scenario {
  const c = new Check(where);
  const o = c.obj(data, '', 'a scenario: an object with name, about, hosts, ...');
  c.known(o, '', TOP);
  const name = c.str(c.need(o, 'name', ''), 'name');
  if (name.trim() === '') c.fail('name', 'must not be empty');
  const about = c.str(c.need(o, 'about', ''), 'about');
  if (about.includes('\n') || about.trim() === '') c.fail('about', 'must be one line of text');
  let seed: string | number = 1;
  if (o.seed !== undefined) {
    if (typeof o.seed === 'string' || (typeof o.seed === 'number' && Number.isFinite(o.seed))) seed = o.seed;
    else c.fail('seed', `expected a string or a number, got ${show(o.seed)}`);
  }
  const profile =
    o.profile === undefined ? 'ftp75' : c.oneOf(o.profile, 'profile', ['ftp75', 'iis6'] as const);
  const hostList = hosts(c, c.need(o, 'hosts', ''));
  const addrs = new Map(hostList.map((h) => [h.name, h.addr]));
  const server = o.server === undefined ? null : validateServer(c, o.server, addrs);
  const clients = validateClients(c, o.clients, addrs, server);
  const apps = validateApps(c, o.apps, addrs);
  return {
    name,
    about,
    file: where,
    seed,
    profile,
    hosts: hostList,
    paths: paths(c, o.paths, addrs),
    defaultPath: o.defaultPath === undefined ? undefined : path(c, o.defaultPath, 'defaultPath'),
    faults: faults(c, o.faults, addrs),
    tcp: tcp(c, o.tcp, addrs),
    server,
    clients,
    apps,
    expect: validateExpectations(c, o.expect, { clients, apps, hosts: addrs }),
    limits: limits(c, o.limits),
    trace: o.trace === undefined ? true : c.bool(o.trace, 'trace'),
  };
}

function hosts(c: Check, v: unknown): Array<{ name: string; addr: string }> {
  const list = c.list(v, 'hosts');
  if (list.length === 0) c.fail('hosts', 'a scenario needs at least one host');
  const names = new Set<string>();
  const addrs = new Map<string, string>();
  return list.map((h, i) => {
    const at = join('hosts', i);
    const o = c.obj(h, at, 'a host { name, addr }');
    c.known(o, at, ['name', 'addr']);
    const name = c.name(c.need(o, 'name', at), join(at, 'name'));
    const addr = c.str(c.need(o, 'addr', at), join(at, 'addr'));
    if (!IPV4.test(addr)) c.fail(join(at, 'addr'), `${show(addr)} is not a dotted IPv4 address`);
    if (names.has(name)) c.fail(join(at, 'name'), `host ${show(name)} is defined twice`);
    const other = addrs.get(addr);
    if (other !== undefined) c.fail(join(at, 'addr'), `${addr} is already the address of ${show(other)}`);
    names.add(name);
    addrs.set(addr, name);
    return { name, addr };
  });
}

function path(c: Check, v: unknown, at: string): PathConfig {
  c.obj(v, at, 'path settings { latency, bandwidth, loss, ... }');
  return c.wrap('', () => pathConfig(v as PathOptions, at));
}

function paths(c: Check, v: unknown, hostsByName: ReadonlyMap<string, string>) {
  if (v === undefined) return [];
  return c.list(v, 'paths').flatMap((p, i) => {
    const at = join('paths', i);
    const o = c.obj(p, at, 'a path: { between: [a, b], ... } or { from, to, ... }');
    const { between, from, to, ...settings } = o;
    let ends: [string, string][];
    if (between !== undefined) {
      if (from !== undefined || to !== undefined)
        c.fail(at, "give either 'between' or 'from' and 'to', not both");
      const pair = c.list(between, join(at, 'between'));
      if (pair.length !== 2) c.fail(join(at, 'between'), `expected two host names, got ${show(between)}`);
      const a = c.host(pair[0], join(at, 'between[0]'), hostsByName);
      const b = c.host(pair[1], join(at, 'between[1]'), hostsByName);
      ends = [
        [a, b],
        [b, a],
      ];
    } else {
      const f = c.host(c.need(o, 'from', at), join(at, 'from'), hostsByName);
      const t = c.host(c.need(o, 'to', at), join(at, 'to'), hostsByName);
      ends = [[f, t]];
    }
    const config = path(c, settings, at);
    return ends.map(([f, t]) => ({ from: f, to: t, config }));
  });
}

function faults(c: Check, v: unknown, hostsByName: ReadonlyMap<string, string>): FaultRule[] {
  if (v === undefined) return [];
  const rules = c.wrap('', () => parseFaults(v, 'faults'));
  // A host name that matches nothing would make a rule silently inert: name the typo instead.
  rules.forEach((r, i) => {
    const at = join(join('faults', i), 'match');
    for (const end of ['from', 'to'] as const) {
      const h = r.match[end];
      if (h !== undefined) c.host(h, join(at, end), hostsByName);
    }
    const conn = r.match.connection;
    if (conn !== undefined) {
      for (const side of ['a', 'b'] as const) {
        const h = conn[side].host;
        if (h !== undefined) c.host(h, join(join(at, 'connection'), side), hostsByName);
      }
    }
  });
  return rules;
}

function tcpGiven(c: Check, v: unknown, at: string): Partial<TcpOptions> {
  const o = c.obj(v, at, 'TCP options');
  const given: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(o)) {
    given[k] = TCP_DURATIONS.includes(k) && typeof x === 'string' ? c.dur(x, join(at, k)) : x;
  }
  c.wrap('', () => tcpOptions(given as Partial<TcpOptions>, at));
  return given as Partial<TcpOptions>;
}

function tcp(c: Check, v: unknown, hostsByName: ReadonlyMap<string, string>): Scenario['tcp'] {
  if (v === undefined) return { all: {}, perHost: {} };
  const { hosts: per, ...all } = c.obj(v, 'tcp', 'TCP options');
  const perHost: Record<string, Partial<TcpOptions>> = {};
  if (per !== undefined) {
    for (const [h, opts] of Object.entries(c.obj(per, 'tcp.hosts', 'TCP options by host name'))) {
      c.host(h, join('tcp.hosts', h), hostsByName);
      perHost[h] = tcpGiven(c, opts, join('tcp.hosts', h));
    }
  }
  return { all: tcpGiven(c, all, 'tcp'), perHost };
}

function validateServer(c: Check, v: unknown, hostsByName: ReadonlyMap<string, string>): ServerSpec {
  const o = c.obj(v, 'server', 'the FTP server { host, config, files, locks }');
  c.known(o, 'server', ['host', 'port', 'config', 'files', 'locks']);
  const host = c.host(c.need(o, 'host', 'server'), 'server.host', hostsByName);
  const port = o.port === undefined ? 21 : c.port(o.port, 'server.port');
  const given = o.config === undefined ? {} : c.obj(o.config, 'server.config', 'FTP server settings');
  // `users` may be written in part ({ anonymous: true }): the rest keeps the defaults.
  const config =
    given.users === undefined
      ? given
      : {
          ...given,
          users: {
            ...DEFAULT_USER_DB,
            ...c.obj(given.users, 'server.config.users', 'users { users, anonymous, isolation, ... }'),
          },
        };
  if (config.profile !== undefined) {
    c.fail('server.config.profile', "the profile is the scenario's own: write `profile` at the top level");
  }
  // The durations first, so that their messages name the field the way every other message here does.
  for (const k of ['controlChannelTimeout', 'dataChannelTimeout', 'unauthenticatedTimeout']) {
    if (config[k] !== undefined) c.dur(config[k], join('server.config', k));
  }
  try {
    makeConfig(config);
  } catch (e) {
    // makeConfig names the setting as 'ftp config <field>: ...'; say where it is in the file.
    const m = /^ftp config (\w+):? (.*)$/s.exec((e as Error).message);
    if (m === null) c.wrap('server.config', () => makeConfig(config));
    c.fail(join('server.config', m![1]!), m![2]!);
  }
  const files: Record<string, Uint8Array | EntrySpec | null> = {};
  if (o.files !== undefined) {
    for (const [k, f] of Object.entries(c.obj(o.files, 'server.files', "files: { 'dir/a.txt': content }"))) {
      files[k] = file(c, f, join('server.files', JSON.stringify(k)));
    }
    c.wrap('server.files', () => fsFromEntries(files, 0));
  }
  const locks = o.locks === undefined ? [] : c.list(o.locks, 'server.locks').map((l, i) => lock(c, l, i));
  return { host, port, config: config as ServerSpec['config'], files, locks };
}

function file(c: Check, v: unknown, at: string): Uint8Array | EntrySpec | null {
  if (v === null) return null;
  if (typeof v === 'string' || v instanceof Uint8Array) return c.bytes(v, at);
  const o = c.obj(v, at, 'file content or { data, dir, hidden, readOnly, mtime }');
  if (o.size !== undefined || o.text !== undefined) return c.bytes(o, at);
  c.known(o, at, ['data', 'dir', 'hidden', 'readOnly', 'mtime']);
  const spec: { -readonly [K in keyof EntrySpec]: EntrySpec[K] } = {};
  if (o.data !== undefined) spec.data = c.bytes(o.data, join(at, 'data'));
  for (const k of ['dir', 'hidden', 'readOnly'] as const) {
    if (o[k] !== undefined) spec[k] = c.bool(o[k], join(at, k));
  }
  if (o.mtime !== undefined) spec.mtime = mtime(c, o.mtime, join(at, 'mtime'));
  return spec;
}

/** A last-write time relative to the start of the run; may be negative ('-400d' is not a duration: use ns). */
function mtime(c: Check, v: unknown, at: string): number {
  if (typeof v === 'number' && Number.isSafeInteger(v)) return v;
  if (typeof v === 'string' && v.startsWith('-')) return -c.dur(v.slice(1), at);
  return c.dur(v, at);
}

function lock(c: Check, v: unknown, i: number): ServerSpec['locks'][number] {
  const at = join('server.locks', i);
  const o: Obj = c.obj(v, at, 'a lock { path, from, until }');
  c.known(o, at, ['path', 'from', 'until']);
  const p = c.str(c.need(o, 'path', at), join(at, 'path'));
  const from = o.from === undefined ? 0 : c.dur(o.from, join(at, 'from'));
  const until = o.until === undefined || o.until === null ? null : c.dur(o.until, join(at, 'until'));
  if (until !== null && until <= from) c.fail(join(at, 'until'), 'must be later than from');
  return { path: p.startsWith('/') ? p : `/${p}`, from, until };
}

function limits(c: Check, v: unknown): Scenario['limits'] {
  if (v === undefined) return { maxSteps: undefined, until: undefined };
  const o = c.obj(v, 'limits', 'limits { maxSteps, until }');
  c.known(o, 'limits', ['maxSteps', 'until']);
  return {
    maxSteps: o.maxSteps === undefined ? undefined : c.int(o.maxSteps, 'limits.maxSteps', 1),
    until: o.until === undefined ? undefined : c.dur(o.until, 'limits.until'),
  };
}
