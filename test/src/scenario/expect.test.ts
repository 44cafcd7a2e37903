/**
 * What each kind of expectation claims, decided on one run: a client downloading a 200 KB file from FTP 7.5,
 * where the 226 overtakes the end of the data. Each claim that holds is checked against its negation or a
 * neighbour that does not, and the entry it names (`seq`) is the one that decided it.
 */

import { describe, expect, it } from 'vitest';
import type { RunOutcome } from '../../../src/scenario/index.ts';
import { runScenario, validateScenario } from '../../../src/scenario/index.ts';
import type { ExpectationInput } from '../../../src/scenario/types.ts';
import { ftpScenario, LOGIN } from '../clients/helpers.ts';

const CLIENT = {
  name: 'c',
  host: 'client',
  script: [
    LOGIN,
    { do: 'type', type: 'I' } as const,
    { do: 'retr', path: 'big.bin' } as const,
    { do: 'quit' } as const,
  ],
};

function decide(expectations: ExpectationInput[], o: { trace?: boolean; profile?: 'ftp75' | 'iis6' } = {}) {
  const s = validateScenario(ftpScenario([CLIENT], { expect: expectations }), 'test');
  const outcome = runScenario(s, o);
  return { outcome, results: outcome.results };
}

const entry = (o: RunOutcome, seq: number) => o.world.trace[seq]!;

describe('event patterns and what they match', () => {
  it('reply with a client: the reply arriving at that client, in a given step; the entry is that arrival', () => {
    const { outcome, results } = decide([{ seen: { reply: 226, client: 'c', step: 2 } }]);
    const r = results[0]!;
    expect(r).toMatchObject({ passed: true, text: 'c receives 226 in step 2 (retr big.bin (passive))' });
    expect(entry(outcome, r.seq!)).toMatchObject({ kind: 'client-reply', client: 'c', code: 226, step: 2 });
  });

  it('reply without a client: the server writing it; classes match every code of their digit', () => {
    const { outcome, results } = decide([
      { seen: { reply: '2xx' } },
      { seen: { reply: 226, client: 'c', step: 3 } },
    ]);
    expect(entry(outcome, results[0]!.seq!)).toMatchObject({ kind: 'ftp-reply', code: 220 });
    expect(results[1]).toMatchObject({ passed: false, detail: 'never seen' });
  });

  it('times counts every match', () => {
    const [a, b] = decide([
      { seen: { reply: 227, client: 'c' }, times: 1 },
      { seen: { reply: '2xx', client: 'c' }, times: 2 },
    ]).results;
    expect(a).toMatchObject({ passed: true, text: 'c receives 227, exactly once' });
    expect(b!.passed).toBe(false);
    expect(b!.detail).toMatch(/^seen 6 time\(s\), last at #\d+ \(\d+\.\d{3}ms\)$/);
  });

  it('notSeen fails on the first match, and names it', () => {
    const { outcome, results } = decide([
      { notSeen: { reply: 425 } },
      { notSeen: { command: 'RETR', client: 'c' } },
    ]);
    expect(results[0]).toMatchObject({ passed: true, text: 'never: the server sends 425' });
    expect(results[1]!.passed).toBe(false);
    expect(entry(outcome, results[1]!.seq!)).toMatchObject({ kind: 'ftp-command', line: 'RETR big.bin' });
  });

  it('order: the first match of each, in order; when not, the detail says which came first', () => {
    const r226 = { reply: 226, client: 'c' } as const;
    const fin = { segment: 'FIN', conn: { client: 'c', data: 1 } } as const;
    const [ok, ko] = decide([{ order: [r226, fin] }, { order: [fin, r226] }]).results;
    expect(ok).toMatchObject({
      passed: true,
      text: "c receives 226, before FIN arrives on c's data connection #1",
    });
    expect(ko!.passed).toBe(false);
    expect(ko!.detail).toMatch(
      /^c receives 226 at #\d+ .*, but FIN arrives on c's data connection #1 only at #\d+/,
    );
  });

  it('sequence: each after the one before, so a pattern may match a later occurrence', () => {
    const [a, b] = decide([
      {
        sequence: [
          { reply: 227, client: 'c' },
          { reply: 150, client: 'c' },
          { reply: 221, client: 'c' },
        ],
      },
      {
        sequence: [
          { reply: 221, client: 'c' },
          { reply: 227, client: 'c' },
        ],
      },
    ]).results;
    expect(a).toMatchObject({
      passed: true,
      text: 'c receives 227, then c receives 150, then c receives 221',
    });
    expect(b!.detail).toMatch(/^never seen after #\d+ \(.*\): c receives 227$/);
  });

  it('TCP states, socket events and segments of a connection, or of the other end of it', () => {
    const results = decide([
      { seen: { state: 'TIME-WAIT', conn: { client: 'c', data: 1, peer: true } } },
      { seen: { state: 'TIME-WAIT', conn: { client: 'c', data: 1 } } },
      { seen: { event: 'peer-closed', conn: { client: 'c', data: 'last' } } },
      { seen: { segment: ['FIN', 'ACK'], conn: { client: 'c', data: 1 }, dir: 'out' } },
      { seen: { segment: 'SYN', conn: { client: 'c', data: 2 } } },
    ]).results;
    expect(results.map((r) => r.passed)).toEqual([true, false, true, true, false]);
    expect(results[0]!.text).toBe("the other end of c's data connection #1 enters TIME-WAIT");
    expect(results[4]!.detail).toBe("client 'c' opened 1 data connection(s), not #2");
  });

  it('log lines by their fields; commands by verb or whole line; any trace entry by its fields', () => {
    const results = decide([
      { seen: { log: { method: 'RETR', uri: 'big.bin', status: 226, win32: 0, path: '/big.bin' } } },
      { seen: { log: { method: 'retr', status: '4xx' } } },
      { seen: { command: 'RETR big.bin' } },
      { seen: { command: 'RET' } },
      { seen: { entry: 'tcp-state', host: 'server', fields: { from: 'LISTEN', to: 'SYN-RECEIVED' } } },
      { seen: { entry: 'client-verdict', fields: { verdict: 'completed' } } },
    ]).results;
    expect(results.map((r) => r.passed)).toEqual([true, false, true, false, true, true]);
  });

  it('steps of a client', () => {
    const [a, b] = decide([
      { seen: { step: 2, client: 'c', phase: 'done' } },
      { seen: { step: 2, client: 'c', phase: 'fail' } },
    ]).results;
    expect(a).toMatchObject({ passed: true, text: "c's step 2 (retr big.bin (passive)) completes" });
    expect(b!.passed).toBe(false);
  });
});

describe('outcomes, content, combinators, profiles, checks', () => {
  it('client outcome, with the detail of the verdict', () => {
    const [a, b] = decide([
      { client: 'c', outcome: 'completed' },
      { client: 'c', outcome: 'failed', code: 425 },
    ]).results;
    expect(a).toMatchObject({
      passed: true,
      text: 'client c completed',
      detail: 'completed: the script ran to its end',
    });
    expect(b).toMatchObject({ passed: false, text: 'client c failed with 425' });
  });

  it('intact compares the bytes with the file on the server; a wrong file name is a failure that says so', () => {
    const [a, b] = decide([
      { intact: { client: 'c', step: 2 } },
      { intact: { client: 'c', step: 2, file: 'small.txt' } },
    ]).results;
    expect(a).toMatchObject({ passed: true, detail: '/big.bin 200000 bytes' });
    expect(b).toMatchObject({ passed: false });
    expect(b!.detail).toMatch(
      /^step 2 \(\/small.txt\): received 200000 bytes, the file has 14; first difference at byte 0$/,
    );
  });

  it('not and any', () => {
    const [a, b, c] = decide([
      { not: { seen: { reply: 425 } } },
      { any: [{ seen: { reply: 425 } }, { seen: { reply: 226 } }] },
      { any: [{ seen: { reply: 425 } }, { seen: { reply: 426 } }] },
    ]).results;
    expect(a).toMatchObject({ passed: true, text: 'not: the server sends 425' });
    expect(b!.passed).toBe(true);
    expect(c!.passed).toBe(false);
  });

  it('an expectation for another profile is left out of the run', () => {
    const list: ExpectationInput[] = [
      { seen: { reply: 226 } },
      { seen: { reply: 150 }, profile: 'iis6' },
      { notSeen: { reply: 125 }, profile: 'ftp75' },
    ];
    expect(decide(list).results.map((r) => r.text)).toEqual([
      'the server sends 226',
      '[ftp75] never: the server sends 125',
    ]);
    expect(decide(list, { profile: 'iis6' }).results.map((r) => r.text)).toEqual([
      'the server sends 226',
      '[iis6] the server sends 150',
    ]);
  });

  it('a check function gets the outcome; a string is its failure', () => {
    const [a, b] = decide([
      { check: (o: RunOutcome) => (o.world.steps > 0 ? null : 'nothing ran'), text: 'something ran' },
      { check: () => 'always wrong', text: 'never right' },
    ]).results;
    expect(a).toEqual({ text: 'something ran', passed: true });
    expect(b).toEqual({ text: 'never right', passed: false, detail: 'always wrong' });
  });

  it('without the trace, claims over the trace fail and say why; claims over state still hold', () => {
    const [a, b] = decide([{ seen: { reply: 226 } }, { client: 'c', outcome: 'completed' }], {
      trace: false,
    }).results;
    expect(a).toMatchObject({ passed: false, detail: 'needs the trace: run with tracing on' });
    expect(b!.passed).toBe(true);
  });

  it('outcome.passed is every result passing', () => {
    expect(decide([{ seen: { reply: 226 } }]).outcome.passed).toBe(true);
    expect(decide([{ seen: { reply: 226 } }, { seen: { reply: 599 } }]).outcome.passed).toBe(false);
  });
});
