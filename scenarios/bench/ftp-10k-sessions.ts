/**
 * Benchmark: 10,000 concurrent FTP sessions against one FTP 7.5 server, each from its own host over a 1 ms
 * path: log in, PASV, LIST, RETR of a 64 KB file, QUIT. The sessions start within the first 10 ms (one every
 * microsecond), so they all overlap. The clients count bytes rather than keep them, and the trace is off
 * unless asked for: the expectation reads the clients' final state.
 */

import { US } from '../../sim/time.ts';
import { clientNames, clientState } from '../../src/clients/ftp-client.ts';
import { defineScenario, type RunOutcome, type ScenarioInput } from '../../src/scenario/index.ts';

/** Every client ran its script to the end, and its RETR brought the whole file; null when so. */
export function allSessionsDone(o: RunOutcome, sessions: number, fileBytes: number): string | null {
  const names = clientNames(o.world);
  if (names.length !== sessions) return `${names.length} clients, not ${sessions}`;
  for (const name of names) {
    const s = clientState(o.world, name)!;
    if (s.verdict !== 'completed') return `client ${name}: ${s.verdict}: ${s.verdictDetail}`;
    const retr = s.results.find((r) => r.kind === 'retr');
    if (retr?.count !== fileBytes)
      return `client ${name}: RETR brought ${retr?.count} bytes, not ${fileBytes}`;
  }
  return null;
}

export function ftpSessions(sessions: number, fileBytes: number): ScenarioInput {
  const hosts = Array.from({ length: sessions }, (_, i) => ({
    name: `h${i}`,
    addr: `10.${1 + (i >> 16)}.${(i >> 8) & 255}.${i & 255}`,
  }));
  return {
    name: 'ftp-10k-sessions',
    about: `benchmark: ${grouped(sessions)} concurrent FTP sessions (login, PASV, LIST, RETR of ${fileBytes / 1024} KB, QUIT) over 1 ms paths`,
    trace: false,
    hosts: [{ name: 'server', addr: '10.0.0.1' }, ...hosts],
    defaultPath: { latency: '1ms' },
    server: {
      host: 'server',
      config: { users: { anonymous: true } },
      files: { 'pub/data.bin': { size: fileBytes } },
    },
    clients: hosts.map((h, i) => ({
      name: h.name,
      host: h.name,
      start: i * US,
      record: 'count' as const,
      script: [
        { do: 'login' as const },
        { do: 'type' as const, type: 'I' as const },
        { do: 'list' as const, path: 'pub' },
        { do: 'retr' as const, path: 'pub/data.bin' },
        { do: 'quit' as const },
      ],
    })),
    expect: [
      {
        check: (o: RunOutcome) => allSessionsDone(o, sessions, fileBytes),
        text: `all ${grouped(sessions)} sessions complete, each RETR bringing ${fileBytes} bytes`,
      },
    ],
  };
}

export default defineScenario(ftpSessions(10_000, 64 * 1024));

/** 10000000 → '10,000,000' (toLocaleString would load ICU's data for one comma). */
function grouped(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+$)/g, ',');
}
