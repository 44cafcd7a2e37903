/**
 * What a seed generates: `generate(seed, options)` is a pure function from a seed to a plan (plan.ts). Every
 * draw comes from a stream named after what it decides (`files`, `clients`, `net`, ...) and derived from the
 * seed alone, so the same seed always gives the same plan, on every machine and in every worker, and a change
 * to how clients are drawn leaves the files and faults of every seed as they were.
 *
 * Swarm testing (Groce et al., ISSTA 2012): each seed first decides which features are on (latency, jitter,
 * a bandwidth limit, loss, duplication, reordering, scripted faults, locks, slow readers, malformed lines)
 * and how strong, so that every combination, including "only reordering", is tried, instead of every seed
 * averaging a little of everything.
 *
 * Sizes are skewed small so that a campaign is fast: most seeds have one or two clients, a few steps and
 * files of a few KB; a few have up to 20 clients and files up to 4 MB.
 */
import { Rng, streamSeed } from '../../sim/rng.ts';
import type { Profile } from '../ftp/config.ts';
import type {
  FuzzPlan,
  PlanClient,
  PlanFault,
  PlanFile,
  PlanLock,
  PlanNet,
  PlanServer,
  PlanStep,
  PlanTcp,
  PlanTransfer,
  RawLine,
  TransferMode,
} from './plan.ts';

export interface GenerateOptions {
  readonly profile: Profile;
  /** The client model of every client. */
  readonly model: string;
}

const KB = 1024;
const MB = 1024 * KB;
/** Client-side data ports that scripted faults target: one per targeted transfer, from here. */
export const FAULT_PORT_BASE = 41000;
/** The first of the low ports (below 1024) that KB 2505047 has FTP 7.5 refuse. */
export const LOW_PORT_BASE = 1000;

function stream(seed: number, name: string): Rng {
  return new Rng(`fuzz:${name}`, streamSeed(`fuzz:${seed}`, name));
}

/** A value from weighted choices. */
function weighted<T>(r: Rng, choices: ReadonlyArray<readonly [number, T]>): T {
  const total = choices.reduce((n, [w]) => n + w, 0);
  let x = r.next() * total;
  for (const [w, v] of choices) {
    if (x < w) return v;
    x -= w;
  }
  return choices[choices.length - 1]![1];
}

export function generate(seed: number, o: GenerateOptions): FuzzPlan {
  const files = generateFiles(stream(seed, 'files'));
  const clients = generateClients(stream(seed, 'clients'), files, o.profile);
  const targeted = generateFaults(stream(seed, 'faults'), clients);
  return {
    seed,
    profile: o.profile,
    model: o.model,
    files,
    locks: generateLocks(stream(seed, 'locks'), files),
    net: generateNet(stream(seed, 'net')),
    server: generateServer(stream(seed, 'server')),
    tcp: generateTcp(stream(seed, 'tcp')),
    faults: targeted.faults,
    clients: targeted.clients,
  };
}

function fileSize(r: Rng): number {
  return weighted(r, [
    [55, () => r.int(0, 2 * KB)],
    [30, () => r.int(2 * KB + 1, 64 * KB)],
    [12, () => r.int(64 * KB + 1, 512 * KB)],
    [3, () => r.int(512 * KB + 1, 4 * MB)],
  ])();
}

function generateFiles(r: Rng): PlanFile[] {
  const n = r.int(1, 6);
  const files: PlanFile[] = [];
  for (let i = 1; i <= n; i++) {
    const dir = r.chance(0.4) ? '/d' : '';
    files.push({ path: `${dir}/f${i}.${r.chance(0.3) ? 'txt' : 'bin'}`, size: fileSize(r) });
  }
  return files;
}

function generateLocks(r: Rng, files: readonly PlanFile[]): PlanLock[] {
  if (!r.chance(0.2)) return [];
  const locks: PlanLock[] = [];
  for (let i = r.int(1, 2); i > 0; i--) {
    const from = r.int(0, 1000);
    locks.push({ path: r.pick(files).path, from, until: from + r.int(1, 3000) });
  }
  return locks;
}

function generateNet(r: Rng): PlanNet {
  // Each feature is switched on or off first (swarm testing), then given a strength.
  const latency = r.chance(0.7) ? r.int(1, 20) : 0;
  const jitter = r.chance(0.3) ? r.int(1, 5) : 0;
  const bandwidth = r.chance(0.4) ? r.pick([1, 10, 100]) : 0;
  const loss = r.chance(0.25) ? r.pick([0.001, 0.01, 0.03]) : 0;
  const duplicate = r.chance(0.2) ? r.pick([0.001, 0.01, 0.05]) : 0;
  const reorder = r.chance(0.2) ? r.pick([0.01, 0.05]) : 0;
  return {
    latency,
    jitter,
    bandwidth,
    loss,
    duplicate,
    reorder,
    reorderDelay: reorder > 0 ? r.int(1, 5) : 0,
  };
}

function generateServer(r: Rng): PlanServer {
  return {
    pasvWait: r.chance(0.25) ? 'reply' : 'accept',
    dataChannelTimeout: r.chance(0.2) ? r.pick([2, 5, 10]) : null,
    controlChannelTimeout: r.chance(0.15) ? r.pick([5, 20, 60]) : null,
    minBytesPerSecond: r.chance(0.1) ? r.pick([0, 4096, 65536]) : null,
  };
}

function generateTcp(r: Rng): PlanTcp {
  return {
    delayedAck: r.chance(0.2),
    noDelay: r.chance(0.2),
    rcvBuf: r.chance(0.1) ? r.pick([2048, 8192]) : null,
    msl: r.chance(0.3) ? r.pick([500, 5000]) : null,
  };
}

function generateClients(r: Rng, files: readonly PlanFile[], profile: Profile): PlanClient[] {
  const n = weighted(r, [
    [60, () => 1],
    [25, () => r.int(2, 4)],
    [12, () => r.int(5, 10)],
    [3, () => r.int(11, 20)],
  ])();
  const clients: PlanClient[] = [];
  for (let i = 1; i <= n; i++) {
    const name = `c${i}`;
    const steps: PlanStep[] = [];
    if (r.chance(0.95))
      steps.push({
        do: 'login',
        user: weighted(r, [
          [70, 'anonymous'],
          [26, 'fuzz'],
          [4, 'nobody'],
        ] as const),
      });
    const uploads: string[] = [];
    for (let k = r.int(1, 6); k > 0; k--) steps.push(generateStep(r, name, files, uploads, profile));
    if (r.chance(0.75)) steps.push({ do: 'quit' });
    clients.push({ name, start: r.int(0, 50), think: r.pick([0, 0, 0, 1, 5, 20]), steps });
  }
  return clients;
}

const RAW_LINES: readonly RawLine[] = ['garbage', 'lf-only', 'nul', 'long'];

function generateStep(
  r: Rng,
  client: string,
  files: readonly PlanFile[],
  uploads: string[],
  profile: Profile,
): PlanStep {
  const kind = weighted(r, [
    [30, 'retr'],
    [8, 'list'],
    [8, 'nlst'],
    [12, 'stor'],
    [5, 'appe'],
    [6, 'cwd'],
    [8, 'type'],
    [3, 'abor'],
    [8, 'raw'],
    [3, 'wait'],
  ] as const);
  switch (kind) {
    case 'cwd':
      return { do: 'cwd', path: r.pick(['/d', '/', 'd', '..', '/missing']) };
    case 'type':
      return { do: 'type', type: r.chance(0.5) ? 'A' : 'I' };
    case 'abor':
      return { do: 'abor' };
    case 'raw':
      return { do: 'raw', line: r.pick(RAW_LINES) };
    case 'wait':
      return { do: 'wait', ms: r.pick([1, 10, 100, 2000]) };
    case 'retr': {
      // No REST: the client model sends PASV/PORT after the step's commands, and REST applies to the next
      // command only, so a REST step before a RETR would be spent on the PASV.
      const file = r.chance(0.88) ? r.pick(files) : { path: '/missing.bin' };
      return { ...knobs(r, profile), do: 'retr', path: file.path };
    }
    case 'stor':
    case 'appe': {
      const again = kind === 'appe' && uploads.length > 0 && r.chance(0.6);
      const path = again ? r.pick(uploads) : `/up-${client}-${uploads.length + 1}.bin`;
      if (!again) uploads.push(path);
      const size = weighted(r, [
        [70, () => r.int(0, 4 * KB)],
        [27, () => r.int(4 * KB + 1, 64 * KB)],
        [3, () => r.int(64 * KB + 1, MB)],
      ])();
      return { ...knobs(r, profile), do: kind, path, size };
    }
    case 'list':
      return { ...knobs(r, profile), do: 'list', path: r.pick([null, '/', '/d']), options: null };
    case 'nlst':
      return {
        ...knobs(r, profile),
        do: 'nlst',
        path: r.pick([null, '/', '/d']),
        options: r.pick([null, null, '-l', '-a', '-A', ...(profile === 'iis6' ? ['-t', '-r'] : [])]),
      };
    default:
      return kind satisfies never;
  }
}

type Knobs = Pick<PlanTransfer, 'mode' | 'port' | 'connectDelay' | 'commandDelay' | 'reader'>;

function knobs(r: Rng, profile: Profile): Knobs {
  const modes: ReadonlyArray<readonly [number, TransferMode]> =
    profile === 'iis6'
      ? [
          [60, 'passive'],
          [35, 'active'],
          [3, 'epsv'],
          [2, 'eprt'],
        ]
      : [
          [45, 'passive'],
          [20, 'epsv'],
          [25, 'active'],
          [10, 'eprt'],
        ];
  return {
    mode: weighted(r, modes),
    port: r.chance(0.04) ? r.int(LOW_PORT_BASE, 1023) : null,
    connectDelay: r.chance(0.7) ? 0 : r.int(1, 20),
    commandDelay: r.chance(0.7) ? 0 : r.int(1, 20),
    reader: r.chance(0.1) ? { bytes: r.pick([512, 4096, 16384]), every: r.pick([1, 5, 20]) } : null,
  };
}

/**
 * Scripted faults on data connections. A fault targets one transfer: the transfer is given a client-side
 * port of its own, and the fault matches that port, in a time window drawn here (the transfer may or may not
 * run inside it: both are worth trying).
 */
function generateFaults(r: Rng, clients: PlanClient[]): { faults: PlanFault[]; clients: PlanClient[] } {
  if (!r.chance(0.25)) return { faults: [], clients };
  const transfers: Array<[number, number]> = [];
  clients.forEach((c, ci) => {
    c.steps.forEach((s, si) => {
      if (s.do === 'retr' || s.do === 'stor' || s.do === 'appe' || s.do === 'list' || s.do === 'nlst') {
        if (s.port === null) transfers.push([ci, si]);
      }
    });
  });
  if (transfers.length === 0) return { faults: [], clients };
  const faults: PlanFault[] = [];
  const next = clients.map((c) => [...c.steps]);
  for (let i = r.int(1, 2); i > 0 && transfers.length > 0; i--) {
    const [ci, si] = transfers.splice(r.int(0, transfers.length - 1), 1)[0]!;
    const port = FAULT_PORT_BASE + faults.length;
    next[ci]![si] = { ...(next[ci]![si] as PlanTransfer), port };
    // Transfers run in the first seconds of a seed, so a window that starts early mostly catches its
    // transfer; the lengths reach past the data-channel timeouts (2 s to 30 s), so the server gives up too.
    const from = r.chance(0.4) ? 0 : r.int(1, 2000);
    const length = r.pick([20, 200, 1000, 3000, 10_000, 40_000]);
    faults.push(
      r.chance(0.5)
        ? { kind: 'partition', port, from, until: from + length }
        : { kind: 'hold', port, fin: r.chance(0.6), from, until: from + Math.min(length, 3000) },
    );
  }
  return { faults, clients: clients.map((c, ci) => ({ ...c, steps: next[ci]! })) };
}
