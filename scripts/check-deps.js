#!/usr/bin/env node
// The dependency rule, checked on every `npm test`:
// - sim/ (the engine) imports nothing from src/ or scenarios/;
// - no Math.random, Date.now, performance.now, setTimeout, setInterval or setImmediate in sim/, in a
//   protocol core (the FTP model in src/ftp/), or in anything else a simulated run executes (the FTP
//   adapter, the client models, the scenario runner, the views), so a run stays a function of its seed;
// - no real I/O (node:net, node:fs, ...) in sim/ and the models (src/ftp, src/apps, src/clients).
// Only the emulator, the fuzzer's worker pool and the command line do real I/O and read the wall clock.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const NO_CLOCKS = ['sim', 'src/ftp', 'src/apps', 'src/clients', 'src/scenario', 'src/views'];
const NO_IO = ['sim', 'src/ftp', 'src/apps', 'src/clients'];
const CLOCKS = /\b(Math\.random|Date\.now|performance\.now|setTimeout|setInterval|setImmediate|new Date\(\))/;
const IO = /from\s+['"](node:)?(net|fs|fs\/promises|dgram|http|https|child_process|worker_threads)['"]/;

function* files(dir) {
  let names;
  try {
    names = readdirSync(dir);
  } catch {
    return;
  }
  for (const name of names) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) yield* files(p);
    else if (/\.(ts|js|mjs)$/.test(name)) yield p;
  }
}

/** Source text without comments, so that a comment may name what the code must not use. */
function code(text) {
  return text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`])\/\/.*$/gm, '$1');
}

const problems = [];
for (const core of NO_CLOCKS) {
  for (const file of files(join(root, core))) {
    const rel = relative(root, file);
    if (rel.endsWith('bench.ts') || rel.includes('/bench/')) continue; // benchmarks time themselves
    const lines = code(readFileSync(file, 'utf8')).split('\n');
    lines.forEach((line, i) => {
      const where = `${rel}:${i + 1}`;
      if (rel.startsWith('sim/') && /from\s+['"][./]*(src|scenarios)\//.test(line)) {
        problems.push(`${where}: sim/ must not import from src/ or scenarios/: ${line.trim()}`);
      }
      const clock = CLOCKS.exec(line);
      if (clock) problems.push(`${where}: ${clock[1]} is not allowed in code a simulated run executes`);
      const io = NO_IO.some((d) => rel.startsWith(`${d}/`)) ? IO.exec(line) : null;
      if (io) problems.push(`${where}: real I/O (${io[2]}) is not allowed in sim/ or a model`);
    });
  }
}

if (problems.length > 0) {
  console.error(`dependency rule: ${problems.length} problem(s)\n${problems.join('\n')}`);
  process.exit(1);
}
console.log(`dependency rule: ok (no clocks in ${NO_CLOCKS.join(', ')}; no I/O in ${NO_IO.join(', ')})`);
