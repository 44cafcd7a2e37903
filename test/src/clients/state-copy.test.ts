/**
 * The written-out copies of ftp-state.ts (`patch`, `patchTransfer`) against the object spread they replace:
 * on every state a real client passes through, the copy with a change is the spread with that change, field
 * for field and in the same key order (so a state printed as JSON reads the same), and the original is left
 * as it was.
 */

import { describe, expect, it } from 'vitest';
import { World } from '../../../sim/world.ts';
import type { ClientState, TransferState } from '../../../src/clients/ftp-state.ts';
import { patch, patchTransfer } from '../../../src/clients/ftp-state.ts';
import { LOGIN, runClients } from './helpers.ts';

/** Every state client c was stored with during a run of a login, a RETR and a QUIT. */
function statesOfARun(): ClientState[] {
  const seen: ClientState[] = [];
  // Every write to the world goes through put (set included); the run's only client state is c's.
  const put = World.prototype.put;
  World.prototype.put = function (this: World, slot: number, value: unknown) {
    if (typeof value === 'object' && value !== null && 'traits' in value && 'wait' in value)
      seen.push(value as ClientState);
    put.call(this, slot, value);
  };
  try {
    runClients([
      {
        name: 'c',
        host: 'client',
        script: [LOGIN, { do: 'retr', path: 'mid.bin' }, { do: 'quit' }],
      },
    ]);
  } finally {
    World.prototype.put = put;
  }
  return seen;
}

const states = statesOfARun();
const transfers = states.flatMap((s) => (s.xfer === null ? [] : [s.xfer]));

describe('state copies', () => {
  it('the run passes through many states, some in a transfer', () => {
    expect(states.length).toBeGreaterThan(20);
    expect(transfers.length).toBeGreaterThan(10);
  });

  it('patch(s, change) is { ...s, ...change }, keys in the same order, s untouched', () => {
    for (const s of states) {
      const before = JSON.stringify(s);
      for (const change of [{}, { wait: { on: 'idle' } }, { index: s.index + 1, xfer: null }] as const) {
        const copy = patch(s, change);
        const spread = { ...s, ...change };
        expect(copy).not.toBe(s);
        expect(copy).toStrictEqual(spread);
        expect(Object.keys(copy)).toEqual(Object.keys(spread));
      }
      expect(JSON.stringify(s)).toBe(before);
    }
  });

  it('patchTransfer(x, change) is { ...x, ...change }, keys in the same order, x untouched', () => {
    for (const x of transfers) {
      const before = JSON.stringify(x);
      for (const change of [{}, { count: x.count + 1460 }, { finSeen: true, eof: true }] as const) {
        const copy: TransferState = patchTransfer(x, change);
        const spread = { ...x, ...change };
        expect(copy).not.toBe(x);
        expect(copy).toStrictEqual(spread);
        expect(Object.keys(copy)).toEqual(Object.keys(spread));
      }
      expect(JSON.stringify(x)).toBe(before);
    }
  });
});
