/**
 * The three kinds of failure, kept apart so that a message says whose fault it is:
 * - UsageError: the caller misused the library or wrote a bad scenario (fix your input);
 * - PeerError: a simulated peer broke a protocol rule (the model reports it, it does not crash);
 * - InvariantError: netstep itself is wrong (a bug; please report it).
 */

export class UsageError extends Error {
  override name = 'UsageError';
}

export class PeerError extends Error {
  override name = 'PeerError';
}

export class InvariantError extends Error {
  override name = 'InvariantError';
}

/** run() reached its step limit before its goal: almost always a livelock or a goal that is never met. */
export class StepLimitError extends UsageError {
  override name = 'StepLimitError';
}

export function assertNever(x: never, what = 'value'): never {
  throw new InvariantError(`unexpected ${what}: ${JSON.stringify(x)}`);
}

export function invariant(cond: unknown, message: string): asserts cond {
  if (!cond) throw new InvariantError(message);
}
