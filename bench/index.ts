/**
 * `npm run bench [name...]`: every benchmark, or the named ones. Each prints figures; none is a test and
 * none fails on a slow machine.
 */
import { emulatorBench } from './emulator.ts';
import { ftpBench } from './ftp.ts';
import { fuzzBench } from './fuzz.ts';
import { historyBench } from './history.ts';
import { kernelBench } from './kernel.ts';
import { tcpBench } from './tcp.ts';

const BENCHES: Record<string, () => void | Promise<void>> = {
  kernel: kernelBench,
  tcp: tcpBench,
  ftp: ftpBench,
  history: historyBench,
  emulator: emulatorBench,
  fuzz: fuzzBench,
};

const wanted = process.argv.slice(2);
for (const name of wanted) {
  if (!(name in BENCHES)) {
    console.error(`unknown benchmark '${name}'; known: ${Object.keys(BENCHES).join(', ')}`);
    process.exit(2);
  }
}
const flags = process.execArgv.filter((f) => f.startsWith('--') && f !== '--import').join(' ');
console.log(
  `netstep benchmarks on node ${process.version} (${flags}), ${(await import('node:os')).cpus().length} cores`,
);
for (const [name, run] of Object.entries(BENCHES)) {
  if (wanted.length === 0 || wanted.includes(name)) await run();
}
