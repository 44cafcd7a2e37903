#!/usr/bin/env node
// Runs the benchmarks in bench/ through tsx, with more heap than the default so the large runs fit.
import { spawnSync } from 'node:child_process';

const r = spawnSync(
  process.execPath,
  ['--max-old-space-size=4096', '--expose-gc', '--import', 'tsx', 'bench/index.ts', ...process.argv.slice(2)],
  { stdio: 'inherit' },
);
process.exit(r.status ?? 1);
