/**
 * A toy model for the engine's tests: pingers that wake at random intervals drawn from their own random
 * streams, count their wakes in the world's state, and record a note each time.
 */
import { World, type WorldOptions } from '../../sim/world.ts';

interface Pinger {
  readonly name: string;
  readonly wakes: number;
}

export function toyWorld(options: WorldOptions & { pingers?: number; limit?: number } = {}): World {
  const w = new World(options);
  const limit = options.limit ?? 100;
  w.on('ping', (world, name: string) => {
    const p = world.get<Pinger>(`pinger:${name}`)!;
    const next: Pinger = { ...p, wakes: p.wakes + 1 };
    world.set(`pinger:${name}`, next);
    const r = world.rng(`pinger:${name}`);
    const delay = r.int(1, 1000);
    if (world.tracing) world.record('note', name, { text: `wake ${next.wakes} +${delay}` });
    if (next.wakes < limit) world.after(delay, 'ping', name);
  });
  for (let i = 0; i < (options.pingers ?? 3); i++) {
    const name = `p${i}`;
    w.set(`pinger:${name}`, { name, wakes: 0 });
    w.schedule(0, 'ping', name);
  }
  return w;
}

export function traceText(w: World): string {
  return w.trace.map((e) => JSON.stringify(e)).join('\n');
}
