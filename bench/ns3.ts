/**
 * The ns-3 peer (../shared/peers/ns3/tcp-bench.cc), built on first use with Debian's ns-3 3.37
 * (apt-get install ns3 libns3-dev) and run on the same workloads as netstep, in the same benchmark run.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';

export interface Ns3Result {
  readonly runWall: number;
  readonly events: number;
  readonly simEnd: number;
  readonly completed: string;
}

const SOURCE_CANDIDATES = ['../shared/peers/ns3/tcp-bench.cc', '../../shared/peers/ns3/tcp-bench.cc'];
const LIBS = [
  'core',
  'network',
  'internet',
  'point-to-point',
  'applications',
  'traffic-control',
  'bridge',
  'stats',
];

/** Path of the built peer, or a reason why there is none. */
export function ns3Binary(): string | { missing: string } {
  const source = SOURCE_CANDIDATES.find((p) => existsSync(p));
  if (source === undefined)
    return { missing: 'tcp-bench.cc not found beside the checkout (../shared/peers/ns3)' };
  const out = join('node_modules', '.cache', 'netstep-ns3');
  const bin = join(out, 'tcp-bench');
  if (existsSync(bin)) return bin;
  if (!existsSync('/usr/include/ns3.37') && !existsSync('/usr/include/ns3')) {
    return { missing: 'ns-3 is not installed (apt-get install ns3 libns3-dev)' };
  }
  mkdirSync(out, { recursive: true });
  const r = spawnSync('g++', ['-O2', '-std=c++17', source, '-o', bin, ...LIBS.map((l) => `-lns3-${l}`)], {
    encoding: 'utf8',
  });
  if (r.status !== 0) return { missing: `building the ns-3 peer failed: ${r.stderr.slice(0, 400)}` };
  return bin;
}

export function runNs3(bin: string, args: string[]): Ns3Result {
  const text = execFileSync(bin, args, { encoding: 'utf8' });
  const num = (re: RegExp) => Number(re.exec(text)?.[1] ?? Number.NaN);
  return {
    runWall: num(/run_wall=([\d.]+)s/),
    events: num(/events=(\d+)/),
    simEnd: num(/last_flow_done=([\d.]+)s/),
    completed: /completed=(\d+\/\d+)/.exec(text)?.[1] ?? '?',
  };
}
