/**
 * A bad scenario file fails at load time with a message that names the file, the field, what was expected and
 * what was found. One row per mistake an author can make.
 */

import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../sim/errors.ts';
import { ScenarioError, validateScenario } from '../../../src/scenario/index.ts';

const FILE = 'scenarios/kb/x.json';

function base(): Record<string, unknown> {
  return {
    name: 'x',
    about: 'one line',
    hosts: [
      { name: 'client', addr: '10.0.0.1' },
      { name: 'server', addr: '10.0.0.2' },
    ],
    paths: [{ between: ['client', 'server'], latency: '1ms' }],
    server: { host: 'server', files: { 'a.txt': 'a' } },
    clients: [
      {
        name: 'c',
        host: 'client',
        script: [
          { do: 'login' },
          { do: 'retr', path: 'a.txt' },
          { do: 'stor', path: 'b.txt', data: 'b' },
          { do: 'list' },
        ],
      },
    ],
    apps: [
      {
        kind: 'script',
        name: 'a',
        host: 'client',
        steps: [{ at: '0ms', do: 'connect', to: 'server:80', as: 'x' }],
      },
    ],
    expect: [],
  };
}

// biome-ignore lint/suspicious/noExplicitAny: test data is edited freely, as an author would
type Edit = (s: Record<string, any>) => unknown;

const CASES: ReadonlyArray<readonly [string, Edit, string]> = [
  ['not an object', () => [], 'expected a scenario: an object with name, about, hosts, ..., got []'],
  ['a misspelt field', (s) => ({ ...s, clinets: [] }), "clinets: unknown field (did you mean 'clients'?)"],
  ['no name', (s) => ({ ...s, name: undefined }), 'name: is required'],
  ['about on two lines', (s) => ({ ...s, about: 'one\ntwo' }), 'about: must be one line of text'],
  [
    'a seed of the wrong type',
    (s) => ({ ...s, seed: true }),
    'seed: expected a string or a number, got true',
  ],
  [
    'an unknown profile',
    (s) => ({ ...s, profile: 'iis7' }),
    `profile: expected 'ftp75' | 'iis6', got "iis7"`,
  ],
  ['no hosts', (s) => ({ ...s, hosts: [] }), 'hosts: a scenario needs at least one host'],
  [
    'a bad address',
    (s) => {
      s.hosts[1].addr = '10.0.0';
    },
    'hosts[1].addr: "10.0.0" is not a dotted IPv4 address',
  ],
  [
    'a host twice',
    (s) => {
      s.hosts[1].name = 'client';
    },
    'hosts[1].name: host "client" is defined twice',
  ],
  [
    'an address twice',
    (s) => {
      s.hosts[1].addr = '10.0.0.1';
    },
    `hosts[1].addr: 10.0.0.1 is already the address of "client"`,
  ],
  [
    'a path to no host',
    (s) => {
      s.paths[0].between = ['client', 'srv'];
    },
    `paths[0].between[1]: no host named "srv"`,
  ],
  [
    'a path with a bad latency',
    (s) => {
      s.paths[0].latency = '1 sec';
    },
    'paths[0].latency: bad duration "1 sec"',
  ],
  [
    'a path with a bad loss',
    (s) => {
      s.paths[0].loss = 2;
    },
    'paths[0].loss: must be a probability between 0 and 1, got 2',
  ],
  [
    'a path both ways and one way',
    (s) => {
      s.paths[0].from = 'client';
    },
    "paths[0]: give either 'between' or 'from' and 'to', not both",
  ],
  [
    'an unknown fault action',
    (s) => ({ ...s, faults: [{ action: 'explode' }] }),
    'faults[0].action: expected one of drop, delay, duplicate, hold, partition, got "explode"',
  ],
  [
    'a fault on no host',
    (s) => ({ ...s, faults: [{ action: 'drop', match: { from: 'clinet' } }] }),
    `faults[0].match.from: no host named "clinet" (did you mean 'client'?)`,
  ],
  [
    'a bad TCP option',
    (s) => ({ ...s, tcp: { mss: 0 } }),
    "tcp: 'mss' must be a whole number 1..65495, not 0",
  ],
  [
    'TCP options of no host',
    (s) => ({ ...s, tcp: { hosts: { nope: { mss: 500 } } } }),
    'tcp.hosts.nope: no host named "nope"',
  ],
  [
    'the server on no host',
    (s) => {
      s.server.host = 'srv';
    },
    'server.host: no host named "srv"',
  ],
  [
    'a profile in the server config',
    (s) => {
      s.server.config = { profile: 'iis6' };
    },
    "server.config.profile: the profile is the scenario's own",
  ],
  [
    'a bad server timeout',
    (s) => {
      s.server.config = { dataChannelTimeout: 'soon' };
    },
    'server.config.dataChannelTimeout: bad duration "soon"',
  ],
  [
    'an unknown server setting',
    (s) => {
      s.server.config = { colour: 'blue' };
    },
    'server.config.colour: is not a setting of the FTP server',
  ],
  [
    'a file Windows would refuse',
    (s) => {
      s.server.files = { 'a<b.txt': 'x' };
    },
    'server.files: site entry "a<b.txt": "a<b.txt" is not a valid Windows name',
  ],
  [
    'a lock that ends before it starts',
    (s) => {
      s.server.locks = [{ path: 'a.txt', from: '2s', until: '1s' }];
    },
    'server.locks[0].until: must be later than from',
  ],
  [
    'a misspelt model',
    (s) => {
      s.clients[0].model = 'expect-150';
    },
    `clients[0].model: expected 'correct' | 'expects-150' | 'closes-data-on-226' | 'reads-control-first' | 'keeps-old-data-open' | 'waits-for-150-before-upload' | 'lf-line-endings' | 'low-data-port', got "expect-150" (did you mean 'expects-150'?)`,
  ],
  [
    'a misspelt mode',
    (s) => {
      s.clients[0].script[3].mode = 'pasive';
    },
    `clients[0].script[3].mode: expected 'passive' | 'epsv' | 'active' | 'eprt', got "pasive" (did you mean 'passive'?)`,
  ],
  [
    'an unknown step',
    (s) => {
      s.clients[0].script[1].do = 'retrieve';
    },
    'clients[0].script[1].do: expected',
  ],
  [
    'a retr without a path',
    (s) => {
      s.clients[0].script[1].path = undefined;
    },
    'clients[0].script[1].path: is required',
  ],
  [
    'a stor without data',
    (s) => {
      s.clients[0].script[2].data = undefined;
    },
    'clients[0].script[2].data: is required: the bytes to upload',
  ],
  [
    'a field another step has',
    (s) => {
      s.clients[0].script[0].path = 'x';
    },
    "clients[0].script[0].path: unknown field (did you mean 'pass'?) (known: do, user, pass)",
  ],
  [
    'a line end inside a command',
    (s) => {
      s.clients[0].script[1].path = 'a\r\nDELE a';
    },
    "clients[0].script[1].path: must not contain CR or LF (use a 'send' step for raw bytes)",
  ],
  [
    'a wait with both',
    (s) => {
      s.clients[0].script[0] = { do: 'wait', for: '1s', reply: 226 };
    },
    "clients[0].script[0]: a wait step needs one of 'for' (a duration) or 'reply' (a code)",
  ],
  [
    'a reader that never reads',
    (s) => {
      s.clients[0].reader = { bytes: 10, every: 0 };
    },
    'clients[0].reader.every: must be longer than 0',
  ],
  [
    'a reply code out of range',
    (s) => {
      s.clients[0].script[1].expect = 650;
    },
    "clients[0].script[1].expect: expected a reply code (100-599) or a class such as '2xx', got 650",
  ],
  [
    'a client twice',
    (s) => {
      s.clients.push({ ...s.clients[0] });
    },
    'clients[1].name: client "c" is defined twice',
  ],
  [
    'a client with no server',
    (s) => ({ ...s, server: undefined }),
    'clients[0].server: the scenario has no FTP server',
  ],
  [
    'an app endpoint without a port',
    (s) => {
      s.apps[0].steps[0].to = 'server';
    },
    `apps[0].steps[0].to: expected 'host:port', got "server"`,
  ],
  [
    'an app step on a connection never opened',
    (s) => {
      s.apps[0].steps.push({ at: '1ms', do: 'close', conn: 'y' });
    },
    'apps[0].steps[1].conn: no earlier listen or connect step names a connection "y"',
  ],
  [
    'an expectation of nothing',
    (s) => {
      s.expect.push({ text: 'hm' });
    },
    'expect[0]: an expectation has exactly one of seen, notSeen, order, sequence, outcome, intact, content, app, not, any, check (found none)',
  ],
  [
    'an expectation of two things',
    (s) => {
      s.expect.push({ seen: { reply: 226 }, notSeen: { reply: 425 } });
    },
    'expect[0]: an expectation has exactly one of',
  ],
  [
    'a bad reply code',
    (s) => {
      s.expect.push({ seen: { reply: '2xxx' } });
    },
    'expect[0].seen.reply: expected a reply code (100-599) or a class such as \'2xx\', got "2xxx"',
  ],
  [
    'an expectation on no client',
    (s) => {
      s.expect.push({ seen: { reply: 226, client: 'cc' } });
    },
    `expect[0].seen.client: no client named "cc" (did you mean 'c'?)`,
  ],
  [
    'a step that is no transfer',
    (s) => {
      s.expect.push({ intact: { client: 'c', step: 0 } });
    },
    `expect[0].intact.step: step 0 of client "c" is 'login', not retr or stor or appe`,
  ],
  [
    'a step out of the script',
    (s) => {
      s.expect.push({ seen: { step: 9, client: 'c' } });
    },
    'expect[0].seen.step: client "c" has 4 steps (0..3)',
  ],
  [
    'a misspelt flag',
    (s) => {
      s.expect.push({ seen: { segment: 'FNI', conn: { client: 'c' } } });
    },
    `expect[0].seen.segment: unknown flag "FNI" (did you mean 'FIN'?)`,
  ],
  [
    'data connection #0',
    (s) => {
      s.expect.push({ seen: { state: 'CLOSED', conn: { client: 'c', data: 0 } } });
    },
    'expect[0].seen.conn.data: expected a whole number >= 1, got 0',
  ],
  [
    'an unknown TCP state',
    (s) => {
      s.expect.push({ seen: { state: 'TIME_WAIT', conn: 'x' } });
    },
    `expect[0].seen.state: expected 'CLOSED' | 'LISTEN'`,
  ],
  [
    'an app connection never named',
    (s) => {
      s.expect.push({ seen: { state: 'CLOSED', conn: { app: 'a', conn: 'z' } } });
    },
    `expect[0].seen.conn.conn: application "a" names no connection "z"`,
  ],
  [
    'an order of one',
    (s) => {
      s.expect.push({ order: [{ reply: 226 }] });
    },
    'expect[0].order: needs at least two patterns',
  ],
  [
    'a verdict that does not exist',
    (s) => {
      s.expect.push({ client: 'c', outcome: 'crashed' });
    },
    `expect[0].outcome: expected 'completed' | 'failed' | 'truncated' | 'hung', got "crashed"`,
  ],
  [
    'a check without a text',
    (s) => {
      s.expect.push({ check: () => null });
    },
    'expect[0].text: a check function needs a text',
  ],
  [
    'a check that is no function',
    (s) => {
      s.expect.push({ check: 'x => null', text: 't' });
    },
    'expect[0].check: expected a function (outcome) => string | null, got "x => null"',
  ],
  [
    'a nested mistake',
    (s) => {
      s.expect.push({ not: { any: [{ seen: { log: { staus: 425 } } }] } });
    },
    `expect[0].not.any[0].seen.log.staus: unknown field (did you mean 'status'?)`,
  ],
  ['a bad time limit', (s) => ({ ...s, limits: { until: 'later' } }), 'limits.until: bad duration "later"'],
];

describe('validateScenario: every mistake names the file and the field', () => {
  it.each(CASES)('%s', (_what, edit, message) => {
    const s = base();
    const edited = edit(s);
    const data = edited === undefined ? s : edited;
    let error: unknown;
    try {
      validateScenario(data, FILE);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ScenarioError);
    expect(error).toBeInstanceOf(UsageError);
    expect((error as Error).message.startsWith(`${FILE}: ${message}`)).toBe(true);
  });

  it('the error carries the file, the field and the problem apart', () => {
    const s = base();
    (s.clients as Array<{ script: Array<Record<string, unknown>> }>)[0]!.script[3]!.mode = 'pasive';
    try {
      validateScenario(s, FILE);
      expect.unreachable();
    } catch (e) {
      const err = e as ScenarioError;
      expect([err.file, err.field]).toEqual([FILE, 'clients[0].script[3].mode']);
      expect(err.problem).toBe(
        `expected 'passive' | 'epsv' | 'active' | 'eprt', got "pasive" (did you mean 'passive'?)`,
      );
    }
  });

  it('the valid base scenario passes, with its defaults filled', () => {
    const s = validateScenario(base(), FILE);
    expect(s.profile).toBe('ftp75');
    expect(s.seed).toBe(1);
    expect(s.paths.map((p) => `${p.from}>${p.to} ${p.config.latency}`)).toEqual([
      'client>server 1000000',
      'server>client 1000000',
    ]);
    expect(s.clients[0]!.server).toEqual({ addr: '10.0.0.2', port: 21 });
    expect(s.clients[0]!.script[0]).toEqual({ do: 'login', user: 'anonymous', pass: 'netstep@' });
    expect(s.clients[0]!.script[3]).toMatchObject({ do: 'list', mode: 'passive', expect: '2xx', path: null });
  });
});
