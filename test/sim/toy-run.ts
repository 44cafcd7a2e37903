// Prints the trace of a toy world as JSON lines, for the two-process determinism test.
import { toyWorld, traceText } from './toy.ts';

const w = toyWorld({ seed: process.argv[2] ?? '1', pingers: 5, limit: 40 });
w.run();
process.stdout.write(`${traceText(w)}\n`);
