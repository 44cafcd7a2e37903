#!/usr/bin/env -S node --max-semi-space-size=64
// Entry point of the netstep command line. TypeScript sources are loaded through tsx, so a checkout
// runs without a build step.
//
// The node flag on the first line gives the young generation 64 MB semi-spaces instead of V8's 16 MB. A
// simulation keeps every model value immutable and replaces it on each event, so values live for as many
// events as interleave between two events of the same connection: with thousands of sessions they outlive a
// small young generation and the scavenger copies and promotes most of them. Measured on the
// 10,000-session benchmark: scavenges 6.3 s -> 3.4 s, mark-compacts 0.9 s -> 0.4 s, ~150 MB more peak RSS.
// V8 reads the flag only at start-up, so it cannot be set from here; `npm run bench` passes the same flags.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
