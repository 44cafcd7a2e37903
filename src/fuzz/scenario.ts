/**
 * A plan as a scenario: `planScenario(plan)` writes the scenario (src/scenario/types.ts, plain JSON-able
 * data) that the runner runs during a campaign and that `netstep run` replays from a failure's file, and the
 * list of transfers whose bytes the 'transfer-bytes' invariant checks.
 *
 * The world: one server host, one host per client (so that client-side ports a transfer fixes, low ports and
 * the ports that faults target, never collide between clients), every pair joined by the plan's wire. The
 * server allows anonymous logins and one local user, and always has the directory /d (so that a shrunk plan
 * that drops every file of /d still has the directory its CWDs and listings name).
 */
import type { FaultRuleSpec } from '../../sim/net/fault-validate.ts';
import type { ScenarioInput, StepInput } from '../scenario/types.ts';
import type { FuzzPlan, PlanStep, PlanTransfer, RawLine } from './plan.ts';

export const SERVER_HOST = 'server';
export const SERVER_ADDR = '10.0.0.1';
export const FUZZ_USER = { name: 'fuzz', password: 'fuzz' };

/**
 * The simulated time a fuzz scenario may take. A seed's run ends within minutes (the longest chain of
 * timeouts, see liveness.ts, is under 15 minutes); one still busy after an hour never goes idle, and the limit
 * stops it long before simulated time runs out (2^53 ns, 104 days).
 */
export const TIME_LIMIT = '3600s';

/** A transfer of the scenario: which client, at which script step, of what. */
export interface TransferRef {
  readonly client: string;
  /** The step's index in the client's script (the scenario's, which may hold more steps than the plan's). */
  readonly index: number;
  readonly kind: PlanTransfer['do'];
  readonly path: string | null;
  /** STOR/APPE: the bytes sent. */
  readonly size: number;
}

export interface PlannedScenario {
  readonly scenario: ScenarioInput;
  readonly transfers: readonly TransferRef[];
}

const ms = (n: number): string => `${n}ms`;

export function planScenario(plan: FuzzPlan, about?: string): PlannedScenario {
  const transfers: TransferRef[] = [];
  const clients = plan.clients.map((c) => {
    const script: StepInput[] = [];
    for (const step of c.steps) {
      for (const s of stepInputs(step, plan)) {
        if (isTransferInput(s)) transfers.push(transferRef(c.name, script.length, step as PlanTransfer));
        script.push(s);
      }
    }
    return {
      name: c.name,
      host: c.name,
      server: SERVER_HOST,
      model: plan.model as NonNullable<ScenarioInput['clients']>[number]['model'],
      start: ms(c.start),
      think: ms(c.think),
      record: 'bytes' as const,
      script,
    };
  });
  const scenario: ScenarioInput = {
    name: `fuzz-seed-${plan.seed}`,
    about:
      about ??
      `netstep fuzz seed ${plan.seed}: ${plan.clients.length} ${plan.model} client(s) against ${plan.profile}`,
    seed: plan.seed,
    profile: plan.profile,
    hosts: [
      { name: SERVER_HOST, addr: SERVER_ADDR },
      ...plan.clients.map((c, i) => ({ name: c.name, addr: `10.0.${1 + (i >> 8)}.${(i & 255) + 1}` })),
    ],
    defaultPath: {
      latency: ms(plan.net.latency),
      ...(plan.net.jitter > 0 ? { jitter: ms(plan.net.jitter) } : {}),
      ...(plan.net.bandwidth > 0 ? { bandwidth: `${plan.net.bandwidth}Mbps` } : {}),
      ...(plan.net.loss > 0 ? { loss: plan.net.loss } : {}),
      ...(plan.net.duplicate > 0 ? { duplicate: plan.net.duplicate } : {}),
      ...(plan.net.reorder > 0 ? { reorder: plan.net.reorder, reorderDelay: ms(plan.net.reorderDelay) } : {}),
    },
    faults: plan.faults.map((f): FaultRuleSpec => {
      const window = { since: ms(f.from), until: ms(f.until) };
      switch (f.kind) {
        case 'partition':
          return { id: `partition-port-${f.port}`, action: 'partition', match: { port: f.port, ...window } };
        case 'hold':
          return {
            id: `hold-port-${f.port}`,
            action: 'hold',
            until: ms(f.until),
            match: { port: f.port, ...(f.fin ? { flags: ['FIN'] } : {}), since: ms(f.from) },
          };
        default:
          return f satisfies never;
      }
    }),
    ...(tcpInput(plan) === null ? {} : { tcp: tcpInput(plan)! }),
    server: {
      host: SERVER_HOST,
      config: {
        users: { users: [FUZZ_USER], anonymous: true, isolation: 'None' },
        ...(plan.server.pasvWait !== 'accept' ? { pasvWait: plan.server.pasvWait } : {}),
        ...seconds('dataChannelTimeout', plan.server.dataChannelTimeout),
        ...seconds('controlChannelTimeout', plan.server.controlChannelTimeout),
        ...(plan.server.minBytesPerSecond !== null
          ? { minBytesPerSecond: plan.server.minBytesPerSecond }
          : {}),
      },
      files: {
        'd/': null,
        ...Object.fromEntries(plan.files.map((f) => [f.path.slice(1), { size: f.size }])),
      },
      locks: plan.locks.map((l) => ({ path: l.path, from: ms(l.from), until: ms(l.until) })),
    },
    clients,
    limits: { until: TIME_LIMIT },
  };
  return { scenario, transfers };
}

function seconds(key: string, value: number | null): Record<string, string> {
  return value === null ? {} : { [key]: `${value}s` };
}

/** The TCP options the plan changes, or null for none. */
function tcpInput(plan: FuzzPlan): NonNullable<ScenarioInput['tcp']> | null {
  const t = plan.tcp;
  const o = {
    ...(t.delayedAck ? { delayedAck: true } : {}),
    ...(t.noDelay ? { nagle: false } : {}),
    ...(t.rcvBuf !== null ? { rcvBuf: t.rcvBuf } : {}),
    ...(t.msl !== null ? { msl: ms(t.msl) } : {}),
  };
  return Object.keys(o).length === 0 ? null : o;
}

function isTransferInput(s: StepInput): boolean {
  return s.do === 'retr' || s.do === 'stor' || s.do === 'appe' || s.do === 'list' || s.do === 'nlst';
}

function transferRef(client: string, index: number, t: PlanTransfer): TransferRef {
  return {
    client,
    index,
    kind: t.do,
    path: t.path,
    size: t.do === 'stor' || t.do === 'appe' ? t.size : 0,
  };
}

/** The scenario steps of one plan step (an LF line is two: the raw line, then the wait for its reply). */
function stepInputs(s: PlanStep, plan: FuzzPlan): StepInput[] {
  switch (s.do) {
    case 'login':
      if (s.user === 'anonymous') return [{ do: 'login', user: 'anonymous', pass: 'fuzz@example.com' }];
      if (s.user === 'fuzz') return [{ do: 'login', user: FUZZ_USER.name, pass: FUZZ_USER.password }];
      return [{ do: 'login', user: 'nobody', pass: 'wrong' }];
    case 'cwd':
      return [{ do: 'cwd', path: s.path }];
    case 'type':
      return [{ do: 'type', type: s.type }];
    case 'abor':
      // No transfer is in progress: 225 (RFC 959 §4.1.3, "no data connection open" reply class 2).
      return [{ do: 'command', line: 'ABOR', expect: ['2xx'] }];
    case 'raw':
      return rawLine(s.line, plan);
    case 'wait':
      return [{ do: 'wait', for: ms(s.ms) }];
    case 'quit':
      return [{ do: 'quit' }];
    case 'retr':
    case 'stor':
    case 'appe':
    case 'list':
    case 'nlst':
      return transferInputs(s, plan);
    default:
      return s satisfies never;
  }
}

/**
 * A malformed line. Most are command steps: the client sends the line with its own line end and waits for
 * the final reply, so replies stay in step; each gets a 4xx or 5xx (500 for a NUL inside the verb, a line
 * past the length limit, an unknown verb). An LF line end is sent raw, and the client waits for its reply:
 * 451 under ftp75 (KB 2505047), the NOOP's 200 under iis6, which accepts LF.
 */
function rawLine(line: RawLine, plan: FuzzPlan): StepInput[] {
  const fails = ['4xx', '5xx'] as const;
  switch (line) {
    case 'garbage':
      return [{ do: 'command', line: 'XYZZY fuzz', expect: [...fails] }];
    case 'nul':
      return [{ do: 'command', line: 'NO\u0000OP', expect: [...fails] }];
    case 'long':
      return [{ do: 'command', line: `NOOP ${'x'.repeat(5000)}`, expect: [...fails] }];
    case 'lf-only':
      return [
        { do: 'send', text: 'NOOP\n' },
        { do: 'wait', reply: plan.profile === 'ftp75' ? 451 : 200 },
      ];
    default:
      return line satisfies never;
  }
}

function transferInputs(t: PlanTransfer, plan: FuzzPlan): StepInput[] {
  const knobs = {
    mode: t.mode,
    ...(t.connectDelay > 0 ? { connectDelay: ms(t.connectDelay) } : {}),
    ...(t.commandDelay > 0 ? { commandDelay: ms(t.commandDelay) } : {}),
    ...(t.port !== null ? { localPort: t.port } : {}),
    ...(t.reader !== null ? { reader: { bytes: t.reader.bytes, every: ms(t.reader.every) } } : {}),
  };
  // KB 2505047: FTP 7.5 refuses a data connection from (or to) a port below 1024: the transfer gets 425.
  const refused = t.port !== null && t.port < 1024 && plan.profile === 'ftp75';
  const expect = refused ? { expect: '4xx' as const } : {};
  switch (t.do) {
    case 'retr': {
      const missing = !plan.files.some((f) => f.path === t.path);
      return [{ ...knobs, do: 'retr', path: t.path, ...(missing ? { expect: '5xx' } : expect) }];
    }
    case 'stor':
    case 'appe':
      return [{ ...knobs, do: t.do, path: t.path, data: { size: t.size }, ...expect }];
    case 'list':
    case 'nlst':
      return [
        {
          ...knobs,
          do: t.do,
          ...(t.path !== null ? { path: t.path } : {}),
          ...(t.options !== null ? { options: t.options } : {}),
          ...expect,
        },
      ];
    default:
      return t satisfies never;
  }
}
