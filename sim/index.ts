export * from './errors.ts';
export * from './queue.ts';
export * from './rng.ts';
export * from './time.ts';
export * from './trace.ts';
export * from './world.ts';
