/** `netstep demo`: a small run of the engine alone, stepped and traced, to show what a trace looks like. */
import { UsageError } from '../../sim/errors.ts';
import { formatMs } from '../../sim/time.ts';
import { World } from '../../sim/world.ts';
import { parseCommandLine } from './args.ts';
import type { Command } from './main.ts';

const HELP = `usage: netstep demo [--seed N] [--pingers N]

Runs a few timers that wake at random intervals from their own seeded streams, and prints the trace.
The same seed prints the same lines, always.`;

export const demoCommand: Command = {
  summary: 'a small run of the engine alone',
  run(args) {
    const { values, positionals } = parseCommandLine('demo', args, {
      seed: { type: 'string', default: '1' },
      pingers: { type: 'string', default: '3' },
      help: { type: 'boolean', short: 'h' },
    });
    if (values.help) {
      console.log(HELP);
      return 0;
    }
    if (positionals.length > 0) throw new UsageError(`takes no arguments, got '${positionals.join(' ')}'`);
    const pingers = Number(values.pingers);
    if (!Number.isSafeInteger(pingers) || pingers < 1 || pingers > 1000) {
      throw new UsageError(`--pingers takes a whole number from 1 to 1000, not '${values.pingers}'`);
    }
    const w = new World({ seed: values.seed });
    w.on('wake', (world, name: string) => {
      const delay = world.rng(`timer:${name}`).int(1_000_000, 50_000_000);
      world.record('note', name, { text: `woke; next wake in ${formatMs(delay)}` });
      if (world.now < 200_000_000) world.after(delay, 'wake', name);
    });
    for (let i = 0; i < pingers; i++) w.schedule(0, 'wake', `timer${i}`);
    w.run();
    for (const e of w.trace)
      console.log(
        `${formatMs(e.at).padStart(12)}  #${e.seq}  ${e.host}  ${e.kind === 'note' ? e.text : e.kind}`,
      );
    return 0;
  },
};
