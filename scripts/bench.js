#!/usr/bin/env node
// Runs the benchmarks in bench/ through tsx, with more heap than the default so the large runs fit, and
// with the node flags the netstep command runs with (the first line of bin/netstep.js), so that a figure
// is what `netstep run` gets.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

const shebang = readFileSync(new URL('../bin/netstep.js', import.meta.url), 'utf8').split('\n', 1)[0];
const cliFlags = shebang.split(/\s+/).filter((w) => w.startsWith('--'));
const r = spawnSync(
  process.execPath,
  [
    ...cliFlags,
    '--max-old-space-size=4096',
    '--expose-gc',
    '--import',
    'tsx',
    'bench/index.ts',
    ...process.argv.slice(2),
  ],
  { stdio: 'inherit' },
);
process.exit(r.status ?? 1);
