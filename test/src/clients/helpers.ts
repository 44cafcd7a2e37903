/**
 * A two-host FTP world for client tests: 'client' and 'server' joined by a 1 ms path, the FTP 7.5 model on
 * the server with user alice, and the clients given. Built through validateScenario, as a scenario file is.
 */

import { flagNames } from '../../../sim/tcp/segment.ts';
import type { TraceEntry } from '../../../sim/trace.ts';
import { clientState } from '../../../src/clients/ftp-client.ts';
import type { ClientState } from '../../../src/clients/ftp-state.ts';
import {
  type RunOutcome,
  runScenario,
  type ScenarioInput,
  validateScenario,
} from '../../../src/scenario/index.ts';
import type { ClientInput } from '../../../src/scenario/types.ts';

export const LOGIN = { do: 'login', user: 'alice', pass: 's3cret' } as const;

export function ftpScenario(clients: ClientInput[], more: Partial<ScenarioInput> = {}): ScenarioInput {
  return {
    name: 'test',
    about: 'a client test',
    hosts: [
      { name: 'client', addr: '10.0.0.1' },
      { name: 'server', addr: '10.0.0.2' },
    ],
    paths: [{ between: ['client', 'server'], latency: '1ms' }],
    server: {
      host: 'server',
      config: { users: { users: [{ name: 'alice', password: 's3cret' }] } },
      files: { 'small.txt': 'hello, world\r\n', 'mid.bin': { size: 20_000 }, 'big.bin': { size: 200_000 } },
    },
    clients,
    ...more,
  };
}

export function runClients(
  clients: ClientInput[],
  more: Partial<ScenarioInput> = {},
  profile: 'ftp75' | 'iis6' = 'ftp75',
): RunOutcome {
  return runScenario(validateScenario(ftpScenario(clients, more), 'test'), { profile });
}

export function state(o: RunOutcome, name = 'c'): ClientState {
  const s = clientState(o.world, name);
  if (s === undefined) throw new Error(`no client ${name}`);
  return s;
}

/** The replies client `name` read, as 'code' strings, in order. */
export function repliesOf(o: RunOutcome, name = 'c'): number[] {
  return o.world.trace.flatMap((e) => (e.kind === 'client-reply' && e.client === name ? [e.code] : []));
}

/** What left `host` on connection `conn`, as 'FLAGS len' strings (the bytes as text when `text`). */
export function sent(o: RunOutcome, conn: string): string[] {
  return o.world.trace.flatMap((e: TraceEntry) =>
    e.kind === 'seg-send' && e.conn === conn ? [`${flagNames(e.seg.flags)} ${e.seg.payload.length}`] : [],
  );
}

/** The bytes a connection sent, as Latin-1 text. */
export function sentText(o: RunOutcome, conn: string): string {
  let s = '';
  for (const e of o.world.trace) {
    if (e.kind === 'seg-send' && e.conn === conn) s += String.fromCharCode(...e.seg.payload);
  }
  return s;
}

export function steps(o: RunOutcome, name = 'c'): string[] {
  return o.world.trace.flatMap((e) =>
    e.kind === 'client-step' && e.client === name ? [`${e.index} ${e.step} ${e.phase}`] : [],
  );
}
